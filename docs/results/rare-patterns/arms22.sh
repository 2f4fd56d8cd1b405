#!/usr/bin/env bash
# Rule 22's runs: arms22.sh J_TREE K_TREE. Per held-out style and R in 3, 10: rule 8's CSV with R
# fields of each rare pattern (make_csv.py STYLE R, after gen.sh), then in each tree (tools/setup.sh
# done) `ana train --base 0.7.0 --mode thresholds` and `ana eval` on the test fields, into
# $WORK/rule22/STYLE-rR-ARM (ARM J or K); the two arms side by side, one process each.
# Rule 23: RULE=23 ARMS=J,L RS='2 4' POOLS=pool6,pool7 (after gen23.sh), into $WORK/rule23.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/rare8}
PKG=$(cd "$HERE/../../../native-models/ana-default" && pwd)
STYLES=(routine-20x-colour-jpeg mercury-hotspot-12bit research-40x-mono16)
RULE=${RULE:-22}; RS=${RS:-3 10}; IFS=, read -r A1 A2 <<< "${ARMS:-J,K}"
D=$WORK/rule$RULE; mkdir -p "$D"
for S in "${STYLES[@]}"; do
  for R in $RS; do
    WORK=$WORK OUT_DIR=$D/csv-$R POOLS=${POOLS:-pool1,pool2,pool3} python3 "$HERE/make_csv.py" "$S" "$R" > /dev/null
    cp "$D/csv-$R/$S.csv" "$D/$S-r$R.csv"
  done
done
arm() { # TREE ARM
  cd "$1"
  for S in "${STYLES[@]}"; do
    for R in $RS; do
      OUT=$D/$S-r$R-$2; CSV=$D/$S-r$R.csv; rm -rf "$OUT"
      bash tools/run ana train --base "$PKG" --data "$CSV" --mode thresholds --out "$OUT" > "$OUT.train.log" 2>&1; echo "train $2 $S r$R rc $? $(date +%T)"
      bash tools/run ana eval --data "$CSV" --split test --model "$OUT" --json "$OUT/eval.json" > "$OUT.eval.log" 2>&1; echo "eval $2 $S r$R rc $? $(date +%T)"
    done
  done
}
arm "$1" "$A1" & arm "$2" "$A2" & wait
echo "rule $RULE arms done $(date +%T)"
