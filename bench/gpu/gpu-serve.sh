#!/usr/bin/env bash
# The GPU serving benchmark in one device run: @medgpt/serving's InferenceEngine on the cuda backend
# (bench/gpu/gpu-serve.ts: continuous batching over the slot KV cache written in place, bf16 matmuls) against
# HF transformers' generate in bf16 (bench/torch/gpu_serve_torch.py), at the Qwen2.5-0.5B shape with random
# weights, greedy, prompts of 32 tokens: a single stream of 256 new tokens, and 64 concurrent streams of
# 256 new tokens each (issue 15's goals: >= 400 tokens/s single-stream decode, >= 8,000 tokens/s
# aggregate). Prepare on the dev machine first:
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/gpu-dpo.bundle.mjs               # .device/cuda/ (every GPU program, gpu-serve.mjs included; checks the size)
#
# then run from the repository root on the device (carry .device/node.xz and .device/cuda):
#
#   bash bench/gpu/gpu-serve.sh [options both programs take: --prompt, --new-tokens, --layers, --tiny ...]
#
# STREAMS (default 64) is the concurrent case's stream count, MEDGPT_MATMUL (default bf16) our matmul
# precision; MEDGPT_LIMIT (150 s per case of ours) and TORCH_LIMIT (240 s for all of PyTorch's) bound
# the programs: at most 540 s in all, about 2-3 minutes expected on an H100/H200. A dry run of the
# script without a GPU: MEDGPT_BACKEND=cpu bash bench/gpu/gpu-serve.sh --tiny (PyTorch's part then needs
# torch and transformers; without them its line in the table says it is missing).
# Results: $OUT/table.md (bench/gpu/gpu-serve.report.mjs), $OUT/results.jsonl, $OUT/summary.txt,
# $OUT/logs.txt (every log, one after the other) and $OUT/gpu-serve.tgz (all of /tmp/gpu-serve).
set -u
root=$(pwd)
results=/tmp/gpu-serve
rm -rf "$results" && mkdir -p "$results"
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=6
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

streams=${STREAMS:-}
cd "$root/.device/cuda" || exit 2
for case in single batch; do
  LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run "medgpt-$case" "${MEDGPT_LIMIT:-150}" \
    node gpu-serve.mjs --case "$case" ${streams:+--streams "$streams"} --backend "${MEDGPT_BACKEND:-cuda}" \
    --matmul "${MEDGPT_MATMUL:-bf16}" --json "$jsonl" "$@"
done
cd "$root" || exit 2
torch_device=cuda
[[ ${MEDGPT_BACKEND:-cuda} == cpu ]] && torch_device=cpu
PYTHONUNBUFFERED=1 run torch "${TORCH_LIMIT:-240}" python3 "$root/bench/torch/gpu_serve_torch.py" \
  ${streams:+--streams "1,$streams"} --device "$torch_device" --json "$jsonl" "$@"
node "$root/bench/gpu/gpu-serve.report.mjs" "$jsonl" | tee "$results/table.md"
for log in "$results"/gpu.txt "$results"/*.log; do
  echo "==== $(basename "$log")"
  cat "$log"
done >"$results/logs.txt"
if [[ -n ${OUT:-} ]]; then
  cp "$results/table.md" "$results/results.jsonl" "$results/summary.txt" "$results/logs.txt" "$OUT/"
  tar czf "$OUT/gpu-serve.tgz" -C /tmp gpu-serve
fi
