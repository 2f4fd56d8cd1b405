#!/usr/bin/env bash
# Rule 22's runs: arms22.sh J_TREE K_TREE. Per held-out style and R in 3, 10: rule 8's CSV with R
# fields of each rare pattern (make_csv.py STYLE R, after gen.sh), then in each tree (tools/setup.sh
# done) `ana train --base 0.7.0 --mode thresholds` and `ana eval` on the test fields, into
# $WORK/rule22/STYLE-rR-ARM (ARM J or K); the two arms side by side, one process each.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/rare8}
PKG=$(cd "$HERE/../../../native-models/ana-default" && pwd)
STYLES=(routine-20x-colour-jpeg mercury-hotspot-12bit research-40x-mono16)
mkdir -p "$WORK/rule22"
for S in "${STYLES[@]}"; do
  for R in 3 10; do
    WORK=$WORK python3 "$HERE/make_csv.py" "$S" "$R" > /dev/null
    if [ "$R" = 10 ]; then cp "$WORK/$S.csv" "$WORK/rule22/$S-r$R.csv"; else cp "$WORK/rule9/$S.csv" "$WORK/rule22/$S-r$R.csv"; fi
  done
done
arm() { # TREE ARM
  cd "$1"
  for S in "${STYLES[@]}"; do
    for R in 3 10; do
      OUT=$WORK/rule22/$S-r$R-$2; CSV=$WORK/rule22/$S-r$R.csv; rm -rf "$OUT"
      bash tools/run ana train --base "$PKG" --data "$CSV" --mode thresholds --out "$OUT" > "$OUT.train.log" 2>&1; echo "train $2 $S r$R rc $? $(date +%T)"
      bash tools/run ana eval --data "$CSV" --split test --model "$OUT" --json "$OUT/eval.json" > "$OUT.eval.log" 2>&1; echo "eval $2 $S r$R rc $? $(date +%T)"
    done
  done
}
arm "$1" J & arm "$2" K & wait
echo "rule 22 arms done $(date +%T)"
