"""Encodes the tokenizers written by write-trained-fixtures.mjs with Python `tokenizers`.

usage: python3 encode_trained_fixtures.py <folder from write-trained-fixtures.mjs> <output .json>

For each tokenizer directory in the folder it records, for every text of texts.json:
  ids            Tokenizer.from_file(...).encode(text, add_special_tokens=False).ids
  ids_special    .encode(text).ids
and, when transformers is installed, ids_transformers: AutoTokenizer.from_pretrained(dir)
(text, add_special_tokens=False)["input_ids"], to show the saved config loads there too.
"""
import json
import os
import sys
import traceback

from tokenizers import Tokenizer


def encode_dir(path, texts):
    tok = Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
    entry = {
        "texts": texts,
        "ids": [tok.encode(t, add_special_tokens=False).ids for t in texts],
        "ids_special": [tok.encode(t).ids for t in texts],
    }
    try:
        from transformers import AutoTokenizer

        auto = AutoTokenizer.from_pretrained(path)
        entry["ids_transformers"] = [auto(t, add_special_tokens=False)["input_ids"] for t in texts]
    except Exception:  # transformers missing or refusing the files: recorded, not fatal
        entry["transformers_error"] = traceback.format_exc(limit=3)
    return entry


def main(src, out):
    with open(os.path.join(src, "texts.json"), encoding="utf-8") as f:
        texts = json.load(f)
    result = {}
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(os.path.join(path, "tokenizer.json")):
            result[name] = encode_dir(path, texts)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print(f"{out}: {', '.join(result)}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
