#!/usr/bin/env bash
# Installs the npm packages and starts the workbench at http://127.0.0.1:5173 (open it in Chrome).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
exec npx vite --host 127.0.0.1 --port 5173
