#!/usr/bin/env bash
# Rule 19's fresh fields: 1,200 per held-out style, each field its own case, the two rare patterns at a quarter weight (~3 %).
set -euo pipefail
cd "$(dirname "$0")/../../.."
W=${GATEWORK:-/work/runs/stop66/fields}
gen() { bash tools/run ana synth --out $W/$1 --count 1200 --seed 7501 --style $1 --size 1024x768 --splits test=1 --fields-per-case 1 --accession-prefix G --weights nuclear_dots=0.25,mitochondrial=0.25 > $W/$1.log 2>&1; echo "$1 rc $? $(date +%T)"; }
mkdir -p $W
echo "start $(date +%T)"
gen routine-20x-colour-jpeg & gen mercury-hotspot-12bit & wait
gen research-40x-mono16
echo "done $(date +%T)"
