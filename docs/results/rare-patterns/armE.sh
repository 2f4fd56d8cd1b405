#!/usr/bin/env bash
# Rule 12's arm E on rule 8's CSVs with the far package, from $E_TREE: a checkout at 76fde38 with
# rule12-selection.patch applied (git apply) and tools/setup.sh done.
set -uo pipefail
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}
cd "${E_TREE:?E_TREE: a checkout at 76fde38 with rule12-selection.patch applied}"
for S in research-40x-mono16 mercury-hotspot-12bit routine-20x-colour-jpeg; do
  OUT=$WORK10/$S-Efar; rm -rf "$OUT"
  echo "== Efar $S start $(date +%T)"
  bash tools/run ana train --base $WORK10/FAR --data $WORK/$S.csv --out $OUT > $OUT.train.log 2>&1; echo "train Efar $S rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval Efar $S rc $? $(date +%T)"
done
echo "arm Efar done $(date +%T)"
