"""The GPU evaluation benchmark, PyTorch's side (bench/gpu/gpu-eval.sh runs both sides in one device run).

    python3 bench/torch/gpu_eval_torch.py make --out DIR --tokenizer TOKDIR [--questions 1000] [--layers 24] [--tiny]
    python3 bench/torch/gpu_eval_torch.py score --model DIR --questions FILE [--batch-size 16] [--json FILE]
        [--predictions FILE] [--device cuda|cpu]

make: a Qwen2.5-0.5B-shaped Qwen2ForCausalLM with transformers' own random init (seed 0), saved in
bfloat16 with the Qwen3 tokenizer files from TOKDIR (the vocabulary stays Qwen2.5's 151,936 rows), and a
C-Eval-format CSV of multiple-choice questions built from MedicalGPT's medical_corpus.txt (each stem is
a corpus question; its options are its own answer and three others, cut to 40 characters, in a seeded
order). The same files are what `medgpt eval` reads on our side (bench/gpu/gpu-eval.ts).

score: multiple-choice scoring as @medgpt/eval's evaluateChoices does it and as `medgpt eval` runs it
with the tokenizer's chat template: C-Eval's zero-shot prompt, rendered with apply_chat_template and the
generation prompt, tokenised without added special tokens; batches of --batch-size rows right-padded;
one forward of the decoder per batch, then the LM head only at each row's last real token; the answer
is the option letter whose first token has the highest log-probability. bf16 weights and compute, sdpa,
inference_mode. Timed from the first prompt rendered to the last answer (tokenising included), after a
warm-up batch. Numbers, not a test.
"""

import argparse
import csv
import json
import os
import random
import shutil
import time

QWEN25_05B = dict(layers=24, vocab=151936, hidden=896, intermediate=4864, heads=14, kv_heads=2)
TINY = dict(layers=2, vocab=151936, hidden=64, intermediate=128, heads=4, kv_heads=2)


def choice_prompt(subject, question, options):
    """packages/eval/src/choice-prompt.ts: C-Eval's zero-shot prompt."""
    lines = "\n".join(f"{letter}. {text}" for letter, text in options)
    return f"以下是关于{subject}的单项选择题，请直接给出正确答案的选项。\n\n{question}\n{lines}\n答案："


def make(a):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    shape = TINY if a.tiny else dict(QWEN25_05B, layers=a.layers or QWEN25_05B["layers"])
    os.makedirs(a.out, exist_ok=True)
    config = Qwen2Config(
        vocab_size=shape["vocab"],
        hidden_size=shape["hidden"],
        intermediate_size=shape["intermediate"],
        num_hidden_layers=shape["layers"],
        num_attention_heads=shape["heads"],
        num_key_value_heads=shape["kv_heads"],
        max_position_embeddings=32768,
        rope_theta=1000000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=True,
        bos_token_id=151643,
        eos_token_id=151645,
        pad_token_id=151643,
    )
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(a.out)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(a.tokenizer, name), os.path.join(a.out, name))

    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "medicalgpt", "rag", "medical_corpus.txt")
    with open(corpus, encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    rng = random.Random(0)
    path = os.path.join(a.out, "medical_val.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "question", "A", "B", "C", "D", "answer"])
        for i in range(a.questions):
            j = i % len(pairs)
            others = rng.sample([k for k in range(len(pairs)) if k != j], 3)
            options = [pairs[k]["答"][:40].replace("\n", " ") for k in [j, *others]]
            order = list(range(4))
            rng.shuffle(order)
            answer = "ABCD"[order.index(0)]
            w.writerow([i, pairs[j]["问"][:200].replace("\n", " ")] + [options[o] for o in order] + [answer])
    print(f"model ({shape['layers']} layers) and {a.questions} questions written to {a.out}")


def read_questions(path):
    subject = os.path.splitext(os.path.basename(path))[0]
    for suffix in ("_val", "_dev", "_test"):
        if subject.endswith(suffix):
            subject = subject[: -len(suffix)]
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [(subject, r["question"], [(L, r[L]) for L in "ABCD"], r["answer"]) for r in rows]


def score(a):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = torch.device(a.device)
    tok = AutoTokenizer.from_pretrained(a.model)
    t0 = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.bfloat16, attn_implementation="sdpa").to(device)
    model.eval()
    load_s = time.perf_counter() - t0
    questions = read_questions(a.questions)
    letter_id = {L: tok.encode(L, add_special_tokens=False)[0] for L in "ABCD"}
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id

    def render(q):
        text = choice_prompt(q[0], q[1], q[2])
        chat = tok.apply_chat_template([{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True)
        return tok.encode(chat, add_special_tokens=False)

    def run_batch(batch):
        prompts = [render(q) for q in batch]
        t = max(len(p) for p in prompts)
        ids = torch.tensor([p + [pad] * (t - len(p)) for p in prompts], device=device)
        mask = torch.tensor([[1] * len(p) + [0] * (t - len(p)) for p in prompts], device=device)
        hidden = model.model(input_ids=ids, attention_mask=mask).last_hidden_state
        last = hidden[torch.arange(len(batch), device=device), torch.tensor([len(p) - 1 for p in prompts], device=device)]
        logp = torch.log_softmax(model.lm_head(last).float(), dim=-1)
        cand = torch.tensor([[letter_id[L] for L, _ in q[2]] for q in batch], device=device)
        scores = torch.gather(logp, 1, cand).tolist()
        return prompts, scores

    bs = a.batch_size
    with torch.inference_mode():
        run_batch(questions[:bs])  # warm-up: kernels, cuBLAS handles
        if device.type == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        started = time.perf_counter()
        predictions, checksum, tokens = [], 0, 0
        for s in range(0, len(questions), bs):
            batch = questions[s : s + bs]
            prompts, scores = run_batch(batch)
            for q, p, lp in zip(batch, prompts, scores):
                checksum += sum(p)
                tokens += len(p)
                predictions.append("ABCD"[lp.index(max(lp))])
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - started
    correct = sum(p == q[3] for p, q in zip(predictions, questions))
    peak = torch.cuda.max_memory_reserved() / 2**20 if device.type == "cuda" else 0
    result = dict(
        side="transformers",
        questions=len(questions),
        batch_size=bs,
        seconds=round(seconds, 3),
        questions_per_second=round(len(questions) / seconds, 1),
        prompt_tokens=tokens,
        prompt_checksum=checksum,
        accuracy=round(correct / len(questions), 4),
        load_seconds=round(load_s, 1),
        peak_reserved_mib=round(peak),
        versions=dict(torch=torch.__version__, transformers=__import__("transformers").__version__),
    )
    print(json.dumps(result))
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    if a.predictions:
        with open(a.predictions, "w") as f:
            json.dump(predictions, f)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--tokenizer", required=True)
    m.add_argument("--questions", type=int, default=1000)
    m.add_argument("--layers", type=int, default=None)
    m.add_argument("--tiny", action="store_true")
    s = sub.add_parser("score")
    s.add_argument("--model", required=True)
    s.add_argument("--questions", required=True)
    s.add_argument("--batch-size", type=int, default=16)
    s.add_argument("--json", default=None)
    s.add_argument("--predictions", default=None)
    s.add_argument("--device", default="cuda")
    a = p.parse_args()
    make(a) if a.cmd == "make" else score(a)


if __name__ == "__main__":
    main()
