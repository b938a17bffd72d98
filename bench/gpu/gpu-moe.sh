#!/usr/bin/env bash
# The Mixtral-shaped bench in one device run (issue 21): ours (bench/gpu/gpu-moe.ts) then transformers + peft
# (bench/torch/gpu_moe_torch.py), same sizes and ids: a LoRA step on the attention with the router's aux loss,
# and greedy decoding. Prepare with `node bench/gpu/gpu-dpo.bundle.mjs`, carry .device/node.xz and
# .device/cuda, then from the repository root on the device: bash bench/gpu/gpu-moe.sh [sizes both take]
set -u
o=${OUT:-/tmp/gpu-moe}
mkdir -p "$o"
root=$(pwd)
# shellcheck source=lib/device-env.sh
source "$root/bench/lib/device-env.sh"
(cd .device/cuda && LD_LIBRARY_PATH="$cublas_dir" timeout 200 node gpu-moe.mjs --json "$o/moe.jsonl" "$@" >"$o/moe-medgpt.log" 2>&1
  echo "medgpt exit $?"; grep -v '^{' "$o/moe-medgpt.log" | tail -4)
PYTHONUNBUFFERED=1 timeout 200 python3 bench/torch/gpu_moe_torch.py --json "$o/moe.jsonl" "$@" >"$o/moe-torch.log" 2>&1
echo "transformers exit $?"; grep -v '^{' "$o/moe-torch.log" | tail -3
cat "$o/moe.jsonl"
