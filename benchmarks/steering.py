"""How well ingest/steering.py finds sentences addressed to the assistant:

    .venv/bin/python benchmarks/steering.py train     # tuning
    .venv/bin/python benchmarks/steering.py test      # reporting only, never for tuning

Prints recall on the positives (per wording kind), false positives on the hard negatives, and
false positives over every sentence of the bundled corpus (the target there is 0). The sets in
evals/steering/ were written by a helper session that never saw the detector. No assertions.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from common import REPO


def main(split: str) -> int:
    from ingest.manifest import read_manifest
    from ingest.pipeline import discover
    from ingest.settings import load_settings
    from ingest.steering import looks_like_steering
    from ingest.text import split_sentences
    from ingest.clean import clean
    from ingest.load import load

    folder = REPO / "evals" / "steering"
    for sign in ("pos", "neg"):
        rows = [json.loads(line) for line in (folder / f"{split}_{sign}.jsonl").read_text("utf-8").splitlines() if line]
        flagged = [looks_like_steering(r["text"]) for r in rows]
        total, kinds = Counter(r["kind"] for r in rows), Counter(r["kind"] for r, f in zip(rows, flagged) if f)
        what = "recall" if sign == "pos" else "flagged (false positives)"
        print(f"{split} {sign}: {what} {sum(flagged)}/{len(rows)} = {sum(flagged) / len(rows):.3f}; "
              + ", ".join(f"{k} {kinds[k]}/{n}" for k, n in sorted(total.items())))
        if "-v" in sys.argv:
            for r, f in zip(rows, flagged):
                if f != (sign == "pos"):
                    print("   MISS" if sign == "pos" else "   FP", r["kind"], r["text"])
    load_settings()  # the same settings the ingest uses (fails clearly on a bad MBO_ variable)
    corpus = REPO / "corpus"
    manifest = read_manifest(corpus)
    sentences = fps = 0
    for path, _ in discover([corpus]):
        doc = clean(load(path, manifest.get(path.name)))
        for a, b in split_sentences(doc.text):
            sentence = doc.text[a:b].strip()
            if sentence:
                sentences += 1
                if looks_like_steering(sentence):
                    fps += 1
                    print("   corpus FP:", path.name, sentence[:160])
    print(f"corpus: flagged {fps} of {sentences} real sentences")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    sys.exit(main(args[0] if args else "train"))
