# Sourced by nccl-check.sh and bench/gpu/gpu-ddp.sh: sets MEDGPT_LIBNCCL to libnccl.so.2 when it is not set
# (the loader cache, the nvidia-nccl wheel PyTorch installs, else a search of the file system).
if [[ -z ${MEDGPT_LIBNCCL:-} ]]; then
  nccl=$(ldconfig -p 2>/dev/null | awk '/libnccl\.so\.2 /{print $NF; exit}')
  if [[ -z $nccl ]]; then
    nccl=$(python3 -c 'import nvidia.nccl, os; print(os.path.join(list(nvidia.nccl.__path__)[0], "lib", "libnccl.so.2"))' 2>/dev/null)
  fi
  if [[ -z $nccl || ! -e $nccl ]]; then
    nccl=$(find / -name 'libnccl.so.2*' -not -path '/proc/*' 2>/dev/null | head -n 1)
  fi
  if [[ -n $nccl ]]; then export MEDGPT_LIBNCCL=$nccl; fi
fi
echo "libnccl: ${MEDGPT_LIBNCCL:-not found}"
