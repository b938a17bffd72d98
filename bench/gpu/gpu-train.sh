#!/usr/bin/env bash
# The GPU benchmark in one device run: our trainer (bench/gpu/gpu-train.ts on the cuda backend, bf16 matmuls)
# against the PyTorch stack (bench/torch/gpu_train_torch.py: torch + transformers + peft, bf16 mixed
# precision and fp32) on the same Qwen2.5-0.5B-shaped model, batch and sequence: LoRA and full
# fine-tuning tokens/s, peak GPU memory, greedy decode tokens/s at batch 1 and 16. Prepare on the dev
# machine first:
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/gpu-train.bundle.mjs             # .device/cuda/ (+ gpu-train.mjs)
#
# then run from the repository root on the device (carry .device/node.xz and .device/cuda):
#
#   bash bench/gpu/gpu-train.sh [--layers N] [any other option both programs take: --batch, --seq, --steps ...]
#
# Each program runs under its own time limit; results go to $OUT/gpu-train.tgz (JSON lines, logs and
# the table of bench/gpu/gpu-train.report.mjs), the table to stdout.
set -u
root=$(pwd)
results=/tmp/gpu-train
rm -rf "$results" && mkdir -p "$results"
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=8
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

# TORCH_PRECISIONS (default bf16,fp32) and MEDGPT_MATMULS (default bf16) pick the precisions compared.
PYTHONUNBUFFERED=1 run torch "${TORCH_LIMIT:-140}" python3 "$root/bench/torch/gpu_train_torch.py" --budget 20 \
  --precisions "${TORCH_PRECISIONS:-bf16,fp32}" --json "$jsonl" "$@"
cd "$root/.device/cuda" || exit 2
for matmul in ${MEDGPT_MATMULS:-bf16}; do
  for mode in lora full decode; do
    LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run "medgpt-$mode-$matmul" "${MEDGPT_LIMIT:-60}" \
      node gpu-train.mjs --mode "$mode" --matmul "$matmul" --budget 30 --json "$jsonl" "$@"
  done
done
node "$root/bench/gpu/gpu-train.report.mjs" "$jsonl" | tee "$results/table.md"
if [[ -n ${OUT:-} ]]; then tar czf "$OUT/gpu-train.tgz" -C /tmp gpu-train; fi
