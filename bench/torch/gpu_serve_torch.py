"""The GPU serving benchmark, PyTorch's side: HF transformers' generate on a Qwen2.5-0.5B-shaped random
model in bf16 (weights and compute), greedy, for comparison with our InferenceEngine (bench/gpu/gpu-serve.ts)
in the same device run (bench/gpu/gpu-serve.sh). Numbers, not a test.

    python3 bench/torch/gpu_serve_torch.py [--streams 1,64] [--prompt 32] [--new-tokens 256] [--layers 24]
        [--vocab 151936] [--hidden 896] [--intermediate 4864] [--heads 14] [--kv-heads 2] [--json FILE]
        [--tiny] [--device cuda|cpu]

Per batch size B (1: single stream; 64: the concurrent case): B prompts of the same ids as ours
(prompt_ids below = bench/lib/serve-prompts.ts), all of one length, so no padding; generate with
do_sample=False, max_new_tokens = min_new_tokens = new tokens (so every row gets them all, as our
ignore_eos), the KV cache transformers picks by default, sdpa attention. Timed: one generate of all new
tokens (tokens/s = B x new tokens / time) and one of a single new token (time to first token: the
prefill and the first greedy token); decode tokens/s = B x (new tokens - 1) / (total - first token).
Both after a warm-up generate of 4 tokens. Options the medgpt side takes and this one does not
(--case, --backend, --matmul) are accepted and ignored, so gpu-serve.sh can pass its arguments to both.
"""

import argparse
import json
import time


def prompt_ids(count, length, below):
    """bench/lib/serve-prompts.ts: id j of row r = (1103515245 (r length + j + 1) + 12345) mod 2^31 mod below."""
    return [
        [((1103515245 * (r * length + j + 1) + 12345) % 2**31) % below for j in range(length)]
        for r in range(count)
    ]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--streams", default=None, help="batch sizes, comma-separated (default 1,64; --tiny 1,8)")
    p.add_argument("--prompt", type=int, default=None)
    p.add_argument("--new-tokens", type=int, default=None)
    p.add_argument("--layers", type=int, default=None)
    p.add_argument("--vocab", type=int, default=None)
    p.add_argument("--hidden", type=int, default=None)
    p.add_argument("--intermediate", type=int, default=None)
    p.add_argument("--heads", type=int, default=None)
    p.add_argument("--kv-heads", type=int, default=None)
    p.add_argument("--json", default=None)
    p.add_argument("--tiny", action="store_true")
    p.add_argument("--device", default="cuda")
    # Our program's options, accepted so that one argument list serves both.
    p.add_argument("--case", default=None)
    p.add_argument("--backend", default=None)
    p.add_argument("--matmul", default=None)
    a = p.parse_args()

    def opt(value, full, tiny):
        return value if value is not None else (tiny if a.tiny else full)

    streams = [int(s) for s in (a.streams or ("1,8" if a.tiny else "1,64")).split(",")]
    prompt = opt(a.prompt, 32, 8)
    new_tokens = opt(a.new_tokens, 256, 16)
    shape = dict(
        layers=opt(a.layers, 24, 2),
        vocab=opt(a.vocab, 151936, 512),
        hidden=opt(a.hidden, 896, 64),
        intermediate=opt(a.intermediate, 4864, 128),
        heads=opt(a.heads, 14, 4),
        kv_heads=opt(a.kv_heads, 2, 2),
    )

    import torch
    import transformers
    from transformers import AutoModelForCausalLM

    from qwen_config import qwen25_config

    def emit(record):
        line = json.dumps({"bench": "gpu-serve", **record})
        print(line, flush=True)
        if a.json:
            with open(a.json, "a") as f:
                f.write(line + "\n")

    device = torch.device(a.device)
    on_gpu = device.type == "cuda"
    emit(
        {
            "env": {
                "gpu": torch.cuda.get_device_name(0) if on_gpu else "none",
                "torch": torch.__version__,
                "cuda": torch.version.cuda,
                "transformers": transformers.__version__,
            }
        }
    )
    # Qwen2.5-0.5B's config.json with the sizes above (bench/torch/qwen_config.py).
    config = qwen25_config(
        shape["layers"],
        shape["vocab"],
        shape["hidden"],
        shape["intermediate"],
        shape["heads"],
        shape["kv_heads"],
        # Qwen's pad id; inside the --tiny vocabulary (512) its last id (the prompts have no padding).
        pad_token_id=min(151643, shape["vocab"] - 1),
    )
    torch.manual_seed(0)
    started = time.perf_counter()
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, attn_implementation="sdpa")
    model = model.to(torch.bfloat16).eval()
    params = sum(t.numel() for t in model.parameters())
    print(
        f"model: {shape['layers']} layers, vocab {shape['vocab']}, {params / 1e6:.1f}M parameters, bf16 on "
        f"{device} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    def sync():
        if on_gpu:
            torch.cuda.synchronize()

    for batch in streams:
        ids = prompt_ids(batch, prompt, min(shape["vocab"], 151643))
        checksum = sum(sum(r) for r in ids)
        input_ids = torch.tensor(ids, dtype=torch.long, device=device)
        mask = torch.ones_like(input_ids)
        record = {
            "stack": "pytorch",
            "case": "single" if batch == 1 else "batch",
            "precision": "bf16",
            "layers": shape["layers"],
            "vocab": shape["vocab"],
            "streams": batch,
            "promptTokens": prompt,
            "newTokens": new_tokens,
            "checksum": checksum,
        }
        try:

            def run(n):
                sync()
                t0 = time.perf_counter()
                with torch.inference_mode():
                    out = model.generate(
                        input_ids=input_ids,
                        attention_mask=mask,
                        do_sample=False,
                        max_new_tokens=n,
                        min_new_tokens=n,
                        pad_token_id=config.pad_token_id,
                        eos_token_id=config.eos_token_id,
                    )
                sync()
                return out, time.perf_counter() - t0

            if on_gpu:
                torch.cuda.reset_peak_memory_stats()
            run(min(4, new_tokens))  # warm-up
            _, first = run(1)
            out, total = run(new_tokens)
            made = out.shape[1] - prompt
            tokens = batch * made
            record.update(
                tokens=tokens,
                allLengthsRight=made == new_tokens,
                seconds=round(total, 3),
                tokensPerSec=round(tokens / total, 1),
                decodeTokensPerSec=round(batch * (made - 1) / max(total - first, 1e-9), 1),
                ttftMsP50=round(first * 1000, 1),
                ttftMsP99=round(first * 1000, 1),
                peakMiB=round(torch.cuda.max_memory_reserved() / 2**20) if on_gpu else 0,
            )
            print(
                f"batch {batch}: {tokens} tokens in {total:.2f} s: {tokens / total:.1f} tokens/s; first token "
                f"{first * 1000:.1f} ms",
                flush=True,
            )
        except Exception as err:  # a case that fails (e.g. out of memory) still reports
            record["error"] = f"{type(err).__name__}: {err}"[:300]
            print(f"batch {batch} failed: {record['error']}", flush=True)
        emit(record)


if __name__ == "__main__":
    main()
