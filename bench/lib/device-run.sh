# Sourced by the GPU programs' device scripts (gpu-train.sh, gpu-dpo.sh) with $root (the repository) and
# $results (a fresh folder for logs) set: puts node on PATH from .device/node.xz, finds the toolkit's
# cuBLASLt 13 for our backend ($cublas_dir: only node gets it, torch brings its own cuBLAS), records the
# GPU in $results/gpu.txt, and defines `run NAME SECONDS COMMAND...`, which runs a program under a time
# limit into $results/NAME.log, appends its exit code and time to $results/summary.txt and shows its tail.
# shellcheck source=device-env.sh
source "$root/bench/lib/device-env.sh"
nvidia-smi -L >"$results/gpu.txt" 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >>"$results/gpu.txt" 2>&1
node --version >>"$results/gpu.txt"

run() { # name, timeout seconds, command...
  local name=$1 limit=$2
  shift 2
  local started=$SECONDS
  timeout "$limit" "$@" >"$results/$name.log" 2>&1
  echo "$name: exit $? in $((SECONDS - started)) s" | tee -a "$results/summary.txt"
  grep -v '^{' "$results/$name.log" | grep -v -i 'warn' | tail -n "${RUN_TAIL:-8}"
}
