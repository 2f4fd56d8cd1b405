#!/usr/bin/env bash
# Rule 10: the far package's zero-shot reading of rule 8's test fields, then arms T (from $T_TREE,
# a checkout at 33d6150) and S (this checkout: rule 8) on rule 8's CSVs with --base the far package.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=${WORK:-/tmp/rare8}; WORK10=${WORK10:-/tmp/rare10}
arm() { # arm T|S STYLE
  local TREE; case $1 in T) TREE=${T_TREE:?T_TREE: a checkout at 33d6150 with tools/setup.sh done};; S) TREE=$ROOT;; esac
  local OUT=$WORK10/$2-$1; rm -rf "$OUT"; cd "$TREE"
  echo "== $1 $2 start $(date +%T)"
  bash tools/run ana train --base $WORK10/FAR --data $WORK/$2.csv --out $OUT > $OUT.train.log 2>&1; echo "train $1 $2 rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$2.csv --split test --model $OUT --json $OUT/eval.json > $OUT.eval.log 2>&1; echo "eval $1 $2 rc $? $(date +%T)"
}
for S in research-40x-mono16 mercury-hotspot-12bit routine-20x-colour-jpeg; do
  (cd "$ROOT" && bash tools/run ana eval --data $WORK/$S.csv --split test --model $WORK10/FAR --json $WORK10/$S-zero.json > $WORK10/$S-zero.log 2>&1)
done
for S in research-40x-mono16 mercury-hotspot-12bit routine-20x-colour-jpeg; do
  arm T $S & arm S $S & wait
done
echo "done $(date +%T)"
