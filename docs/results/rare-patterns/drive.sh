#!/usr/bin/env bash
# Rule 8, every style: its CSV, 0.7.0's zero-shot reading, then arms T and S side by side.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
export WORK=${WORK:-/tmp/rare8}
for S in mercury-hotspot-12bit research-40x-mono16 routine-20x-colour-jpeg; do
  python3 "$HERE/make_csv.py" $S
  (cd "$ROOT" && bash tools/run ana eval --data $WORK/$S.csv --split test --json $WORK/$S-zero.json > $WORK/$S-zero.log 2>&1)
  bash "$HERE/arms.sh" T $S & bash "$HERE/arms.sh" S $S & wait
done
echo "done $(date +%T)"
