# Sourced by every GPU-machine script with $root (the repository) set: puts node on PATH from
# .device/node.xz when the machine has none, and sets $cublas_dir to the toolkit's library folder
# (our backend's cuBLASLt 13; only node gets it, torch brings its own cuBLAS), empty without nvcc.
if ! command -v node >/dev/null; then
  xz -dc "$root/.device/node.xz" >/usr/local/bin/node && chmod +x /usr/local/bin/node
fi
cublas_dir=
if command -v nvcc >/dev/null; then
  cublas_dir="$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")/targets/x86_64-linux/lib"
fi
