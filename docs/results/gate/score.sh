#!/usr/bin/env bash
# Rule 19, step 1 for the styles named: score the far package, 0.7.0 and their candidates on the style's
# fresh fields (GATEWORK/STYLE/labels.csv) into GATEWORK/STYLE-far.json and STYLE-070.json, and
# (SIGNED=1) on rule 8's 300 signed fields the candidates trained on (RARE8/STYLE.csv's training rows)
# into STYLE-far-signed.json and STYLE-070-signed.json, or (CROSS=1, rule 20) 0.7.0's candidates of
# the other two styles on the style's fields into STYLE-070x.json. Candidates are the fine-tuned packages of
# rules 8-18 under RUNS (/work/runs), one copy of each, in the same order in every file.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
W=${GATEWORK:-/work/runs/stop66/fields}; R=${RUNS:-/work/runs}; RARE8=${RARE8:-$R/rare8}
cd "$ROOT"
unique() { for d in "$@"; do [ -f "$d/model.onnx" ] && echo "$(cat "$d/model.onnx" "$d/manifest.json" | md5sum | cut -c1-12) $d"; done | sort -u -k1,1 | cut -d' ' -f2; }
score() { bash tools/run npx tsx docs/results/gate/score.mts "$1" "$2.json" "${@:3}" > "$2.log" 2>&1; echo "$(basename "$2") rc $? $(date +%T)"; }
for S in "$@"; do
  far=$(unique $R/rare10/$S-{S,T,Dfar,Efar,Ffar,Gfar,Hfar} $R/stop63/$S-{Ffar-s2,Ffar-s3,Mfar-s1,Mfar-s2,Mfar-s3,M60-s1,M60-s2,M60-s3} $R/stop64/$S-M60-s1 $R/stop65/$S-{C-s1,C60-s1,C60-s2,M60-s2})
  n070=$(unique $R/rare8/$S-{S,T,T-th} $R/rare9/$S-24 $R/rare10/$S-{D070,F070,H070} $R/stop63/$S-{F070,M070-s1})
  echo "== $S start $(date +%T): $(echo $far | wc -w) far candidates, $(echo $n070 | wc -w) 0.7.0 candidates"
  if [ -n "${CROSS:-}" ]; then
    # Rule 20: 0.7.0's candidates of the other styles on this style's fields.
    others=$(for O in routine-20x-colour-jpeg mercury-hotspot-12bit research-40x-mono16; do [ $O != $S ] && unique $R/rare8/$O-{S,T,T-th} $R/rare9/$O-24 $R/rare10/$O-{D070,F070,H070} $R/stop63/$O-{F070,M070-s1}; done)
    score $W/$S/labels.csv $W/$S-070x native-models/ana-default $others
  elif [ -n "${SIGNED:-}" ]; then
    awk -F, 'NR == 1 || $3 ~ /^train\r?$/' $RARE8/$S.csv > $W/$S-signed.csv
    score $W/$S-signed.csv $W/$S-far-signed $R/rare10/FAR $far
    score $W/$S-signed.csv $W/$S-070-signed native-models/ana-default $n070
  else
    score $W/$S/labels.csv $W/$S-far $R/rare10/FAR $far
    score $W/$S/labels.csv $W/$S-070 native-models/ana-default $n070
  fi
done
