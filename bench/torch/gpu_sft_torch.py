"""The real-data SFT bench, PyTorch's side (issue 19 item 3; bench/gpu/gpu-issue19.sh runs both sides in one
device run): LoRA SFT on MedicalGPT's sample file with the recipe `medgpt sft` runs in bench/gpu/gpu-sft.ts
(--model), in torch + transformers + peft, as MedicalGPT's supervised_finetuning.py runs it.

    python3 bench/torch/gpu_sft_torch.py --model DIR [--data FILE] [--batch 8] [--max-length 1024]
        [--steps 60] [--timing-warmup 5] [--lora-base bf16|fp32] [--lora-dropout 0.05] [--device cuda|cpu]
        [--json FILE]

DIR: a Hugging Face model folder with tokenizer.json and tokenizer_config.json (bench/torch/gpu_eval_torch.py
make writes a Qwen2.5-0.5B-shaped one with the Qwen3 tokenizer; both stacks train from it).

Data, as our trainer makes it (packages/data, packages/templates; the sums printed as "data" are compared
with ours by bench/gpu/gpu-issue19.report.mjs): every row of the ShareGPT file (validation split 0, no
max_train_samples), shuffled with datasets' Dataset.shuffle(seed=42) (numpy's PCG64 permutation); MedicalGPT's
chatml template (system "You are a helpful assistant." + sep, then "<|im_start|>user\\n{query}<|im_end|>\\n
<|im_start|>assistant\\n" per turn, sep "<|im_end|>\\n" before later turns); per turn the prompt (special
tokens on the first turn only) and the answer tokenised with the `tokenizers` library from tokenizer.json,
each cut to its share of --max-length (one slot kept for EOS), a leading EOS dropped from the prompt and a
trailing one from the answer, stop at the first turn that does not fit, prompt masked with -100, EOS
(tokenizer_config's eos_token, else the template's stop string) after every answer; rows without a
trainable label dropped. Batches: the rows in the order of numpy's default_rng(42).permutation (the
trainer's epoch order), --batch rows each, right-padded to the longest row rounded up to a multiple of 4
(DataCollatorForSeq2Seq(pad_to_multiple_of=4)), pad id tokenizer_config's pad_token, labels -100.

Training: the model loaded with torch_dtype bfloat16 (--lora-base bf16, MedicalGPT's --torch_dtype
bfloat16) or float32; peft LoRA r 8, alpha 16, dropout --lora-dropout, all linears, adapters in fp32 (peft's
autocast_adapter_dtype); torch.autocast bf16 (Trainer's bf16=True), sdpa, fused AdamW lr 2e-4 (weight decay
0), constant schedule after 5 warm-up steps, gradient clipping at 1.0, no gradient checkpointing (our
trainer's defaults). Each step: collate (host), forward, backward, clip, step, loss.item() (as the Trainer
logging every step). Real tokens = attention_mask.sum(); tokens/s over the steps after --timing-warmup.
"""

import argparse
import json
import os
import time

import numpy as np
import torch
import transformers
import peft
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

IGNORE = -100
CHATML = dict(
    system="You are a helpful assistant.",
    prompt="<|im_start|>user\n{query}<|im_end|>\n<|im_start|>assistant\n",
    sep="<|im_end|>\n",
    stop="<|im_end|>",
)

p = argparse.ArgumentParser()
p.add_argument("--model", required=True)
p.add_argument(
    "--data",
    default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "medicalgpt", "sft", "medical_sft_1K_format.jsonl"
    ),
)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--max-length", type=int, default=1024)
p.add_argument("--steps", type=int, default=60)
p.add_argument("--timing-warmup", type=int, default=5)
p.add_argument("--lora-base", default="bf16", choices=["bf16", "fp32"])
p.add_argument("--lora-dropout", type=float, default=0.05)
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--tag")
p.add_argument("--json")
args = p.parse_args()
dev = torch.device(args.device)
cuda = dev.type == "cuda"
MiB = 2**20


def report(result):
    line = json.dumps({"bench": "gpu-sft", "stack": "pytorch", **result})
    print(line, flush=True)
    if args.json:
        with open(args.json, "a") as f:
            f.write(line + "\n")


# ---- data ----------------------------------------------------------------------------------------------


def pairs_of(row):
    """packages/templates shareGptToPairs: the system turn, user/assistant messages paired."""
    system, messages = "", []
    for turn in row["conversations"]:
        who, value = turn.get("from") or "", turn.get("value") or ""
        if who == "system":
            system = value
        elif who in ("human", "user", "observation"):
            messages.append(("user", value))
        elif who in ("gpt", "assistant", "function_call"):
            messages.append(("assistant", value))
    if not system:
        system = row.get("system_prompt") or ""
    pairs, open_ = [], None
    for role, content in messages:
        if role == "user":
            open_ = content if open_ is None else open_ + "\n" + content
        elif open_ is not None:
            pairs.append((open_, content))
            open_ = None
    return system, pairs


def turns_of(row):
    """ConversationTemplate.formatDialog with chatml: (prompt, answer) per turn."""
    system, pairs = pairs_of(row)
    system = system or CHATML["system"]
    head = system + CHATML["sep"] if system else ""
    return [
        ((head if i == 0 else CHATML["sep"]) + CHATML["prompt"].replace("{query}", q), a)
        for i, (q, a) in enumerate(pairs)
    ]


def tokenize_row(turns, tok, eos, max_length):
    """MedicalGPT's preprocess_function (packages/templates tokenizeSftTurns)."""
    ids, labels = [], []
    for i, (prompt, answer) in enumerate(turns):
        source = tok.encode(prompt, add_special_tokens=i == 0).ids
        target = tok.encode(answer, add_special_tokens=False).ids
        total = len(source) + len(target)
        max_source = int(max_length * (len(source) / total)) if total else 0
        max_target = int(max_length * (len(target) / total)) if total else 0
        if len(source) > max_source:
            source = source[:max_source]
        if len(target) > max_target - 1:
            target = target[: max_target - 1]
        if source and source[0] == eos:
            source = source[1:]
        if target and target[-1] == eos:
            target = target[:-1]
        if len(ids) + len(source) + len(target) + 1 > max_length:
            break
        ids += source + target + [eos]
        labels += [IGNORE] * len(source) + target + [eos]
    return ids, labels


def load_rows():
    tok = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    with open(os.path.join(args.model, "tokenizer_config.json"), encoding="utf-8") as f:
        tcfg = json.load(f)

    def special(name):
        v = tcfg.get(name)
        return v.get("content") if isinstance(v, dict) else v

    eos_text = special("eos_token") or CHATML["stop"]
    eos = tok.token_to_id(eos_text)
    pad_text = special("pad_token") or special("unk_token") or eos_text
    pad = tok.token_to_id(pad_text)
    with open(args.data, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    records = [records[i] for i in np.random.default_rng(42).permutation(len(records))]
    rows = []
    for r in records:
        turns = turns_of(r)
        if not turns:
            continue
        ids, labels = tokenize_row(turns, tok, eos, args.max_length)
        if any(l != IGNORE for l in labels):
            rows.append((ids, labels))
    return rows, pad, eos


def collate(batch, pad):
    longest = max(len(ids) for ids, _ in batch)
    width = (longest + 3) // 4 * 4
    ids = [r + [pad] * (width - len(r)) for r, _ in batch]
    labels = [l + [IGNORE] * (width - len(l)) for _, l in batch]
    mask = [[1] * len(r) + [0] * (width - len(r)) for r, _ in batch]
    t = lambda x: torch.tensor(x, dtype=torch.long).to(dev, non_blocking=True)  # noqa: E731
    return t(ids), t(labels), t(mask)


# ---- training --------------------------------------------------------------------------------------------

started = time.perf_counter()
rows, pad, eos = load_rows()
checksums = dict(
    rows=len(rows),
    tokens=sum(len(ids) for ids, _ in rows),
    labelTokens=sum(sum(1 for l in labels if l != IGNORE) for _, labels in rows),
    idSum=sum(sum(ids) for ids, _ in rows),
)
print(f"data: {json.dumps(checksums)} in {time.perf_counter() - started:.1f} s", flush=True)
order = np.random.default_rng(42).permutation(len(rows)).tolist()
batches = [[rows[i] for i in order[k : k + args.batch]] for k in range(0, len(order), args.batch)]

torch.backends.cuda.matmul.allow_tf32 = False
started = time.perf_counter()
dtype = torch.bfloat16 if args.lora_base == "bf16" else torch.float32
model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype, attn_implementation="sdpa").to(dev)
cfg = peft.LoraConfig(
    r=8, lora_alpha=16, lora_dropout=args.lora_dropout, target_modules="all-linear", task_type="CAUSAL_LM"
)
model = peft.get_peft_model(model, cfg)
for q in model.parameters():  # supervised_finetuning.py: trainable parameters in fp32
    if q.requires_grad:
        q.data = q.data.float()
model.train()
trainable = [q for q in model.parameters() if q.requires_grad]
print(
    f"model: {sum(q.numel() for q in model.parameters()) / 1e6:.1f}M parameters, "
    f"{sum(q.numel() for q in trainable) / 1e6:.2f}M trainable ({trainable[0].dtype}), {args.lora_base} base, "
    f"loaded in {time.perf_counter() - started:.1f} s",
    flush=True,
)
opt = torch.optim.AdamW(trainable, lr=2e-4, weight_decay=0.0, fused=cuda)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / 5))
if cuda:
    torch.cuda.reset_peak_memory_stats()


def step(batch):
    ids, labels, mask = collate(batch, pad)
    with torch.autocast(dev.type, dtype=torch.bfloat16):
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_(trainable, 1.0)
    opt.step()
    sched.step()
    opt.zero_grad(set_to_none=True)
    return loss.item(), int(mask.sum()), mask.numel()


losses, ends, step_tokens, padded = [], [], [], []
t_start = time.perf_counter()
for s in range(args.steps):
    loss, real, total = step(batches[s % len(batches)])
    ends.append(time.perf_counter())
    losses.append(loss)
    step_tokens.append(real)
    padded.append(total)
w = min(args.timing_warmup, len(ends) - 1)
timed = len(ends) - 1 - w
secs = ends[-1] - ends[w]
real = sum(step_tokens[w + 1 :])
pad_total = sum(padded[w + 1 :])
print(
    f"{len(losses)} steps in {ends[-1] - t_start:.1f} s; losses {' '.join(f'{l:.4f}' for l in losses[:5])} ... "
    f"{' '.join(f'{l:.4f}' for l in losses[-3:])}",
    flush=True,
)
result = dict(
    tag=args.tag or f"{args.lora_base}-base",
    torch=torch.__version__,
    transformers=transformers.__version__,
    peft=peft.__version__,
    gpu=torch.cuda.get_device_name(0) if cuda else "cpu",
    loraBase=args.lora_base,
    batch=args.batch,
    maxLength=args.max_length,
    steps=len(losses),
    data=checksums,
    timingWarmup=w,
    timedSteps=timed,
    timedRealTokens=real,
    timedPaddedTokens=pad_total,
    stepMsMean=round(secs * 1000 / max(timed, 1), 1),
    realTokensPerSec=round(real / secs) if timed > 0 else None,
    paddedTokensPerSec=round(pad_total / secs) if timed > 0 else None,
    losses=losses,
    stepTokens=step_tokens,
)
if cuda:
    result["peakMiB"] = round(torch.cuda.max_memory_reserved() / MiB)
    result["peakAllocatedMiB"] = round(torch.cuda.max_memory_allocated() / MiB)
print(
    f"speed: {result['realTokensPerSec']} real tokens/s ({result['paddedTokensPerSec']} with padding), "
    f"{result['stepMsMean']} ms/step over {timed} steps after {w}",
    flush=True,
)
report(result)
