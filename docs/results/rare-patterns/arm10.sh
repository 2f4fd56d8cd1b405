#!/usr/bin/env bash
# One arm of rules 10-12 on rule 8's CSVs: arm10.sh TREE PACKAGE_DIR TAG STYLE...
# From checkout TREE (tools/setup.sh done): `ana train --base PACKAGE_DIR` on each style's CSV, then
# its reading of the test fields, into $WORK10/STYLE-TAG (TAG: T, S, Dfar, D070, Efar as table11.py reads them).
# TRAIN_ARGS adds options to `ana train` (e.g. '--seed 2'); the environment (e.g. ANA_SWA) passes through.
set -uo pipefail
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}
PKG=$(cd "$2" && pwd); TAG=$3
cd "$1"; shift 3
for S in "$@"; do
  OUT=$WORK10/$S-$TAG; rm -rf "$OUT"
  echo "== $TAG $S start $(date +%T)"
  bash tools/run ana train --base $PKG --data $WORK/$S.csv --out $OUT ${TRAIN_ARGS:-} > $OUT.train.log 2>&1; echo "train $TAG $S rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval $TAG $S rc $? $(date +%T)"
done
echo "arm $TAG done $(date +%T)"
