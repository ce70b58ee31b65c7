"""In-process GGUF engines for next-token probabilities: the Qwen P(yes) judge of the evals.

judge_yes_prob(settings, claim, passage) scores "is the claim supported by the passage" as
P(yes) / (P(yes) + P(no)) of the next token, with llama-cpp-python or transformers loading the
GGUF from gguf.ensure_gguf in this process (one model per process, used under a lock).

Non-goals: answering. Answers in llm mode go through an OpenAI-compatible server (chat.py), for
the local model a supervised process of its own (server.py), so a native crash cannot take the
app down; this module is only for evaluation runs, which have no users to protect.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from ingest.errors import ModelError
from assistant.models.prompts import render
from ingest.settings import Settings

YES = ("yes", "Yes", " yes", " Yes", "YES")
NO = ("no", "No", " no", " No", "NO")



def _yes_share(logit_of) -> float:
    """P(yes) / (P(yes) + P(no)); logit_of(spellings) gives the next-token logits of those spellings that
    are one token (any common offset cancels, so logits need no normalising)."""
    yes, no = logit_of(YES), logit_of(NO)
    if not yes or not no:
        raise ModelError("the model's vocabulary has no one-token 'yes'/'no'. Fix: judge with a Qwen2.5 GGUF")
    top = max(yes + no)
    py, pn = sum(math.exp(x - top) for x in yes), sum(math.exp(x - top) for x in no)
    return py / (py + pn)


def _too_long(n: int, max_tokens: int, n_ctx: int) -> ModelError:
    return ModelError(f"prompt of {n} tokens + {max_tokens} answer tokens does not fit the context of "
                      f"{n_ctx} tokens. Fix: raise MBO_LLM_CONTEXT or lower MBO_RETRIEVE_K / MBO_CHUNK_SIZE")


class LlamaCppEngine:
    """llama-cpp-python over a GGUF file; the chat template comes from the file's metadata."""

    def __init__(self, path: Path, n_threads: int, n_ctx: int):
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as e:
            raise ModelError(f"llama-cpp-python is not installed ({e}). Fix: pip install -e '.[llm]' "
                             f"or set MBO_LLM_ENGINE=transformers") from e
        self.lock, self.n_ctx = threading.Lock(), n_ctx
        self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads or None,
                         n_threads_batch=n_threads or None, verbose=False)
        meta = self.llm.metadata
        if "tokenizer.chat_template" not in meta:
            raise ModelError(f"{path} has no tokenizer.chat_template. Fix: use an instruct GGUF with a chat template")
        text = lambda key: self.llm.detokenize([int(meta[key])], special=True).decode() if key in meta else ""  # noqa
        self._format = Jinja2ChatFormatter(template=meta["tokenizer.chat_template"], add_generation_prompt=True,
                                           eos_token=text("tokenizer.ggml.eos_token_id"),
                                           bos_token=text("tokenizer.ggml.bos_token_id"))

    def tokens(self, messages: list[dict], max_tokens: int = 0) -> list[int]:
        formatted = self._format(messages=messages)
        ids = self.llm.tokenize(formatted.prompt.encode(), add_bos=not formatted.added_special, special=True)
        if len(ids) + max_tokens > self.n_ctx:
            raise _too_long(len(ids), max_tokens, self.n_ctx)
        return ids

    def yes_probability(self, prompt: str) -> float:
        import llama_cpp
        import numpy as np

        with self.lock:
            ids = self.tokens([{"role": "user", "content": prompt}], 1)
            self.llm.reset()
            self.llm.eval(ids)  # keeps only the last position's logits (logits_all=False)
            row = llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
            logits = np.ctypeslib.as_array(row, shape=(self.llm.n_vocab(),)).astype(np.float64)
        return _yes_share(lambda words: [float(logits[t[0]]) for w in words
                                         if len(t := self.llm.tokenize(w.encode(), add_bos=False)) == 1])


class TransformersEngine:
    """transformers loading the same GGUF (dequantised to float32 on load; needs the gguf package)."""

    def __init__(self, path: Path, n_threads: int, n_ctx: int):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if n_threads > 0:
            torch.set_num_threads(n_threads)  # process-wide, as torch has no per-model setting
        self.torch, self.lock, self.n_ctx = torch, threading.Lock(), n_ctx
        where = dict(pretrained_model_name_or_path=str(path.parent), gguf_file=path.name, local_files_only=True)
        try:
            self.tok = AutoTokenizer.from_pretrained(**where)
            self.model = AutoModelForCausalLM.from_pretrained(**where, dtype=torch.float32).eval()
        except (ImportError, ValueError) as e:  # transformers asks for gguf / accelerate with ValueError too
            raise ModelError(f"transformers cannot load {path}: {e}. Fix: pip install -e '.[llm]' "
                             f"(installs gguf and accelerate)") from e
        self.eos = [i for i in {self.tok.eos_token_id, self.tok.convert_tokens_to_ids("<|im_end|>")}
                    if isinstance(i, int) and i >= 0]

    def _encode(self, messages: list[dict], max_tokens: int):
        text = self.tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        enc = self.tok(text, return_tensors="pt", add_special_tokens=False)
        if enc["input_ids"].shape[1] + max_tokens > self.n_ctx:
            raise _too_long(enc["input_ids"].shape[1], max_tokens, self.n_ctx)
        return enc

    def yes_probability(self, prompt: str) -> float:
        with self.lock, self.torch.inference_mode():
            enc = self._encode([{"role": "user", "content": prompt}], 1)
            logits = self.model(**enc).logits[0, -1].double()
        return _yes_share(lambda words: [float(logits[t[0]]) for w in words
                                         if len(t := self.tok.encode(w, add_special_tokens=False)) == 1])


_ENGINES: dict[tuple, Any] = {}  # one loaded model per (engine, file, threads, context) in this process
_LOAD_LOCK = threading.Lock()


def load_engine(settings: Settings) -> LlamaCppEngine | TransformersEngine:
    """The process-wide engine for settings.llm_model / llm_engine (loaded on first call)."""
    from assistant.models.gguf import ensure_gguf

    path = ensure_gguf(settings.llm_model, settings.cache_dir)
    key = (settings.llm_engine, str(path), settings.llm_threads, settings.llm_context)
    with _LOAD_LOCK:
        if key not in _ENGINES:
            cls = LlamaCppEngine if settings.llm_engine == "llama-cpp" else TransformersEngine  # Settings checks it
            _ENGINES[key] = cls(path, settings.llm_threads, settings.llm_context)
        return _ENGINES[key]


def yes_probability(engine: Any, prompt: str) -> float:
    """P("yes") / (P("yes") + P("no")) as the next token after `prompt` (sent as a user message).
    engine: a loaded engine (load_engine)."""
    if not hasattr(engine, "yes_probability"):
        raise ModelError(f"{type(engine).__name__} gives no next-token log-probs. "
                         f"Fix: judge with a local GGUF engine (MBO_LLM_ENGINE=llama-cpp or transformers)")
    return engine.yes_probability(prompt)


def judge_yes_prob(settings: Settings, claim: str, passage: str) -> float:
    """How sure the local model is that `claim` is fully supported by `passage` (0..1)."""
    return yes_probability(load_engine(settings), render("judge", claim=claim.strip(), passage=passage.strip()))
