#!/usr/bin/env bash
# Rule 23's fresh pools, per held-out style (after gen.sh): 60 ordinary fields each of seeds 7306, 7307.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=${WORK:-/tmp/rare8}
cd "$ROOT"
for S in mercury-hotspot-12bit research-40x-mono16 routine-20x-colour-jpeg; do
  for P in 6 7; do bash tools/run ana synth --out $WORK/data/$S/pool$P --count 60 --seed 730$P --style $S --size 1024x768 --splits train=1; done
done
echo "pools written under $WORK/data"
