#!/usr/bin/env bash
# Runs the NCCL check on the device, from the repository root (carry .device/node.xz and .device/cuda,
# made on the dev machine by `node packages/distributed/scripts/bundle-nccl-check.mjs`):
#
#   bash packages/distributed/scripts/nccl-check.sh                      one process, world size 1
#   bash packages/distributed/scripts/nccl-check.sh --nproc_per_node 2   one rank per GPU
#
# Finds cuBLASLt 13 (the CUDA toolkit's) and libnccl.so.2 (the loader path, the toolkit, or the
# nvidia-nccl wheel that PyTorch installs), then runs .device/cuda/nccl-check.mjs, under the bundled
# launcher when --nproc_per_node is given. Output: one JSON line per check; $OUT/nccl-check.log.
set -u
root=$(pwd)
# shellcheck source=../../../bench/lib/device-env.sh
source "$root/bench/lib/device-env.sh"
source "$root/packages/distributed/scripts/find-nccl.sh"
nvidia-smi -L
cd "$root/.device/cuda" || exit 2
log=${OUT:-/tmp}/nccl-check.log
if [[ ${1:-} == --nproc_per_node* ]]; then
  LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" timeout 300 node medgpt-launch.mjs "$@" nccl-check.mjs 2>&1 | tee "$log"
else
  LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" timeout 300 node nccl-check.mjs 2>&1 | tee "$log"
fi
exit "${PIPESTATUS[0]}"
