#!/usr/bin/env bash
# Rule 8's fields, per held-out style: the shift benchmark's 400 (its 100 test fields), rule 2's 300
# without the two rare patterns (seed 7202) and two pools of ordinary fields (seeds 7303, 7304).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=${WORK:-/tmp/rare8}
cd "$ROOT"
ana() { bash tools/run ana "$@"; }
# The benchmark's data seed: 1 + 1000 × (the style's place in STYLE_NAMES), as shift-bench.ts draws it.
declare -A SEED=([research-40x-mono16]=2001 [routine-20x-colour-jpeg]=3001 [mercury-hotspot-12bit]=4001)
for S in mercury-hotspot-12bit research-40x-mono16 routine-20x-colour-jpeg; do
  W=$WORK/data/$S
  ana synth --out $W/bench --count 400 --seed ${SEED[$S]} --style $S --size 1024x768 --splits signed=300,test=100 --accession-prefix S
  ana synth --out $W/base --count 300 --seed 7202 --style $S --size 1024x768 --splits train=1 --weights mitochondrial=0,nuclear_dots=0
  ana synth --out $W/pool1 --count 60 --seed 7303 --style $S --size 1024x768 --splits train=1
  ana synth --out $W/pool2 --count 60 --seed 7304 --style $S --size 1024x768 --splits train=1
done
echo "fields written under $WORK/data"
