#!/usr/bin/env bash
# Exploration (not judged): arm T's candidate for STYLE with 0.7.0's thresholds for the two rare patterns.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=${WORK:-/tmp/rare8}
S=$1
D=$WORK/$S-T-th
rm -rf $D; cp -r $WORK/$S-T $D; rm -f $D/eval.json
python3 - "$D" "$ROOT/native-models/ana-default/manifest.json" <<'PY'
import json, sys
d, base = sys.argv[1], json.load(open(sys.argv[2]))['thresholds']
m = json.load(open(f'{d}/manifest.json'))
for k in ('nuclear_dots', 'mitochondrial'): m['thresholds'][k] = base[k]
json.dump(m, open(f'{d}/manifest.json', 'w'), indent=2)
PY
cd "$ROOT" && bash tools/run ana eval --data $WORK/$S.csv --split test --model $D --json $D/eval.json > $D.eval.log 2>&1
echo "$D/eval.json"
