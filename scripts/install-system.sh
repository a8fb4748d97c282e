#!/usr/bin/env bash
# Installs the system packages the tests need on a fresh Debian bookworm machine (run as root):
#  - Mesa 25 lavapipe from bookworm-backports: a Vulkan driver new enough for Dawn (npm `webgpu`);
#    stock bookworm Mesa 22.3 is too old for Dawn's Vulkan path.
#  - Debian's Chromium for the browser tests (never a downloaded browser).
#  - Debian's PyTorch (python3-torch) for the default models' trainer in pytorch/, with
#    libopenblas0-pthread so torch's BLAS is OpenBLAS, not the slow reference BLAS.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

need_chromium=1; need_lvp=1; need_torch=1
command -v chromium >/dev/null 2>&1 && need_chromium=0
/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 \
  && dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'ok installed' && need_torch=0
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 \
   && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]'; then
  need_lvp=0
fi
[ "$need_chromium$need_lvp$need_torch" = "000" ] && { echo "install-system: already installed"; exit 0; }

if [ "$(id -u)" != 0 ]; then echo "install-system: run as root (apt-get is needed)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive

src=/etc/apt/sources.list.d/debian.sources
bp=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$bp" ]; then
  # Same URI and keyring as the machine's main Debian entry.
  uri=$(awk '/^URIs:/{print $2; exit}' "$src" 2>/dev/null || true)
  key=$(awk '/^Signed-By:/{print $2; exit}' "$src" 2>/dev/null || true)
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
    "${uri:-http://deb.debian.org/debian}" "${key:-/usr/share/keyrings/debian-archive-keyring.gpg}" > "$bp"
fi
apt-get update -qq
pkgs=()
[ $need_chromium = 1 ] && pkgs+=(chromium fonts-dejavu-core)
[ $need_torch = 1 ] && pkgs+=(python3-torch python3-numpy libopenblas0-pthread)
[ ${#pkgs[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
[ $need_lvp = 1 ] && apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1
echo "install-system: done"
