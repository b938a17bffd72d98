#!/usr/bin/env bash
# Per-kernel GPU time of one training step of our trainer on the cuda backend (bench/gpu/gpu-train.ts
# --profile), for each mode and matmul precision given; run on the device from the repository root,
# carrying .device/node.xz and .device/cuda (prepared by `node bench/gpu/gpu-train.bundle.mjs`):
#
#   MODES="lora full" PRECISIONS="bf16 fp32" bash bench/gpu/gpu-profile.sh [gpu-train options...]
#
# Logs and JSON lines go to $OUT/gpu-profile.tgz when $OUT is set.
set -u
root=$(pwd)
results=/tmp/gpu-profile
rm -rf "$results" && mkdir -p "$results"
# shellcheck source=lib/device-env.sh
source "$root/bench/lib/device-env.sh"
cd "$root/.device/cuda" || exit 2
for precision in ${PRECISIONS:-bf16}; do
  for mode in ${MODES:-lora full}; do
    log="$results/$mode-$precision.log"
    LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" timeout "${LIMIT:-90}" node gpu-train.mjs --mode "$mode" \
      --matmul "$precision" --profile --warmup 2 --steps 3 --json "$results/results.jsonl" "$@" >"$log" 2>&1
    echo "== $mode $precision: exit $?"
    grep -v '^{' "$log" | tail -n 30
  done
done
if [[ -n ${OUT:-} ]]; then tar czf "$OUT/gpu-profile.tgz" -C /tmp gpu-profile; fi
