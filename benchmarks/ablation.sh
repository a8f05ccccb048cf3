#!/bin/bash
# Which training sources help: fine-tune the same base on each mix, then score every model
# alone and in the hybrid on the gold test split (and AGENCY on CLUENER2020 dev).
#   bash benchmarks/ablation.sh BASE_DIR [OUT_DIR]
# About 15 min per model on 2 CPU cores.
set -euo pipefail
base=${1:?usage: bash benchmarks/ablation.sh BASE_DIR [OUT_DIR]}
out=${2:-runs/ablation}
common=(--base-model "$base" --epochs 3 --batch-size 16 --lr 3e-4 --bf16)
train() { [ -f "$out/$1/config.json" ] || gongkai train "${common[@]}" --out "$out/$1" "${@:2}"; }
train synth-prose --synthetic 300 --prose 3000
train synth --synthetic 300
train prose --synthetic 0 --prose 3000
train synth-prose-cluener --synthetic 300 --prose 3000 --cluener 3000
python benchmarks/model_table.py --cluener --json "$out/table.json" \
  "gold+synthetic+prose=$out/synth-prose" "gold+synthetic=$out/synth" "gold+prose=$out/prose" \
  "gold+synthetic+prose+CLUENER=$out/synth-prose-cluener"
