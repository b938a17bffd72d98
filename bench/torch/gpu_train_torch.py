"""The GPU benchmark, PyTorch side: the same Qwen2.5-0.5B-shaped random model, batch and sequence as
bench/gpu/gpu-train.ts, trained with torch + transformers + peft only (what the device machine has), in
bf16 mixed precision (torch.autocast, fp32 master weights: transformers' Trainer with bf16=True) and in
plain fp32 (no autocast, TF32 off: the precision of our cuda backend). Prints one JSON line per result
({"bench": "gpu-train", "stack": "pytorch", ...}); bench/gpu/gpu-train.sh and bench/gpu/gpu-issue19.sh run
it beside ours.

  python3 bench/torch/gpu_train_torch.py [--precisions bf16,fp32] [--modes lora,full,decode] [--layers 24]
      [--lora-bases fp32] [--batch 8] [--seq 1024] [--vocab 151936] [--warmup 2] [--steps 5] [--budget 60]
      [--new-tokens 32] [--decode-batches 1,16] [--device cuda|cpu] [--json FILE]
      [--hidden 896 --intermediate 4864 --heads 14 --kv-heads 2]   (Qwen2.5-1.5B: 1536 8960 12 2, 28 layers)

LoRA: peft LoraConfig(r=8, lora_alpha=16, lora_dropout=0, target_modules="all-linear"), as ours.
--lora-bases picks the frozen base's dtype, one LoRA row each (JSON field "loraBase"): fp32 (the default:
fp32 weights under autocast, as the full fine-tuning row) and/or bf16 (as MedicalGPT runs LoRA: the model
loaded with torch_dtype=bfloat16, peft's adapters in fp32 (its autocast_adapter_dtype default), autocast
bf16). --device defaults to cuda when there is one, else cpu (for checking the script; no peak memory).
Optimizer: torch.optim.AdamW(fused=True), lr 1e-5, no weight decay. Attention: sdpa. Decode: HF
generate, greedy, min_new_tokens = max_new_tokens (no early stop); bf16 decode runs the model cast to
bf16 (how it is served), fp32 decode in fp32.
"""

import argparse
import contextlib
import gc
import json
import time

import torch
import transformers
import peft
from transformers import AutoModelForCausalLM

from qwen_config import qwen25_config

p = argparse.ArgumentParser()
p.add_argument("--precisions", default="bf16,fp32")
p.add_argument("--modes", default="lora,full,decode")
p.add_argument("--layers", type=int, default=24)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--seq", type=int, default=1024)
p.add_argument("--vocab", type=int, default=151936)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--budget", type=float, default=60.0)
p.add_argument("--new-tokens", type=int, default=32)
p.add_argument("--prompt-len", type=int, default=16)
p.add_argument("--decode-batches", default="1,16")
p.add_argument("--lora-bases", default="fp32")
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--hidden", type=int, default=896)
p.add_argument("--intermediate", type=int, default=4864)
p.add_argument("--heads", type=int, default=14)
p.add_argument("--kv-heads", type=int, default=2)
p.add_argument("--json")
args = p.parse_args()

MiB = 2**20
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
dev = torch.device(args.device)
cuda = dev.type == "cuda"


def report(result):
    line = json.dumps(
        {"bench": "gpu-train", "stack": "pytorch", "layers": args.layers, "hidden": args.hidden, **result}
    )
    print(line, flush=True)
    if args.json:
        with open(args.json, "a") as f:
            f.write(line + "\n")


def config():
    # Qwen2.5-0.5B's config.json, with the layer count, vocabulary and (for other Qwen2.5 sizes) widths of this run.
    return qwen25_config(
        args.layers, args.vocab, args.hidden, args.intermediate, args.heads, args.kv_heads
    )


def fresh():
    gc.collect()
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def build():
    torch.manual_seed(0)
    with torch.device(dev):
        model = AutoModelForCausalLM.from_config(config(), attn_implementation="sdpa")
    return model.float()


def peaks():
    if not cuda:
        return {"peakMiB": 0, "peakAllocatedMiB": 0}
    return {
        "peakMiB": round(torch.cuda.max_memory_reserved() / MiB),
        "peakAllocatedMiB": round(torch.cuda.max_memory_allocated() / MiB),
    }


def train(kind, precision, base="fp32"):
    fresh()
    started = time.perf_counter()
    model = build()
    if kind == "lora" and base == "bf16":
        model = model.to(torch.bfloat16)  # from_pretrained(torch_dtype=torch.bfloat16)
    if kind == "lora":
        cfg = peft.LoraConfig(
            r=8, lora_alpha=16, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM"
        )
        # autocast_adapter_dtype=True (peft's default): the adapters are fp32 over a bf16 base.
        model = peft.get_peft_model(model, cfg)
    model.train()
    params = sum(p.numel() for p in model.parameters())
    trainable = [p for p in model.parameters() if p.requires_grad]
    label = f"{precision} {kind}" + (f" ({base} base)" if kind == "lora" else "")
    print(
        f"{label}: {params / 1e6:.1f}M parameters "
        f"({sum(p.numel() for p in trainable) / 1e6:.2f}M trainable, {trainable[0].dtype}; "
        f"frozen {next(p.dtype for p in model.parameters() if not p.requires_grad) if kind == 'lora' else '-'}) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    opt = torch.optim.AdamW(trainable, lr=1e-5, weight_decay=0.0, fused=cuda)
    ids = (torch.arange(args.batch * args.seq, device=dev) * 7919 + 13) % args.vocab
    ids = ids.reshape(args.batch, args.seq)
    amp = (
        (lambda: torch.autocast(dev.type, dtype=torch.bfloat16))
        if precision == "bf16"
        else contextlib.nullcontext
    )

    def step():
        opt.zero_grad(set_to_none=True)
        with amp():
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        return loss.item()  # waits for the step's work on the GPU

    losses, warm = [], []
    for _ in range(args.warmup):
        t0 = time.perf_counter()
        losses.append(step())
        warm.append(time.perf_counter() - t0)
    timed = max(1, min(args.steps, int((args.budget - sum(warm)) / max(warm[-1], 1e-3))))
    times = []
    for _ in range(timed):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    print(
        f"{label}: warm-up {' '.join(f'{w * 1000:.0f}' for w in warm)} ms; "
        f"steps {' '.join(f'{t * 1000:.0f}' for t in times)} ms; losses {' '.join(f'{l:.4f}' for l in losses)}",
        flush=True,
    )
    report(
        {
            "mode": kind,
            "precision": precision,
            **({"loraBase": base} if kind == "lora" else {}),
            "batch": args.batch,
            "seq": args.seq,
            "vocab": args.vocab,
            "params": params,
            "trainable": sum(p.numel() for p in trainable),
            "warmup": args.warmup,
            "steps": timed,
            "stepMsMean": round(mean * 1000, 1),
            "stepMsMedian": round(sorted(times)[len(times) // 2] * 1000, 1),
            "tokensPerSec": round(args.batch * args.seq / mean),
            "firstLoss": losses[0],
            "lastLoss": losses[-1],
            **peaks(),
        }
    )
    del model, opt, trainable
    fresh()


def decode(precision):
    fresh()
    model = build()
    if precision == "bf16":
        model = model.to(torch.bfloat16)
    model.eval()

    def prompts(rows):
        r = torch.arange(rows, device=dev).unsqueeze(1)
        i = torch.arange(args.prompt_len, device=dev).unsqueeze(0)
        return (r * 1009 + i * 7919 + 13) % args.vocab

    for rows in [int(b) for b in args.decode_batches.split(",")]:
        ids = prompts(rows)
        mask = torch.ones_like(ids)

        def run(n):
            return model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=n,
                min_new_tokens=n,
                do_sample=False,
                pad_token_id=0,
            )

        run(2)  # warm-up
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        out = run(args.new_tokens)
        if cuda:
            torch.cuda.synchronize()
        s = time.perf_counter() - t0
        produced = (out.shape[1] - args.prompt_len) * rows
        print(f"{precision} decode batch {rows}: {produced} tokens in {s * 1000:.0f} ms", flush=True)
        report(
            {
                "mode": "decode",
                "precision": precision,
                "decodeBatch": rows,
                "promptLen": args.prompt_len,
                "newTokens": args.new_tokens,
                "vocab": args.vocab,
                "ms": round(s * 1000),
                "msPerStep": round(s * 1000 / args.new_tokens, 2),
                "tokensPerSec": round(produced / s, 1),
                **peaks(),
            }
        )
    del model
    fresh()


env = {
    "gpu": torch.cuda.get_device_name(0) if cuda else "cpu",
    "torch": torch.__version__,
    "transformers": transformers.__version__,
    "peft": peft.__version__,
    "cuda": torch.version.cuda,
}
print(json.dumps({"bench": "gpu-train", "env": env}), flush=True)
if args.json:
    with open(args.json, "a") as f:
        f.write(json.dumps({"bench": "gpu-train", "env": env}) + "\n")
for precision in args.precisions.split(","):
    for mode in args.modes.split(","):
        try:
            if mode == "decode":
                decode(precision)
            elif mode == "lora":
                for base in args.lora_bases.split(","):
                    try:
                        train(mode, precision, base)
                    except Exception as e:  # an OOM in one case must not hide the others
                        print(f"{precision} {mode} ({base} base): FAILED {type(e).__name__}: {e}", flush=True)
                        fresh()
            else:
                train(mode, precision)
        except Exception as e:  # an OOM in one case must not hide the others
            print(f"{precision} {mode}: FAILED {type(e).__name__}: {e}", flush=True)
            fresh()
