"""The QLoRA memory benchmark, PyTorch side (#16): the Llama-2-7B-shaped random model of
bench/gpu/gpu-qlora.ts trained with LoRA in PyTorch as MedicalGPT runs LoRA without bitsandbytes (which the
device machine lacks): base weights in bf16, peft LoRA r 8 / alpha 16 / dropout 0.05 on every linear
(fp32 adapters), autocast bf16, gradient checkpointing, fused AdamW on the adapter, one sequence of 512
tokens. The same step is the PyTorch row of our bf16-base LoRA (`--base bf16 --r 16 --alpha 32 --seq 1024`,
issue 19 item 4): MedicalGPT's LoRA with torch_dtype bfloat16. Prints one JSON line ({"bench": "gpu-qlora", "stack": "pytorch", ...}) with tokens/s and the
peak memory (max_memory_reserved, comparable with our pool peak, and max_memory_allocated).

  python3 bench/torch/gpu_qlora_torch.py [--r 8] [--alpha 16] [--layers 32] [--seq 512] [--batch 1] [--warmup 1]
    [--steps 3] [--json FILE]
"""

import argparse
import json
import time

import torch
import peft
from transformers import LlamaConfig, LlamaForCausalLM

p = argparse.ArgumentParser()
p.add_argument("--layers", type=int, default=32)
p.add_argument("--hidden", type=int, default=4096)
p.add_argument("--intermediate", type=int, default=11008)
p.add_argument("--heads", type=int, default=32)
p.add_argument("--kv-heads", type=int, default=32)
p.add_argument("--vocab", type=int, default=32000)
p.add_argument("--seq", type=int, default=512)
p.add_argument("--r", type=int, default=8)
p.add_argument("--alpha", type=int, default=16)
p.add_argument("--batch", type=int, default=1)
p.add_argument("--warmup", type=int, default=1)
p.add_argument("--steps", type=int, default=3)
p.add_argument("--json")
args, _unknown = p.parse_known_args()  # the shell script passes our options to both programs

MiB = 2**20
dev = torch.device("cuda")
cfg = LlamaConfig(
    hidden_size=args.hidden,
    intermediate_size=args.intermediate,
    num_attention_heads=args.heads,
    num_key_value_heads=args.kv_heads,
    num_hidden_layers=args.layers,
    vocab_size=args.vocab,
    max_position_embeddings=4096,
    rms_norm_eps=1e-5,
    tie_word_embeddings=False,
    attn_implementation="sdpa",
)
started = time.perf_counter()
torch.manual_seed(0)
torch.set_default_dtype(torch.bfloat16)
with dev:
    model = LlamaForCausalLM(cfg)
torch.set_default_dtype(torch.float32)
model.config.use_cache = False
model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
model.enable_input_require_grads()
lora = peft.LoraConfig(r=args.r, lora_alpha=args.alpha, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM")
model = peft.get_peft_model(model, lora)
for name, param in model.named_parameters():
    if param.requires_grad:
        param.data = param.data.float()  # peft's default: fp32 adapters over a bf16 base
params = [q for q in model.parameters() if q.requires_grad]
trainable = sum(q.numel() for q in params)
total = sum(q.numel() for q in model.parameters())
opt = torch.optim.AdamW(params, lr=2e-4, weight_decay=0.0, fused=True)
ids = (torch.arange(args.batch * args.seq, device=dev) * 7919 + 13) % args.vocab
ids = ids.reshape(args.batch, args.seq)
torch.cuda.synchronize()
print(
    f"pytorch: {total / 1e9:.2f}B parameters, LoRA r {args.r} alpha {args.alpha}: {trainable / 1e6:.1f}M trainable, "
    f"seq {args.seq}, built in {time.perf_counter() - started:.1f} s; {torch.cuda.memory_allocated() / MiB:.0f} MiB allocated",
    flush=True,
)
torch.cuda.reset_peak_memory_stats()


def step():
    with torch.autocast("cuda", dtype=torch.bfloat16):
        loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss.item()


losses, times = [], []
for i in range(args.warmup + args.steps):
    t = time.perf_counter()
    losses.append(step())
    torch.cuda.synchronize()
    ms = (time.perf_counter() - t) * 1000
    print(f"pytorch: step {i + 1}: {ms:.0f} ms, loss {losses[-1]:.4f}, reserved peak {torch.cuda.max_memory_reserved() / MiB:.0f} MiB", flush=True)
    if i >= args.warmup:
        times.append(ms)
mean = sum(times) / len(times)
line = json.dumps(
    {
        "bench": "gpu-qlora",
        "stack": "pytorch",
        "mode": "lora-bf16-base",
        "r": args.r,
        "alpha": args.alpha,
        "layers": args.layers,
        "batch": args.batch,
        "seq": args.seq,
        "ckpt": True,
        "params": total,
        "trainable": trainable,
        "steps": len(times),
        "stepMsMean": round(mean, 1),
        "tokensPerSec": round(args.batch * args.seq / (mean / 1000)),
        "firstLoss": losses[0],
        "lastLoss": losses[-1],
        "peakMiB": round(torch.cuda.max_memory_reserved() / MiB),
        "allocatedPeakMiB": round(torch.cuda.max_memory_allocated() / MiB),
        "torch": torch.__version__,
    }
)
print(line, flush=True)
if args.json:
    with open(args.json, "a") as f:
        f.write(line + "\n")
