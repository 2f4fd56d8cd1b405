#!/usr/bin/env bash
# One arm of rule 8 over the styles given: T (fine-tuning as shipped before rule 8, from $T_TREE) or S (this checkout).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=${WORK:-/tmp/rare8}
ARM=$1; shift
case $ARM in T) TREE=${T_TREE:?T_TREE: a checkout at 33d6150 with tools/setup.sh done};; S) TREE=$ROOT;; *) echo "arm T or S" >&2; exit 2;; esac
cd "$TREE"
for S in "$@"; do
  OUT=$WORK/$S-$ARM
  rm -rf "$OUT"
  echo "== $ARM $S start $(date +%T)"
  bash tools/run ana train --base native-models/ana-default --data $WORK/$S.csv --out $OUT > $WORK/$S-$ARM.train.log 2>&1
  echo "train rc $? $(date +%T)"
  bash tools/run ana eval --data $WORK/$S.csv --split test --model $OUT --json $OUT/eval.json > $WORK/$S-$ARM.eval.log 2>&1
  echo "eval rc $? $(date +%T)"
done
echo "arm $ARM done $(date +%T)"
