#!/usr/bin/env bash
# The seed's spread: seed-arm.sh TREE SEED STYLE... — fine-tuning as TREE ships it (rule 13's F at
# 68df317) on the far package with `--seed SEED` (which also draws other early-stopping rows), rule
# 8's CSVs ($WORK/STYLE.csv), then its reading of the test fields, into $WORK15/STYLE-Ffar-sSEED.
set -uo pipefail
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}; WORK15=${WORK15:-/tmp/rare15}
TREE=$1; SEED=$2; shift 2
mkdir -p "$WORK15"; cd "$TREE"
for S in "$@"; do
  OUT=$WORK15/$S-Ffar-s$SEED; rm -rf "$OUT"
  echo "== $S start $(date +%T)"
  bash tools/run ana train --base $WORK10/FAR --data $WORK/$S.csv --out $OUT --seed $SEED > $OUT.train.log 2>&1; echo "train rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval rc $? $(date +%T)"
done
echo "done $(date +%T)"
