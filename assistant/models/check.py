"""Does the local model run on this CPU? A generation of a few tokens, in a child process.

`python -m assistant.models.check` (scripts/setup.sh runs it) exits 0 and prints the tokens and
the time, or exits 1 with what went wrong and the fix. The model runs in a child so that an
illegal instruction or a segfault in native code (a llama.cpp built for another CPU) becomes
this message instead of killing the caller.

Non-goals: quality (the evals), speed (benchmarks/llm_bench.py).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from ingest.errors import ModelError
from ingest.settings import load_settings

_CHILD = """
import sys, time
from llama_cpp import Llama
t = time.perf_counter()
llm = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=2, verbose=False)
out = llm("De hoofdstad van Nederland is", max_tokens=4, temperature=0.0)
print(repr(out["choices"][0]["text"]), f"{time.perf_counter() - t:.1f} s")
"""


def check_model(model_path: str, timeout_s: float = 300.0, child: str = _CHILD) -> str:
    """The child's output line; ModelError naming the signal or the error otherwise.
    child: the Python code run in the child with the model path as argv[1]."""
    try:
        done = subprocess.run([sys.executable, "-c", child, model_path], capture_output=True, text=True,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ModelError(f"the local model gave no tokens within {timeout_s:.0f} s") from None
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        raise ModelError(f"the local model crashed with {name} while generating "
                         f"({'an instruction this CPU lacks' if name == 'SIGILL' else 'native code'}): "
                         f"llama-cpp-python was built for another CPU")
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        raise ModelError(f"the local model did not run: {tail}")
    return done.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    from assistant.models.gguf import ensure_gguf

    settings = load_settings()
    t = time.perf_counter()
    try:
        path = ensure_gguf(settings.llm_model, settings.cache_dir)
        line = check_model(str(path))
    except ModelError as e:
        print(f"model check: {e}", file=sys.stderr)
        return 1
    print(f"model check: {settings.llm_model} generates on this CPU: {line} ({time.perf_counter() - t:.1f} s "
          f"with the join)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
