"""The GPU DPO benchmark, PyTorch side: one DPO step (LoRA) on the same Qwen2.5-0.5B-shaped random model
and the same synthetic pairs as bench/gpu/gpu-dpo.ts, written with torch + transformers + peft only (the
device machine has no TRL) the way MedicalGPT's training/dpo_training.py runs it through TRL's
DPOTrainer. Prints one JSON line per case ({"bench": "gpu-dpo", "stack": "pytorch", ...});
bench/gpu/gpu-dpo.sh runs it beside ours and bench/gpu/gpu-dpo.report.mjs makes the table.

  python3 bench/torch/gpu_dpo_torch.py [--precompute false,true] [--ckpt false,true] [--base-dtypes bf16,fp32]
      [--pairs 8] [--seq 1024] [--layers 24] [--vocab 151936] [--hidden 896] [--intermediate 4864]
      [--heads 14] [--kv-heads 2] [--warmup 3] [--steps 10] [--budget 60] [--lr 5e-4] [--beta 0.1]
      [--seed 1234] [--json FILE] [--device cuda|cpu] [--tiny] [--dump-batch]

Every combination of the listed --base-dtypes, --ckpt and --precompute runs in turn, each from an empty
GPU (empty_cache + reset_peak_memory_stats; the model is built again), peaks including the weights.

- Batch: `synthetic_pairs` (the same arithmetic as bench/lib/dpo-batch.ts, so the same ids, lengths and
  checksum): rows [chosen; rejected], prompt + answer, right-padded to --seq.
- Model: transformers' Qwen2ForCausalLM from Qwen2.5-0.5B's config.json, sdpa attention, random init
  (torch.manual_seed(0)). --base-dtypes bf16: the base weights in bf16 and the LoRA parameters in fp32;
  fp32: every weight in fp32, which is what MedicalGPT's dpo_training.py ends up with (its "fixed FP16
  ValueError" loop casts every parameter with requires_grad to fp32 before TRL wraps the model in peft,
  when all of them still require grad). Both run under torch.autocast(bfloat16) (Trainer's bf16=True).
- LoRA: peft LoraConfig(r=8, lora_alpha=16, lora_dropout=0, the seven linears of every layer:
  MedicalGPT's --target_modules all), get_peft_model.
- --ckpt true: model.gradient_checkpointing_enable(use_reentrant=False) before peft, use_cache False.
- Step: the policy's forward over the 2 x pairs rows, summed answer log-probs (TRL's
  selective_log_softmax over the shifted answer mask), the reference's (precompute false: the same
  model under `with torch.no_grad(), model.disable_adapter()`, after the policy's forward, as TRL does
  for a peft model without ref_model; true: computed once before timing), the sigmoid loss
  -logsigmoid(beta * ((pc - rc) - (pr - rr))).mean(), backward, torch.optim.AdamW(fused=True, lr 5e-4,
  no weight decay; as bench/torch/gpu_train_torch.py), no gradient clipping, then a device sync.
- tokens/s: the real (non-padding) tokens of the rows, prompt + answer (attention_mask.sum()), per mean
  step time, as ours counts them.
"""

import argparse
import json
import math
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--precompute", default="false,true")
p.add_argument("--ckpt", default="false,true")
p.add_argument("--base-dtypes", default="bf16,fp32")
p.add_argument("--pairs", type=int)
p.add_argument("--seq", type=int)
p.add_argument("--layers", type=int)
p.add_argument("--vocab", type=int)
p.add_argument("--hidden", type=int)
p.add_argument("--intermediate", type=int)
p.add_argument("--heads", type=int)
p.add_argument("--kv-heads", type=int)
p.add_argument("--warmup", type=int)
p.add_argument("--steps", type=int)
p.add_argument("--budget", type=float, default=60.0)
p.add_argument("--lr", type=float, default=5e-4)
p.add_argument("--beta", type=float, default=0.1)
p.add_argument("--seed", type=int, default=1234)
p.add_argument("--json")
p.add_argument("--device")
p.add_argument("--tiny", action="store_true", help="a small shape (as gpu-dpo.ts --tiny), on the cpu")
p.add_argument("--dump-batch", action="store_true", help="print the batch summary and exit (no torch)")
args = p.parse_args()


def option(name, full, tiny):
    value = getattr(args, name)
    return value if value is not None else (tiny if args.tiny else full)


pairs = option("pairs", 8, 4)
seq = option("seq", 1024, 64)
layers = option("layers", 24, 2)
vocab = option("vocab", 151936, 256)
hidden = option("hidden", 896, 64)
intermediate = option("intermediate", 4864, 128)
heads = option("heads", 14, 4)
kv_heads = option("kv_heads", 2, 2)
warmup = option("warmup", 3, 1)
steps = option("steps", 10, 2)
pad_token_id = 151643 % vocab  # Qwen's <|endoftext|>; the attention mask marks padding


# ---- the batch (pure Python: the same numbers as bench/lib/dpo-batch.ts) -------------------------------


class Minstd:
    """Park-Miller's minimal standard generator, as bench/lib/dpo-batch.ts's Minstd."""

    def __init__(self, seed):
        self.s = seed % 2147483647 or 1

    def below(self, n):
        self.s = (self.s * 48271) % 2147483647
        return self.s % n


def synthetic_pairs(n_pairs, seq_len, vocab_size, seed):
    """bench/lib/dpo-batch.ts's syntheticPairs: the same draws in the same order."""
    rng = Minstd(seed)
    out = []
    for i in range(n_pairs):
        base = (seq_len * 3) // 8
        prompt_len = base + rng.below(seq_len // 4 + 1)
        room = seq_len - prompt_len
        least = max(1, room // 8)
        chosen_len = least + rng.below(room - least + 1)
        rejected_len = least + rng.below(room - least + 1)
        if i == 0:
            chosen_len = room
        prompt = [rng.below(vocab_size) for _ in range(prompt_len)]
        chosen = [rng.below(vocab_size) for _ in range(chosen_len)]
        rejected = [rng.below(vocab_size) for _ in range(rejected_len)]
        out.append((prompt, chosen, rejected))
    return out


def batch_summary(pair_list, seq_len):
    """bench/lib/dpo-batch.ts's batchSummary (same keys, same checksum)."""
    rows = [(pr, ch) for pr, ch, _ in pair_list] + [(pr, rj) for pr, _, rj in pair_list]
    checksum = 0
    real = 0
    completion = 0
    for prompt, answer in rows:
        row = prompt + answer
        for t, token in enumerate(row):
            checksum = (checksum * 31 + token * (t + 1) + (1 if t >= len(prompt) else 0)) % 1000000007
        real += len(row)
        completion += len(answer)
    return {
        "pairs": len(pair_list),
        "seq": seq_len,
        "lengths": [[len(pr), len(ch), len(rj)] for pr, ch, rj in pair_list],
        "realTokens": real,
        "completionTokens": completion,
        "checksum": checksum,
    }


synthetic = synthetic_pairs(pairs, seq, vocab, args.seed)
summary = batch_summary(synthetic, seq)
if args.dump_batch:
    print(json.dumps(summary, separators=(",", ":")))
    sys.exit(0)

import torch  # noqa: E402  (after --dump-batch, which needs no torch)
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
import peft  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402

from qwen_config import qwen25_config  # noqa: E402

MiB = 2**20
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
dev = torch.device(args.device or ("cpu" if args.tiny else "cuda"))
on_cuda = dev.type == "cuda"
rows_n = 2 * pairs
# MedicalGPT's find_all_linear_names for a Qwen2 model (--target_modules all): every linear but lm_head.
TARGETS = ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"]


def report(result):
    line = json.dumps(
        {
            "bench": "gpu-dpo",
            "stack": "pytorch",
            "backend": dev.type,
            "precision": "bf16",
            "layers": layers,
            "vocab": vocab,
            **result,
        }
    )
    print(line, flush=True)
    if args.json:
        with open(args.json, "a") as f:
            f.write(line + "\n")


def config():
    # Qwen2.5-0.5B's config.json with this run's sizes (bench/torch/qwen_config.py).
    return qwen25_config(layers, vocab, hidden, intermediate, heads, kv_heads)


def fresh():
    import gc

    gc.collect()
    if on_cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peaks():
    if not on_cuda:
        return {"peakMiB": 0, "peakAllocatedMiB": 0}
    return {
        "peakMiB": round(torch.cuda.max_memory_reserved() / MiB),
        "peakAllocatedMiB": round(torch.cuda.max_memory_allocated() / MiB),
    }


def sync():
    if on_cuda:
        torch.cuda.synchronize()


def collate():
    """TRL's preference batch: [chosen rows; rejected rows], prompt + answer, right-padded."""
    rows = [(pr, ch) for pr, ch, _ in synthetic] + [(pr, rj) for pr, _, rj in synthetic]
    width = max(len(pr) + len(an) for pr, an in rows)
    if width != seq:
        raise RuntimeError(f"the longest row has {width} tokens, expected {seq}")
    ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    answer = torch.zeros((len(rows), width), dtype=torch.long)
    for b, (prompt, completion) in enumerate(rows):
        n = len(prompt) + len(completion)
        ids[b, :n] = torch.tensor(prompt + completion, dtype=torch.long)
        mask[b, :n] = 1
        answer[b, len(prompt) : n] = 1
    return ids.to(dev), mask.to(dev), answer.to(dev)


def selective_log_softmax(logits, index):
    """TRL's selective_log_softmax: log p(index) per position, row by row for bf16 logits."""
    if logits.dtype in (torch.float32, torch.float64):
        selected = torch.gather(logits, dim=-1, index=index.unsqueeze(-1)).squeeze(-1)
        lse = torch.stack([torch.logsumexp(row, dim=-1) for row in logits])
        return selected - lse
    out = []
    for row_logits, row_labels in zip(logits, index):
        row_logps = F.log_softmax(row_logits, dim=-1)
        out.append(row_logps.gather(dim=-1, index=row_labels.unsqueeze(-1)).squeeze(-1))
    return torch.stack(out)


def sequence_logps(model, ids, mask, answer):
    """Per row: the summed log-probs of the answer tokens (position t predicts token t + 1)."""
    logits = model(input_ids=ids, attention_mask=mask, use_cache=False).logits
    per_token = selective_log_softmax(logits[:, :-1], ids[:, 1:])
    # float(): a no-op on CUDA, where autocast runs log_softmax in fp32; CPU autocast may keep bf16.
    return (per_token.float() * answer[:, 1:]).sum(-1)


def reference_logps(model, ids, mask, answer):
    """TRL's reference for a peft model without ref_model: the base with the adapter disabled."""
    with torch.no_grad(), model.disable_adapter():
        return sequence_logps(model, ids, mask, answer)


def amp():
    return torch.autocast(dev.type, dtype=torch.bfloat16)


def build(base_dtype, ckpt):
    torch.manual_seed(0)
    with torch.device(dev):
        model = AutoModelForCausalLM.from_config(config(), attn_implementation="sdpa")
    model = model.to(torch.bfloat16 if base_dtype == "bf16" else torch.float32)
    if ckpt:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.config.use_cache = False
    cfg = peft.LoraConfig(
        r=8,
        lora_alpha=16,
        lora_dropout=0.0,
        target_modules=TARGETS,
        task_type="CAUSAL_LM",
        inference_mode=False,
    )
    model = peft.get_peft_model(model, cfg)
    # MedicalGPT's cast of the trained parameters to fp32 (peft already makes the adapters fp32).
    for param in model.parameters():
        if param.requires_grad:
            param.data = param.data.to(torch.float32)
    model.train()
    return model


def run_case(base_dtype, ckpt, precompute):
    reference = "precomputed" if precompute else "in step"
    name = f"{base_dtype} weights, ckpt {'on' if ckpt else 'off'}, reference {reference}"
    started = time.perf_counter()
    model = build(base_dtype, ckpt)
    params = sum(q.numel() for q in model.parameters())
    trainable = [q for q in model.parameters() if q.requires_grad]
    n_trainable = sum(q.numel() for q in trainable)
    print(
        f"{name}: {params / 1e6:.1f}M parameters ({n_trainable / 1e6:.2f}M trainable) on {dev} "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    ids, mask, answer = collate()
    real_tokens = int(mask.sum().item())
    if real_tokens != summary["realTokens"]:
        raise RuntimeError(f"{real_tokens} real tokens, expected {summary['realTokens']}")
    fused = {"fused": True} if on_cuda else {}  # fused needs CUDA tensors (and torch >= 2.0)
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.0, **fused)
    precompute_ms = None
    ref_pre = None
    if precompute:
        # TRL's precompute_ref_log_probs: one reference pass before training.
        t0 = time.perf_counter()
        with amp():
            ref_pre = reference_logps(model, ids, mask, answer).float()
        sync()
        precompute_ms = (time.perf_counter() - t0) * 1000

    def step():
        opt.zero_grad(set_to_none=True)
        with amp():
            policy = sequence_logps(model, ids, mask, answer)
            ref = ref_pre if precompute else reference_logps(model, ids, mask, answer)
            pc, pr = policy[:pairs], policy[pairs:]
            rc, rr = ref[:pairs], ref[pairs:]
            loss = -F.logsigmoid(args.beta * ((pc - rc) - (pr - rr))).mean()
        loss.backward()
        opt.step()
        sync()  # the optimizer's update is inside the step's time
        return loss.item()

    losses, warm = [], []
    for _ in range(warmup):
        t0 = time.perf_counter()
        losses.append(step())
        warm.append(time.perf_counter() - t0)
    last = warm[-1] if warm else 0.0
    timed = max(1, min(steps, int((args.budget - sum(warm)) / max(last, 1e-3))))
    times = []
    for _ in range(timed):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    median = sorted(times)[len(times) // 2]
    mem = peaks()
    print(
        f"{name}: warm-up {' '.join(f'{w * 1000:.0f}' for w in warm)} ms; "
        f"steps {' '.join(f'{t * 1000:.0f}' for t in times)} ms; losses {' '.join(f'{l:.4f}' for l in losses)}",
        flush=True,
    )
    print(
        f"{name}: step 1 loss {losses[0]:.6f} (ln 2 = {math.log(2):.6f}, difference "
        f"{abs(losses[0] - math.log(2)):.2e}); {real_tokens / mean:.0f} tokens/s (real tokens), "
        f"{mean * 1000:.1f} ms/step mean, {median * 1000:.1f} median over {timed} timed steps; peak "
        f"{mem['peakMiB']} MiB reserved, {mem['peakAllocatedMiB']} MiB allocated"
        + ("" if precompute_ms is None else f"; reference pass before training {precompute_ms:.0f} ms"),
        flush=True,
    )
    report(
        {
            "baseDtype": base_dtype,
            "storage": base_dtype,
            "ckpt": ckpt,
            "precompute": precompute,
            "pairs": pairs,
            "rows": rows_n,
            "seq": seq,
            "lengths": summary["lengths"],
            "realTokens": real_tokens,
            "completionTokens": summary["completionTokens"],
            "paddedTokens": rows_n * seq,
            "checksum": summary["checksum"],
            "params": params,
            "trainable": n_trainable,
            "beta": args.beta,
            "lr": args.lr,
            "warmup": warmup,
            "steps": timed,
            "stepMs": [round(t * 1000, 1) for t in times],
            "stepMsMean": round(mean * 1000, 1),
            "stepMsMedian": round(median * 1000, 1),
            "tokensPerSec": round(real_tokens / mean),
            "losses": losses[:5],
            "firstLoss": losses[0],
            "lastLoss": losses[-1],
            "precomputeMs": None if precompute_ms is None else round(precompute_ms),
            **mem,
        }
    )


env = {
    "gpu": torch.cuda.get_device_name(0) if on_cuda else "cpu",
    "torch": torch.__version__,
    "transformers": transformers.__version__,
    "peft": peft.__version__,
    "cuda": torch.version.cuda,
}
print(json.dumps({"bench": "gpu-dpo", "env": env}), flush=True)
if args.json:
    with open(args.json, "a") as f:
        f.write(json.dumps({"bench": "gpu-dpo", "env": env}) + "\n")
print(
    f"batch: {pairs} pairs = {rows_n} rows x {seq} (seed {args.seed}); [prompt, chosen, rejected] lengths "
    + " ".join(str(l) for l in summary["lengths"])
    + f"; real tokens {summary['realTokens']} of {rows_n * seq}, answer tokens {summary['completionTokens']}, "
    f"checksum {summary['checksum']}",
    flush=True,
)
print(
    f"tokens/s counts the real (non-padding) tokens of the {rows_n} rows, prompt + answer of each: "
    f"{summary['realTokens']} per step (the padded batch is {rows_n * seq})",
    flush=True,
)


def flags(text):
    out = []
    for v in text.split(","):
        if v not in ("false", "true"):
            raise SystemExit(f"expected false or true, got {v!r}")
        out.append(v == "true")
    return out


for base_dtype in args.base_dtypes.split(","):
    for ckpt in flags(args.ckpt):
        for precompute in flags(args.precompute):
            fresh()
            try:
                run_case(base_dtype, ckpt, precompute)
            except Exception as e:  # an OOM in one case must not hide the others
                failure = f"{type(e).__name__}: {e}"
                print(f"{base_dtype} ckpt {ckpt} precompute {precompute}: FAILED {failure}", flush=True)
                report(
                    {
                        "baseDtype": base_dtype,
                        "ckpt": ckpt,
                        "precompute": precompute,
                        "error": f"{type(e).__name__}: {str(e)[:200]}",
                    }
                )
            fresh()
