#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian bookworm machine with Node 20 (system
# packages via apt as root, npm packages from the lockfile), type-checks, and runs every test:
# unit, WGSL-vs-CPU on Dawn + lavapipe, CLI, and headless Chromium browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system.sh
npm ci --no-audit --no-fund --loglevel=error
npx tsc --noEmit -p .
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile=test-artifacts/vitest.json || status=$?
# One plain summary line that any CI log reader understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || status=1
exit $status
