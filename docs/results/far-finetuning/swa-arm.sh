#!/usr/bin/env bash
# Rule 15's arms: swa-arm.sh TREE MODE TAG STYLE...
# From checkout TREE with swa-explore.patch applied (tools/setup.sh done): `ANA_SWA=MODE ana train
# --base $WORK10/FAR` on rule 8's CSVs ($WORK/STYLE.csv, docs/results/rare-patterns), then its
# reading of the test fields, into $WORK15/STYLE-TAG. MODE: tail | window:5 (TAG Atail, Awin5).
set -uo pipefail
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}; WORK15=${WORK15:-/tmp/rare15}
TREE=$1; MODE=$2; TAG=$3; shift 3
mkdir -p "$WORK15"; cd "$TREE"
for S in "$@"; do
  OUT=$WORK15/$S-$TAG; rm -rf "$OUT"
  echo "== $TAG $S start $(date +%T)"
  ANA_SWA=$MODE bash tools/run ana train --base $WORK10/FAR --data $WORK/$S.csv --out $OUT > $OUT.train.log 2>&1; echo "train rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval rc $? $(date +%T)"
done
echo "arm $TAG done $(date +%T)"
