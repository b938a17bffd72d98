#!/usr/bin/env bash
# The QLoRA memory benchmark (#16) in one device run: our NF4 QLoRA step (bench/gpu/gpu-qlora.ts, cuda backend,
# bf16 matmuls) and PyTorch's bf16 LoRA step (bench/torch/gpu_qlora_torch.py) on a Llama-2-7B-shaped random
# model, seq 512, batch 1, gradient checkpointing: peak device memory and tokens/s. Prepare on the dev
# machine: node bench/gpu/gpu-dpo.bundle.mjs (it bundles gpu-qlora.mjs too), then on the device (carry
# .device/node.xz and .device/cuda): bash bench/gpu/gpu-qlora.sh [--layers N ...]. MEDGPT_LIMIT (default
# 240 s) and TORCH_LIMIT (default 200 s) bound the two programs. Results: $OUT/qlora.jsonl and logs.
# Issue 19 item 4 (LoRA at 7B on a bf16 base in 16 GB): bash bench/gpu/gpu-qlora.sh --base bf16 --r 16
# --alpha 32 --seq 1024. QLORA_BUNDLE (default .device/cuda) is the folder holding gpu-qlora.mjs, its
# kernels and koffi. With $OUT set, the logs are written there as the programs run.
set -u
root=$(pwd)
if [[ -n ${OUT:-} ]]; then
  results=$OUT
else
  results=/tmp/gpu-qlora
  rm -rf "$results" && mkdir -p "$results"
fi
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=6
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

cd "$root/${QLORA_BUNDLE:-.device/cuda}" || exit 2
LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run medgpt-qlora "${MEDGPT_LIMIT:-240}" \
  node --max-old-space-size=16384 gpu-qlora.mjs --json "$jsonl" "$@"
cd "$root" || exit 2
PYTHONUNBUFFERED=1 run torch-lora "${TORCH_LIMIT:-200}" python3 "$root/bench/torch/gpu_qlora_torch.py" --json "$jsonl" "$@"
cat "$jsonl"
if [[ -n ${OUT:-} ]]; then
  mv "$jsonl" "$OUT/qlora.jsonl"
fi
