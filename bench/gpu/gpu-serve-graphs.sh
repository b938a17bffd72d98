#!/usr/bin/env bash
# The serving benchmark with and without recorded decode steps, in one device run: ours with greedy
# decode steps replayed as CUDA graphs (the engine's default on cuda), ours with them off (every op
# launched, as before), then HF generate (bench/torch/gpu_serve_torch.py), single stream and 64 streams of 256
# new tokens at the Qwen2.5-0.5B shape. Prepare as for bench/gpu/gpu-serve.sh (node bench/gpu/gpu-dpo.bundle.mjs),
# then from the repository root on the device (carry .device/node.xz and .device/cuda):
#
#   bash bench/gpu/gpu-serve-graphs.sh
#
# Results under $OUT/serve (graphs.jsonl, eager.jsonl, torch.jsonl and each program's log); about 90 s.
set -u
o=${OUT:-/tmp/gpu-serve-graphs}
mkdir -p "$o/serve"
root=$(pwd)
# shellcheck source=lib/device-env.sh
source "$root/bench/lib/device-env.sh"
(cd .device/cuda && for c in single batch; do
  LD_LIBRARY_PATH="$cublas_dir" timeout 100 node gpu-serve.mjs --case "$c" --json "$o/serve/graphs.jsonl" >"$o/serve/graphs-$c.log" 2>&1
  echo "graphs $c exit $?"
  grep -v '^{' "$o/serve/graphs-$c.log" | tail -4
done)
(cd .device/cuda && for c in single batch; do
  LD_LIBRARY_PATH="$cublas_dir" timeout 80 node gpu-serve.mjs --case "$c" --capture off --warmup-tokens 4 \
    --json "$o/serve/eager.jsonl" >"$o/serve/eager-$c.log" 2>&1
  echo "eager $c exit $?"
  grep -v '^{' "$o/serve/eager-$c.log" | tail -2
done)
PYTHONUNBUFFERED=1 timeout 150 python3 bench/torch/gpu_serve_torch.py --json "$o/serve/torch.jsonl" >"$o/serve/torch.log" 2>&1
echo "torch exit $?"
tail -3 "$o/serve/torch.log"
