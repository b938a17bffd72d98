"""The Mixtral-shaped GPU bench, transformers' side (bench/gpu/gpu-moe.sh runs both sides in one device run):
MixtralForCausalLM with the same sizes as bench/gpu/gpu-moe.ts, random init, bf16 weights (as MedicalGPT
loads a base for LoRA) with peft LoRA r 8 / alpha 16 on q/k/v/o (fp32 adapters), autocast bf16, fused
AdamW, output_router_logits on (the router's aux loss added with coefficient 0.02), the same ids; then
greedy decoding of `new-tokens` tokens after a 32-token prompt with generate(). Numbers, not a test.

    python3 bench/torch/gpu_moe_torch.py [--layers 8] [--hidden 1024] [--intermediate 1024] [--experts 8]
        [--top-k 2] [--heads 16] [--kv-heads 8] [--vocab 32000] [--batch 4] [--seq 512] [--warmup 2]
        [--steps 5] [--new-tokens 32] [--json FILE]
"""

import argparse
import json
import time

import peft
import torch
import transformers
from transformers import MixtralConfig, MixtralForCausalLM


def main():
    p = argparse.ArgumentParser()
    for name, default in [("layers", 8), ("hidden", 1024), ("intermediate", 1024), ("experts", 8), ("top-k", 2),
                          ("heads", 16), ("kv-heads", 8), ("vocab", 32000), ("batch", 4), ("seq", 512),
                          ("warmup", 2), ("steps", 5), ("new-tokens", 32)]:
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--json", default=None)
    p.add_argument("--device", default="cuda")
    p.add_argument("--backend", default=None)
    p.add_argument("--matmul", default=None)
    a = p.parse_args()
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"

    def report(result):
        line = json.dumps(dict(bench="gpu-moe", stack="transformers", torch=torch.__version__,
                               transformers=transformers.__version__, **result))
        print(line, flush=True)
        if a.json:
            with open(a.json, "a") as f:
                f.write(line + "\n")

    config = MixtralConfig(
        vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.intermediate, num_hidden_layers=a.layers,
        num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, num_local_experts=a.experts,
        num_experts_per_tok=a.top_k, max_position_embeddings=4096, rope_theta=1e6, rms_norm_eps=1e-5,
        tie_word_embeddings=False, router_aux_loss_coef=0.02, output_router_logits=True,
    )
    torch.manual_seed(0)
    model = MixtralForCausalLM(config).to(torch.bfloat16).to(dev)
    model.config._attn_implementation = "sdpa"
    model = peft.get_peft_model(model, peft.LoraConfig(
        r=8, lora_alpha=16, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        task_type="CAUSAL_LM"))
    for n_, prm in model.named_parameters():
        if prm.requires_grad:
            prm.data = prm.data.float()
    model.train()
    params = sum(prm.numel() for prm in model.parameters())
    trainable = [prm for prm in model.parameters() if prm.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=1e-5, weight_decay=0.0, fused=cuda)
    ids = ((torch.arange(a.batch * a.seq, device=dev) * 7919 + 13) % a.vocab).reshape(a.batch, a.seq)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(dev.type, dtype=torch.bfloat16):
            loss = model(input_ids=ids, labels=ids).loss  # includes router_aux_loss_coef * aux_loss
        loss.backward()
        opt.step()
        return loss.item()

    losses = [step() for _ in range(a.warmup)]
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    print(f"train: steps {' '.join(f'{t * 1000:.0f}' for t in times)} ms; losses {' '.join(f'{x:.4f}' for x in losses)}")
    report(dict(mode="lora-train", params=params, trainable=sum(x.numel() for x in trainable), batch=a.batch,
                seq=a.seq, stepMsMean=round(mean * 1000, 1), tokensPerSec=round(a.batch * a.seq / mean),
                firstLoss=losses[0], lastLoss=losses[-1],
                peakMiB=round(torch.cuda.max_memory_reserved() / 2**20) if cuda else 0))
    model.eval()
    prompt = torch.tensor([[(j * 104729 + 7) % a.vocab for j in range(32)]], device=dev)
    with torch.inference_mode():
        model.generate(prompt, max_new_tokens=2, min_new_tokens=2, do_sample=False)
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        model.generate(prompt, max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, do_sample=False)
        if cuda:
            torch.cuda.synchronize()
        ms = (time.perf_counter() - t0) * 1000
    print(f"decode: {a.new_tokens} tokens in {ms:.0f} ms")
    report(dict(mode="decode", newTokens=a.new_tokens, tokensPerSec=round(a.new_tokens / ms * 1000, 1)))


if __name__ == "__main__":
    main()
