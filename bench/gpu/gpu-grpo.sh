#!/usr/bin/env bash
# The GPU GRPO benchmark (#17) in one device run: 20 GRPO steps with LoRA on a Qwen2.5-0.5B-shaped model
# (G 8, 2 prompts, 256-token completions) through medgpt's GrpoTrainer (bench/gpu/gpu-grpo.ts: seconds per
# step split into generation and training, generation tokens/s), then HF transformers' generate on the
# same batch (16 rows, 256 new tokens: bench/torch/gpu_serve_torch.py) for the generation throughput beside
# ours. Prepare with node bench/gpu/gpu-dpo.bundle.mjs; on the device (carry .device/node.xz and .device/cuda):
# bash bench/gpu/gpu-grpo.sh. MEDGPT_LIMIT (default 300 s) and TORCH_LIMIT (120 s) bound the two programs.
set -u
root=$(pwd)
results=/tmp/gpu-grpo
rm -rf "$results" && mkdir -p "$results"
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=6
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

cd "$root/.device/cuda" || exit 2
LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run medgpt-grpo "${MEDGPT_LIMIT:-300}" \
  node --max-old-space-size=8192 gpu-grpo.mjs --json "$jsonl" "$@"
cd "$root" || exit 2
PYTHONUNBUFFERED=1 run torch-generate "${TORCH_LIMIT:-120}" python3 "$root/bench/torch/gpu_serve_torch.py" \
  --streams 16 --prompt 64 --new-tokens 256 --json "$jsonl"
cat "$jsonl"
if [[ -n ${OUT:-} ]]; then
  cp "$jsonl" "$results"/*.log "$results/summary.txt" "$OUT/" 2>/dev/null
fi
