#!/usr/bin/env bash
# Setup on a fresh machine of our CI kind (Debian 12, root, npm and apt reachable):
#   - Debian packages the tests need (Chromium for browser tests, poppler-utils to render PDFs,
#     xvfb for headful windows), when missing;
#   - the pinned Node 24 into tools/node24 (system Node may be older);
#   - the project's packages with `npm ci` (no install scripts run; see allowScripts in package.json).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium poppler-utils xvfb)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: sudo apt-get install ${APT_PACKAGES[*]}" >&2
    exit 1
  fi
fi

echo "setup: Node 24 toolchain (tools/node24)"
(cd tools/node24 && npm ci --no-audit --no-fund --loglevel=error)

# shellcheck source=env.sh
source tools/env.sh
node -e 'if (+process.versions.node.split(".")[0] < 24) { console.error("setup: Node 24 not first on PATH"); process.exit(1) }'

# onnxruntime-node's install script would fetch GPU providers from a host we cannot reach.
export ONNXRUNTIME_NODE_INSTALL=skip
echo "setup: npm ci with $(node --version)"
npm ci --no-audit --no-fund --loglevel=error
echo "setup: done"
