#!/usr/bin/env bash
# Rule 11's arm D on rule 8's CSVs: armD.sh PKG_DIR TAG STYLE... (TAG 070 for 0.7.0, far for the far
# package), from $D_TREE: a checkout at 76fde38 with rule11-hold.patch applied (git apply) and tools/setup.sh done.
set -uo pipefail
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}
PKG=$(cd "$1" && pwd); TAG=$2; shift 2
cd "${D_TREE:?D_TREE: a checkout at 76fde38 with rule11-hold.patch applied}"
for S in "$@"; do
  OUT=$WORK10/$S-D$TAG; rm -rf "$OUT"
  echo "== D$TAG $S start $(date +%T)"
  bash tools/run ana train --base $PKG --data $WORK/$S.csv --out $OUT > $OUT.train.log 2>&1; echo "train D$TAG $S rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval D$TAG $S rc $? $(date +%T)"
done
echo "arm D$TAG done $(date +%T)"
