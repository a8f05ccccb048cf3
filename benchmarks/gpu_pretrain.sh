#!/bin/bash
# Pretrain a base encoder on one GPU in a single run of at most 10 minutes, then score it on
# CLUENER2020 (fine-tune on train, seqeval on dev), and leave the weights where they can be
# copied back. The same code runs on CPU (tiny settings: see the last example).
#
#   bash benchmarks/gpu_pretrain.sh --prepare       # here: copy the corpus it needs into runs/corpus (~30 MB)
#   # on the device machine (device tool: run, carry ["runs/corpus"], timeout_s 600):
#   PYTHONUNBUFFERED=1 bash benchmarks/gpu_pretrain.sh
#   # back here: the weights are under the run's files (base/: config, tokenizer, fp16 shards ≤ 15 MB);
#   python benchmarks/cluener.py --finetune --base FILES_AT/base   # the same score, measured here
#   # CPU smoke test (seconds): SIZE=tiny MINUTES=0.2 MAX_CHARS=200000 STEPS=20 NER_EPOCHS=0.05 OUT=/tmp/gpu-out RUN=/tmp/gpu-run bash benchmarks/gpu_pretrain.sh
#
# Settings (environment): SIZE (L4-H256: the size that can ship ≤ 25 MB and run ≥ 50k chars/s on
# 2 cores; L6-H384 for a bigger base), MINUTES of pretraining (7), BATCH (256), LR (1e-3),
# BASE (continue from this folder, e.g. model/shipped; default a fresh encoder with the
# project's per-character vocabulary), NER_EPOCHS (6, CRF head: the best CPU recipe; 0 skips the CLUENER check), OUT ($OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${GONGKAI_CORPUS:-runs/corpus}

if [ "${1:-}" = "--prepare" ]; then
  src=${2:-../shared/corpus}
  mkdir -p "$corpus/ner"
  cp -r "$src/pretrain" "$src/reports" "$src/seeds" "$corpus/" 2>/dev/null || cp -r "$src/pretrain" "$src/reports" "$corpus/"
  for d in cluener2020 msra peoples_daily; do cp -r "$src/ner/$d" "$corpus/ner/"; done
  # the CRF head's one pure-Python dependency, for a device machine without an index
  pip download -q --no-deps "pytorch-crf>=0.7.2" -d "$corpus/wheels"
  du -sh "$corpus"
  exit 0
fi
[ -d "$corpus/pretrain" ] || corpus=../shared/corpus
export GONGKAI_CORPUS=$corpus HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
out=${OUT:-runs/gpu-out}
run=${RUN:-runs/gpu-pretrain}
mkdir -p "$out"

# gongkai importable without the network: an editable install without dependencies, else a
# folder of links in the package's shape (gongkai = model/core, gongkai.model = model/, ...)
if ! python -c "import gongkai.training" 2>/dev/null; then
  if ! pip install -q --no-deps --no-build-isolation -e . 2>/dev/null; then
    tree=$(mktemp -d)/gongkai
    mkdir -p "$tree"
    for f in model/core/*; do ln -s "$PWD/$f" "$tree/"; done
    for p in model inference training; do ln -sfn "$PWD/$p" "$tree/$p"; done
    export PYTHONPATH=$(dirname "$tree")${PYTHONPATH:+:$PYTHONPATH}
  fi
fi
python -c "import torchcrf" 2>/dev/null || pip install -q --no-deps --no-index --find-links "$corpus/wheels" pytorch-crf 2>/dev/null || true
head=crf
python -c "import torchcrf" 2>/dev/null || { head=softmax; echo "pytorch-crf missing: the CLUENER check uses a softmax head"; }
python - <<'EOF'
import torch
print("device:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU", "| torch", torch.__version__)
EOF

size=${SIZE:-L4-H256}
args=(--out "$run" --size "$size" --minutes "${MINUTES:-7}" --batch_size "${BATCH:-256}" --lr "${LR:-1e-3}"
      --seq_len 128 --save_steps 2000 --workers "${WORKERS:-4}" --masking span --ner_repeat 3)
[ -n "${BASE:-}" ] && args+=(--base "$BASE" --widen_vocab)
[ -n "${MAX_CHARS:-}" ] && args+=(--max_chars "$MAX_CHARS")
python -c "import torch; exit(0 if torch.cuda.is_available() else 1)" && args+=(--bf16)
# a fixed schedule long enough for the minutes given (the step count is the one the minutes reach
# on an H200 at batch 256; --minutes stops it cleanly if the GPU is slower)
args+=(--max_steps "${STEPS:-40000}")
python -m gongkai.inference.cli pretrain "${args[@]}" 2>&1 | grep -v -E "^(Loading|Writing|cls\.|bert\.)" | tee "$out/pretrain.log"

python - "$run/final" "$out/base" <<'EOF'
import sys, torch
from transformers import AutoTokenizer, BertForMaskedLM
src, dst = sys.argv[1:]
model = BertForMaskedLM.from_pretrained(src, dtype=torch.float32)
model.half().save_pretrained(dst, max_shard_size="15MB")  # files back from $OUT: at most 16 MB each
AutoTokenizer.from_pretrained(src).save_pretrained(dst)
print("base saved:", dst, sum(p.numel() for p in model.parameters()) / 1e6, "M parameters")
EOF
if [ "${NER_EPOCHS:-6}" != "0" ]; then
  python benchmarks/cluener.py --finetune --base "$run/final" --epochs "${NER_EPOCHS:-6}" --lr "${NER_LR:-3e-4}" \
    --head "$head" --head-lr 3e-3 \
    --json "$out/cluener.json" 2>&1 | grep -v -E "^(Loading|Writing)" | tee "$out/cluener.log"
fi
ls -la "$out" "$out/base"
