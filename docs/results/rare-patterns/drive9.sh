#!/usr/bin/env bash
# Rule 9: a third pool per style, its CSV, then fine-tuning as shipped (this checkout) and its reading of the test fields.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
export WORK=${WORK:-/tmp/rare8}
cd "$ROOT"
for S in research-40x-mono16 mercury-hotspot-12bit routine-20x-colour-jpeg; do
  bash tools/run ana synth --out $WORK/data/$S/pool3 --count 60 --seed 7305 --style $S --size 1024x768 --splits train=1 --weights nuclear_dots=4,mitochondrial=4
  python3 "$HERE/make_csv.py" $S 24
  OUT=$WORK/rule9/$S-24
  bash tools/run ana train --base native-models/ana-default --data $WORK/rule9/$S.csv --out $OUT > $WORK/rule9/$S.train.log 2>&1
  bash tools/run ana eval --data $WORK/rule9/$S.csv --split test --model $OUT --json $OUT/eval.json > $WORK/rule9/$S.eval.log 2>&1
  echo "$S done $(date +%T)"
done
