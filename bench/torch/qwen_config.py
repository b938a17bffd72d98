"""Qwen2.5-0.5B's config.json as a transformers Qwen2Config, with a run's sizes: the model the GPU benchmarks'
PyTorch sides build (gpu_train_torch.py, gpu_dpo_torch.py, gpu_serve_torch.py), as bench/lib/gpu-model.ts's
qwenRawConfig is ours. Imported from the scripts' own folder (python3 bench/torch/<script>.py puts it on sys.path).
"""

from transformers import Qwen2Config


def qwen25_config(layers, vocab, hidden=896, intermediate=4864, heads=14, kv_heads=2, **extra):
    # extra: further Qwen2Config fields (gpu_serve_torch.py sets pad_token_id).
    return Qwen2Config(
        attention_dropout=0.0,
        bos_token_id=151643,
        eos_token_id=151643,
        hidden_act="silu",
        hidden_size=hidden,
        initializer_range=0.02,
        intermediate_size=intermediate,
        max_position_embeddings=32768,
        max_window_layers=layers,
        num_attention_heads=heads,
        num_hidden_layers=layers,
        num_key_value_heads=kv_heads,
        rms_norm_eps=1e-6,
        rope_theta=1000000.0,
        sliding_window=32768,
        tie_word_embeddings=True,
        use_cache=True,
        use_sliding_window=False,
        vocab_size=vocab,
        **extra,
    )
