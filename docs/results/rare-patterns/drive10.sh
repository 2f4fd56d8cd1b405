#!/usr/bin/env bash
# Rule 10: the far package's zero-shot reading of rule 8's test fields, then arms T (from $T_TREE,
# a checkout at 33d6150) and S (this checkout: rule 8) on rule 8's CSVs with --base the far package.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
export WORK=${WORK:-/tmp/rare8} WORK10=${WORK10:-/tmp/rare10}
STYLES="research-40x-mono16 mercury-hotspot-12bit routine-20x-colour-jpeg"
for S in $STYLES; do
  (cd "$ROOT" && bash tools/run ana eval --data $WORK/$S.csv --split test --model $WORK10/FAR --json $WORK10/$S-zero.json > $WORK10/$S-zero.log 2>&1)
done
for S in $STYLES; do
  bash "$HERE/arm10.sh" "${T_TREE:?T_TREE: a checkout at 33d6150 with tools/setup.sh done}" $WORK10/FAR T $S &
  bash "$HERE/arm10.sh" "$ROOT" $WORK10/FAR S $S &
  wait
done
echo "done $(date +%T)"
