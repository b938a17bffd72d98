#!/usr/bin/env bash
# The multi-GPU acceptance run of issue 20, on a machine with 2 GPUs, from the repository root (carry
# .device/node.xz and .device/cuda, made by `node packages/distributed/scripts/bundle-nccl-check.mjs`):
#
#   bash bench/gpu/gpu-ddp.sh [--layers 24 --steps 20 --batch 2 --accum 2 --matmul fp32]
#
# Runs gpu-ddp.mjs (bench/gpu/gpu-ddp.ts) three times at the same global batch (batch x 2 x accum rows per step): 1 process
# with accum x 2, 2 processes (DDP), 2 processes with --zero_stage 1; then the table of bench/gpu/gpu-ddp.report.mjs:
# tokens/s, scaling efficiency, the largest loss difference against 1 process over the steps, peak
# device memory per GPU. Results in $OUT/gpu-ddp.jsonl (and the table in $OUT/gpu-ddp.md).
set -u
root=$(pwd)
# shellcheck source=lib/device-env.sh
source "$root/bench/lib/device-env.sh"
source "$root/packages/distributed/scripts/find-nccl.sh"
accum=2
args=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == --accum ]]; then accum=$2; shift 2; else args+=("$1"); shift; fi
done
out=${OUT:-/tmp}
jsonl=$out/gpu-ddp.jsonl
rm -f "$jsonl"
cd "$root/.device/cuda" || exit 2
export LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}"
timeout 400 node gpu-ddp.mjs --label "1 GPU" --accum $((accum * 2)) --json "$jsonl" "${args[@]}" 2>&1 | tail -3
timeout 400 node medgpt-launch.mjs --nproc_per_node 2 gpu-ddp.mjs --label "2 GPUs DDP" --accum "$accum" --json "$jsonl" "${args[@]}" 2>&1 | tail -4
timeout 400 node medgpt-launch.mjs --nproc_per_node 2 gpu-ddp.mjs --label "2 GPUs ZeRO-1" --zero_stage 1 --accum "$accum" --json "$jsonl" "${args[@]}" 2>&1 | tail -4
node "$root/bench/gpu/gpu-ddp.report.mjs" "$jsonl" | tee "$out/gpu-ddp.md"
