#!/usr/bin/env bash
# Rule 10's far package: 0.6.0's encoder trained on 210 classic fields for 6 epochs (docs/results.md,
# *The fine-tuning learning rate*), a stand-in for a package that reads the lab's microscope poorly.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK10=${WORK10:-/tmp/rare10}
cd "$ROOT"
bash tools/run ana synth --out $WORK10/K3 --count 300 --seed 9103 --style classic --size 1024x768 --splits train=0.7,val=0.2,test=0.1
bash tools/run ana train-network --data $WORK10/K3/labels.csv --out $WORK10/FAR --version 0.0.1-far --method plain --input-norm patch --aggregation mean-logit \
  --patience 100 --seed 1 --patch-um 100 --input-px 192 --widths 8,16,64,128,128 --select-epoch as-read --epochs 6 --lr 0.002
