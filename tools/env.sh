# Put the pinned Node 24 first on PATH: `source tools/env.sh` (after tools/setup.sh has run).
ANA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# tools/bin holds `ana` (the project's own command line).
export PATH="$ANA_ROOT/tools/node24/node_modules/.bin:$ANA_ROOT/tools/bin:$ANA_ROOT/node_modules/.bin:$PATH"
