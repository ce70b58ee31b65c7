"""Benchmark of the local chat-model engines (llama-cpp vs transformers) on this machine.

Measures, per engine and model: load time, time to first token, decode tokens/s on five ~1500-token
Dutch RAG prompts (numbered sources + question, answer with [n] citations, 150 new tokens at most),
and writes the answers next to the numbers for reading. Sources are picked from corpus/*.txt by
plain word overlap with the question, so the script needs no index. One question is not answerable.

    .venv/bin/python benchmarks/llm_bench.py                   # all four runs, one process each
    .venv/bin/python benchmarks/llm_bench.py --engine llama-cpp --model qwen2.5-coder-0.5b-instruct-q4

Non-goal: answer-quality scoring (that is the evals' job); quality here is for eyeballing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MODELS = ["qwen2.5-coder-0.5b-instruct-q4", "qwen2.5-coder-1.5b-instruct-q4"]
ENGINES = ["llama-cpp", "transformers"]
SYSTEM = ("Je beantwoordt vragen over het Nederlandse mbo-beleid. Gebruik uitsluitend de genummerde bronnen. "
          "Zet achter elke bewering het nummer van de bron tussen vierkante haken, bijvoorbeeld [2]. "
          "Antwoord in het Nederlands, in hooguit vijf zinnen. Staat het antwoord niet in de bronnen, "
          "antwoord dan alleen: Dat staat niet in de documenten.")
QUESTIONS = [
    ("Hoeveel mensen staan volgens de MBO Raad langs de kant, en wat kunnen mbo-scholen voor hen doen?", "1 miljoen"),
    ("Hoe hoog was de werkloosheid onder mbo-bol studenten in 2014 en in 2016?", "13%"),
    ("Welk bestuursakkoord sloot de MBO Raad met de minister, en voor welke jaren?", "Trots, vertrouwen en lef"),
    ("Met welke partijen werkt de MBO Raad samen aan de Werkagenda 2023-2027?", "SBB"),
    ("Hoeveel bedraagt het lesgeld voor een bbl-opleiding in het studiejaar 2030-2031?", None),
]
NOT_IN_DOCS = "Dat staat niet in de documenten"


def chunks(corpus: Path, size: int = 1000) -> list[str]:
    out = []
    for f in sorted(corpus.glob("*.txt")):
        text = re.sub(r"\s+", " ", f.read_text(encoding="utf-8"))
        out += [text[i:i + size].strip() for i in range(0, len(text), size)]
    return out


def sources_for(question: str, pieces: list[str], must: str | None, n: int = 5) -> list[str]:
    words = {w for w in re.findall(r"\w+", question.lower()) if len(w) > 3}
    ranked = sorted(pieces, key=lambda p: -len(words & set(re.findall(r"\w+", p.lower()))))
    top = ranked[:n]
    if must and not any(must in p for p in top):
        top = [next(p for p in pieces if must in p)] + top[:n - 1]
    return top


def prompt(question: str, sources: list[str]) -> str:
    numbered = "\n\n".join(f"[{i}] {s}" for i, s in enumerate(sources, 1))
    return f"Bronnen:\n\n{numbered}\n\nVraag: {question}"


def run_one(engine: str, model: str, max_new: int, n_prompts: int = len(QUESTIONS)) -> dict:
    from langchain_core.messages import HumanMessage, SystemMessage

    from assistant.llm import LocalChatModel, load_engine
    from assistant.settings import Settings

    settings = Settings(llm_backend="local", llm_engine=engine, llm_model=model, llm_max_tokens=max_new)
    t0, c0 = time.perf_counter(), time.process_time()
    eng = load_engine(settings)
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    chat = LocalChatModel.from_settings(settings, engine=eng)
    count = (lambda s: len(eng.llm.tokenize(s.encode(), add_bos=False))) if engine == "llama-cpp" else \
        (lambda s: len(eng.tok.encode(s, add_special_tokens=False)))
    as_dicts = lambda msgs: [{"role": "system" if m.type == "system" else "user", "content": m.text} for m in msgs]  # noqa
    n_prompt = (lambda msgs: len(eng.tokens(as_dicts(msgs)))) if engine == "llama-cpp" else \
        (lambda msgs: int(eng._encode(as_dicts(msgs), 0)["input_ids"].shape[1]))
    pieces, rows = chunks(settings.corpus_dir), []
    for question, must in QUESTIONS[:n_prompts]:
        user = prompt(question, sources_for(question, pieces, must))
        msgs = [SystemMessage(SYSTEM), HumanMessage(user)]
        t, cpu, first, text = time.perf_counter(), time.process_time(), None, ""
        for c in chat.stream(msgs):
            if first is None and c.text:
                first = time.perf_counter() - t
            text += c.text
        total, cpu = time.perf_counter() - t, time.process_time() - cpu
        n_out = count(text)
        rows.append({"question": question, "expect": must, "prompt_tokens": n_prompt(msgs),
                     "first_token_s": round(first or total, 2), "total_s": round(total, 2), "cpu_s": round(cpu, 2), "new_tokens": n_out,
                     "decode_tok_s": round((n_out - 1) / max(total - (first or total), 1e-6), 2),
                     "load_avg_1m": round(os.getloadavg()[0], 2), "cites": bool(re.search(r"\[\d+\]", text)), "says_not_in_docs": NOT_IN_DOCS in text,
                     "answer": text})
        print(f"  {engine} {model}: ttft {rows[-1]['first_token_s']}s, {rows[-1]['decode_tok_s']} tok/s", flush=True)
    return {"engine": engine, "model": model, "load_s": round(load_s, 2), "load_cpu_s": round(load_cpu, 2), "rows": rows,
            "other_busy_procs": busy_others()}


def busy_others() -> list[str]:
    """Other processes using CPU right now: the machine is shared, so numbers need this context."""
    out = subprocess.run(["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True)
    me = str(os.getpid())
    return [line.strip()[:100] for line in out.stdout.splitlines()[:6]
            if float(line.split()[1]) > 20 and line.split()[0] != me]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=ENGINES)
    ap.add_argument("--model", choices=MODELS)
    ap.add_argument("--max-new", type=int, default=150)
    ap.add_argument("--prompts", type=int, default=len(QUESTIONS), help="use the first N questions only")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "llm_results.json")
    args = ap.parse_args()
    if args.engine and args.model:
        res = run_one(args.engine, args.model, args.max_new, args.prompts)
        results = json.loads(args.out.read_text()) if args.out.exists() else []
        results = [r for r in results if (r["engine"], r["model"]) != (args.engine, args.model)] + [res]
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        rows = res["rows"]
        print(f"{args.engine} {args.model}: load {res['load_s']}s, "
              f"ttft {sum(r['first_token_s'] for r in rows) / len(rows):.1f}s, "
              f"{sum(r['decode_tok_s'] for r in rows) / len(rows):.1f} tok/s")
        return
    for model in MODELS:  # one process per run: clean memory, clean thread settings
        for engine in ENGINES:
            subprocess.run([sys.executable, __file__, "--engine", engine, "--model", model,
                            "--max-new", str(args.max_new), "--prompts", str(args.prompts), "--out", str(args.out)],
                           check=True)


if __name__ == "__main__":
    main()
