"""Raw speed of the installed llama-cpp-python build on this CPU: prompt evaluation and
generation tokens/s of the local GGUF, in-process (compare builds by running it with each).

    .venv/bin/python benchmarks/llm_rate.py "AVX2 build"

Prints one line; no assertions. Non-goal: the chain (llm_bench.py) or the server process.
"""

from __future__ import annotations

import sys
import time

from common import REPO


def main(label: str) -> None:
    from llama_cpp import Llama

    from assistant.models.gguf import ensure_gguf
    from ingest.settings import load_settings

    settings = load_settings()
    model = Llama(model_path=str(ensure_gguf(settings.llm_model, settings.cache_dir)), n_ctx=2048,
                  n_threads=settings.llm_threads, n_threads_batch=settings.llm_threads, verbose=False)
    text = sorted((REPO / "corpus").glob("002_*.txt"))[0].read_text(encoding="utf-8")[:2400]
    tokens = model.tokenize(text.encode(), add_bos=True)[:700]
    rates = []
    for _ in range(3):
        model.reset()
        t = time.perf_counter()
        model.eval(tokens)
        rates.append(len(tokens) / (time.perf_counter() - t))
    model.reset()
    model.eval(tokens[:50])
    t = time.perf_counter()
    for _ in range(32):
        model.eval([model.sample()])
    print(f"{label}: {settings.llm_model}, prompt of {len(tokens)} tokens: "
          f"{', '.join(f'{r:.0f}' for r in rates)} tokens/s; generation {32 / (time.perf_counter() - t):.1f} tokens/s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "this build")
