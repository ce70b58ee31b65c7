"""Chat-model backends for "llm" answer mode, as LangChain chat models, and a yes/no judge.

build_chat_model(settings) gives ChatOpenAI (any OpenAI-compatible server), ChatOllama, or
LocalChatModel: the Qwen2.5-Coder-Instruct GGUF from gguf.ensure_gguf run in this process by
llama-cpp-python or by transformers (`gguf_file=`). The loaded model is cached per process and
used under a lock (neither engine is thread-safe). judge_yes_prob(settings, claim, passage)
scores "is the claim supported by the passage" as P(yes) / (P(yes) + P(no)) of the next token.

Non-goals: prompts for answering (the answer module owns them), retries, GPU offload.
"""

from __future__ import annotations

import importlib
import itertools
import math
import threading
from pathlib import Path
from typing import Any, Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from assistant.errors import ConfigError, ModelError
from assistant.settings import Settings

YES = ("yes", "Yes", " yes", " Yes", "YES")
NO = ("no", "No", " no", " No", "NO")
JUDGE_PROMPT = (
    'You are a strict fact checker.\n\nPassage:\n"""\n{passage}\n"""\n\nClaim: {claim}\n\n'
    'Is the claim fully supported by the passage? Answer "yes" only if everything in the claim, including every '
    'number, date, name and condition, is stated in the passage or follows directly from it. Answer "no" if any '
    'part is missing, different or contradicted. Answer with one word: yes or no.')


def _to_dicts(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": {"human": "user", "ai": "assistant"}.get(m.type, m.type), "content": m.text} for m in messages]


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

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        with self.lock:
            self.tokens(messages, max_tokens)
            chunks = self.llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0,
                                                     top_k=1, stream=True)
            try:
                for chunk in chunks:
                    if piece := chunk["choices"][0]["delta"].get("content"):
                        yield piece
            finally:
                chunks.close()

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

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        stop = threading.Event()

        class _Stop(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return stop.is_set()

        with self.lock:
            enc = self._encode(messages, max_tokens)
            streamer = TextIteratorStreamer(self.tok, skip_prompt=True, skip_special_tokens=True)
            errors: list[BaseException] = []

            def run():
                try:
                    with self.torch.inference_mode():
                        self.model.generate(**enc, max_new_tokens=max_tokens, do_sample=False, streamer=streamer,
                                            eos_token_id=self.eos, pad_token_id=self.eos[0],
                                            stopping_criteria=StoppingCriteriaList([_Stop()]))
                except BaseException as e:  # surfaced in the consumer below
                    errors.append(e)
                    streamer.end()

            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            try:
                for piece in streamer:
                    if piece:
                        yield piece
            finally:
                stop.set()
                worker.join()
            if errors:
                raise ModelError(f"transformers generation failed: {errors[0]!r}") from errors[0]

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
    from assistant.gguf import ensure_gguf

    path = ensure_gguf(settings.llm_model, settings.cache_dir)
    key = (settings.llm_engine, str(path), settings.llm_threads, settings.llm_context)
    with _LOAD_LOCK:
        if key not in _ENGINES:
            cls = LlamaCppEngine if settings.llm_engine == "llama-cpp" else TransformersEngine  # Settings checks it
            _ENGINES[key] = cls(path, settings.llm_threads, settings.llm_context)
        return _ENGINES[key]


class LocalChatModel(BaseChatModel):
    """A LangChain chat model over an in-process engine (greedy decoding, token streaming)."""

    model_name: str = "local"
    engine_name: str = "llama-cpp"
    max_tokens: int = 350
    _engine: Any = PrivateAttr(default=None)
    _settings: Settings | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Any = None) -> "LocalChatModel":
        """Loads the engine on first use, unless one (a loaded engine or a fake) is given."""
        m = cls(model_name=settings.llm_model, engine_name=settings.llm_engine, max_tokens=settings.llm_max_tokens)
        m._settings, m._engine = settings, engine
        return m

    @property
    def engine(self):
        self._engine = self._engine or load_engine(self._settings)
        return self._engine

    @property
    def _llm_type(self) -> str:
        return f"mbo-local-{self.engine_name}"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "engine": self.engine_name, "max_tokens": self.max_tokens}

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        stops, text, sent = [s for s in (stop or []) if s], "", 0
        hold = max((len(s) for s in stops), default=1) - 1  # chars kept back until no stop can start there
        pieces = self.engine.stream(_to_dicts(messages), kwargs.get("max_tokens", self.max_tokens))
        try:
            for piece in itertools.chain(pieces, [None]):  # None: the end, flush what was held back
                text += piece or ""
                cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
                end = cut if cut >= 0 else len(text) - (hold if piece is not None else 0)
                if end > sent:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text[sent:end]))
                    if run_manager:
                        run_manager.on_llm_new_token(text[sent:end], chunk=chunk)
                    yield chunk
                    sent = end
                if cut >= 0:
                    return
        finally:
            getattr(pieces, "close", lambda: None)()

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None,
                  **kwargs: Any) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _need(module: str, name: str, backend: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise ConfigError(f"MBO_LLM_BACKEND={backend} needs {module.replace('_', '-')} ({e}). "
                          f"Fix: pip install -e '.[llm]'") from e


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model settings.llm_backend names; nothing is loaded until the first call."""
    backend = settings.llm_backend
    if backend == "local":
        return LocalChatModel.from_settings(settings)
    if backend == "openai":
        ChatOpenAI = _need("langchain_openai", "ChatOpenAI", backend)  # noqa: N806
        key = settings.llm_api_key.get_secret_value()
        if not key and not settings.llm_base_url:
            raise ConfigError("MBO_LLM_BACKEND=openai with no MBO_LLM_BASE_URL and no MBO_LLM_API_KEY. Fix: set "
                              "MBO_LLM_BASE_URL=http://host:port/v1 (a local server) or MBO_LLM_API_KEY")
        return ChatOpenAI(base_url=settings.llm_base_url or None, api_key=key or "not-needed",
                          model=settings.llm_model, timeout=settings.llm_timeout_s, max_tokens=settings.llm_max_tokens,
                          temperature=settings.llm_temperature, streaming=True)
    if backend == "ollama":
        return _need("langchain_ollama", "ChatOllama", backend)(model=settings.llm_model, base_url=settings.llm_base_url or None,
                          temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens,
                          num_ctx=settings.llm_context, client_kwargs={"timeout": settings.llm_timeout_s})
    raise ConfigError(f"MBO_LLM_BACKEND={backend!r}: answer mode 'llm' needs a chat model. Fix: set "
                      f"MBO_LLM_BACKEND=local (in-process GGUF), openai (with MBO_LLM_BASE_URL) or ollama, "
                      f"or use MBO_ANSWER_MODE=extractive")


def yes_probability(model_handle: Any, prompt: str) -> float:
    """P("yes") / (P("yes") + P("no")) as the next token after `prompt` (sent as a user message).
    model_handle: a loaded engine or a LocalChatModel."""
    engine = getattr(model_handle, "engine", model_handle)
    if not hasattr(engine, "yes_probability"):
        raise ModelError(f"{type(model_handle).__name__} gives no next-token log-probs. "
                         f"Fix: judge with MBO_LLM_BACKEND=local (llama-cpp or transformers engine)")
    return engine.yes_probability(prompt)


def judge_yes_prob(settings: Settings, claim: str, passage: str) -> float:
    """How sure the local model is that `claim` is fully supported by `passage` (0..1)."""
    return yes_probability(load_engine(settings), JUDGE_PROMPT.format(claim=claim.strip(), passage=passage.strip()))
