#!/usr/bin/env bash
# The GPU DPO benchmark in one device run: one DPO step (LoRA r 8, Qwen2.5-0.5B shape, 8 pairs = 16 rows
# x 1024 tokens) of ours (bench/gpu/gpu-dpo.ts: @medgpt/trainers-pref's DpoTask on the cuda backend, bf16
# matmuls) against the same step in torch + transformers + peft (bench/torch/gpu_dpo_torch.py, autocast bf16,
# base weights in bf16 and in fp32), with the reference log-probs computed in every step and
# precomputed, with and without activation checkpointing: tokens/s, ms/step, peak GPU memory. Prepare on
# the dev machine first:
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/gpu-dpo.bundle.mjs               # .device/cuda/ (+ gpu-train.mjs, gpu-sft.mjs, gpu-dpo.mjs)
#
# then run from the repository root on the device (carry .device/node.xz and .device/cuda):
#
#   bash bench/gpu/gpu-dpo.sh [options both programs take: --pairs, --seq, --layers, --warmup, --steps ...]
#
# CKPTS (default "false true") picks the checkpointing cases, TORCH_BASE_DTYPES (default "bf16,fp32")
# PyTorch's base weight dtypes, MEDGPT_MATMUL (default bf16) our matmul precision; MEDGPT_LIMIT (70 s per
# case of ours) and TORCH_LIMIT (220 s for all of PyTorch's) bound the programs: at most 500 s in all,
# about 3-4 minutes expected on an H100/H200. A dry run of the script without a GPU:
# MEDGPT_BACKEND=cpu bash bench/gpu/gpu-dpo.sh --tiny (PyTorch's part then needs torch, transformers, peft).
# Results: $OUT/table.md (bench/gpu/gpu-dpo.report.mjs), $OUT/results.jsonl, $OUT/summary.txt, $OUT/logs.txt
# (every log, one after the other) and $OUT/gpu-dpo.tgz (all of /tmp/gpu-dpo).
set -u
root=$(pwd)
results=/tmp/gpu-dpo
rm -rf "$results" && mkdir -p "$results"
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=6
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

ckpts=${CKPTS:-false true}
cd "$root/.device/cuda" || exit 2
for ckpt in $ckpts; do
  for precompute in false true; do
    LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run "medgpt-ckpt-$ckpt-precompute-$precompute" \
      "${MEDGPT_LIMIT:-70}" node gpu-dpo.mjs --precompute "$precompute" --ckpt "$ckpt" \
      --backend "${MEDGPT_BACKEND:-cuda}" --matmul "${MEDGPT_MATMUL:-bf16}" --budget 20 --json "$jsonl" "$@"
  done
done
cd "$root" || exit 2
PYTHONUNBUFFERED=1 run torch "${TORCH_LIMIT:-220}" python3 "$root/bench/torch/gpu_dpo_torch.py" \
  --ckpt "$(echo $ckpts | tr ' ' ',')" --precompute false,true \
  --base-dtypes "${TORCH_BASE_DTYPES:-bf16,fp32}" --budget 12 --json "$jsonl" "$@"
node "$root/bench/gpu/gpu-dpo.report.mjs" "$jsonl" | tee "$results/table.md"
for log in "$results"/gpu.txt "$results"/*.log; do
  echo "==== $(basename "$log")"
  cat "$log"
done >"$results/logs.txt"
if [[ -n ${OUT:-} ]]; then
  cp "$results/table.md" "$results/results.jsonl" "$results/summary.txt" "$results/logs.txt" "$OUT/"
  tar czf "$OUT/gpu-dpo.tgz" -C /tmp gpu-dpo
fi
