#!/usr/bin/env bash
# Runs the cuda backend's checks on a GPU machine that has no Node.js and no node_modules (the lent
# device): the conformance suite (one process per group, so a fatal CUDA error in one group cannot
# hide the others), the tiny-model training/generation comparison with cpu, the kernel trace on cuda
# and the step-time numbers. Prepare on the dev machine first:
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/cuda-bundle.mjs                  # .device/cuda/ (bundles + koffi + compiled kernels)
#
# then run from the repository root on the device (carry .device/node.xz and .device/cuda):
#
#   bash bench/gpu/cuda-device-run.sh [all|conformance|model|trace|time]
#
# Logs go to $OUT/cuda-results.tgz (or /tmp/cuda-results when $OUT is unset) and a summary to stdout.
set -u
what=${1:-all}
root=$(pwd)
results=/tmp/cuda-results
rm -rf "$results" && mkdir -p "$results"
RUN_TAIL=0 # the summary below shows what matters of each log
# shellcheck source=../lib/device-run.sh
source "$root/bench/lib/device-run.sh"
# cuBLASLt lives in the toolkit's targets/x86_64-linux/lib, which is not on the loader path.
if [[ -n $cublas_dir ]]; then export LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}"; fi
cd "$root/.device/cuda" || exit 2

if [[ $what == all || $what == conformance ]]; then
  # Every group the suite has (--list: "NAME: N cases"), so a new group is never left out.
  mapfile -t groups < <(node cuda-conformance.mjs --list | sed -n 's/: [0-9]* cases$//p')
  for group in "${groups[@]}"; do
    slug=${group%% *}
    run "conformance-$slug" 120 node cuda-conformance.mjs --group "$group" --json "$results/conformance-$slug.json"
  done
  grep -h 'passed$' "$results"/conformance-*.log
  grep -h -A1 '^FAIL' "$results"/conformance-*.log
fi
[[ $what == all || $what == model ]] && run model-step 180 node cuda-model-step.mjs --json "$results/model-step.json" && cat "$results/model-step.log"
[[ $what == all || $what == trace ]] && run kernel-trace 120 node cuda-kernel-trace.mjs --backend cuda && tail -1 "$results/kernel-trace.log"
[[ $what == all || $what == time ]] && run step-time 240 node cuda-step-time.mjs && cat "$results/step-time.log"
if [[ -n ${OUT:-} ]]; then tar czf "$OUT/cuda-results.tgz" -C /tmp cuda-results; fi
