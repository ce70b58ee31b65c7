"""Measure support judges on the labelled calibration set (evals/calibration.jsonl).

    python -m evals.calibrate [--judge agreement|lexical|lexical-e5|qwen|ragas|all] [--limit N]
    python -m evals.calibrate --fit-agreement   # fit the agreement judge's weights (evals/agreement.toml)

Each judge scores every (claim, passage) pair; printed and written to evals/calibration_results.md
(one section per judge, replaced when that judge is re-run): accuracy at the judge's own threshold,
ROC AUC of its scores, the best threshold on this set (in-sample, so optimistic), accuracy per
kind and per language, and the pairs it got wrong. "all" = agreement, lexical, lexical-e5, qwen.
The agreement judge is fitted on this same set, so its section here is in-sample; the fit prints
(and writes into agreement.toml) its grouped cross-validated accuracy and AUC (folds keep the pairs
of one passage together).
Non-goals: tuning the judges themselves, confidence intervals.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError, MboError
from evals.questions import read_objects

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "calibration.jsonl"
DEFAULT_OUT = HERE / "calibration_results.md"
KINDS = {"supported": True, "paraphrase": True, "changed_number": False, "negation": False,
         "wrong_organisation": False, "wrong_year": False, "unrelated": False,
         "wrong_passage": False}  # wrong_passage: a real answer sentence beside a close passage that does not say it
LANGS = ("nl", "en")
REQUIRED = {"id": str, "claim": str, "passage": str, "supported": bool, "kind": str}
OPTIONAL = {"lang": str}


@dataclass(frozen=True)
class Pair:
    id: str
    claim: str
    passage: str
    supported: bool
    kind: str
    lang: str = "nl"


def load_calibration(path: Path | str = DEFAULT_DATA) -> list[Pair]:
    """Read and validate the set; errors name the file, line and field, and say the fix."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"calibration set {str(path)!r} not found. Fix: pass an existing .jsonl file")
    pairs, seen = [], {}
    for where, row in read_objects(path, "the calibration set"):
        n = int(where.rsplit(":", 1)[1])
        unknown = sorted(set(row) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise InputError(f"{where}: unknown field {unknown[0]!r}. Fix: use only "
                             f"{', '.join([*REQUIRED, *OPTIONAL])}")
        for field, typ in REQUIRED.items():
            if field not in row:
                raise InputError(f"{where}: field {field!r} is missing. Fix: add it")
            if not isinstance(row[field], typ) or (typ is str and not row[field].strip()):
                raise InputError(f"{where}: field {field!r} is {row[field]!r}; it must be a non-empty "
                                 f"{typ.__name__}")
        kind, lang = row["kind"], row.get("lang", "nl")
        if kind not in KINDS:
            raise InputError(f"{where}: field 'kind' is {kind!r}. Fix: use one of {', '.join(KINDS)}")
        if row["supported"] != KINDS[kind]:
            raise InputError(f"{where}: field 'supported' is {row['supported']!r} but kind {kind!r} means "
                             f"{KINDS[kind]!r}. Fix: correct the label or the kind")
        if lang not in LANGS:
            raise InputError(f"{where}: field 'lang' is {lang!r}. Fix: use one of {', '.join(LANGS)}")
        if row["id"] in seen:
            raise InputError(f"{where}: field 'id' {row['id']!r} repeats line {seen[row['id']]}. Fix: make ids unique")
        seen[row["id"]] = n
        pairs.append(Pair(row["id"], row["claim"], row["passage"], row["supported"], kind, lang))
    if not pairs:
        raise InputError(f"calibration set {str(path)!r} is empty. Fix: add labelled pairs")
    return pairs


def auc(scores: list[float], labels: list[bool]) -> float:
    """ROC AUC by the Mann-Whitney U statistic: the probability that a random positive scores
    higher than a random negative, ties counting one half.

    Rank all scores together (1 = lowest; tied scores get the mean of the ranks they span);
    with R+ the sum of the positives' ranks, U = R+ - n+(n+ + 1)/2 and AUC = U / (n+ * n-).
    NaN when either class is empty."""
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    n_pos = sum(1 for y in labels if y)
    n_neg = len(labels) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # mean of ranks i+1 .. j+1
        i = j + 1
    r_pos = sum(r for r, y in zip(ranks, labels) if y)
    return (r_pos - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def best_threshold(scores: list[float], labels: list[bool]) -> tuple[float, float]:
    """(threshold, accuracy) maximising accuracy of `score >= threshold` on these pairs."""
    best = (0.5, -1.0)
    for t in sorted(set(scores)):
        acc = sum((s >= t) == y for s, y in zip(scores, labels)) / len(labels)
        if acc > best[1]:
            best = (t, acc)
    return best


def evaluate(judge, pairs: list[Pair]) -> dict:
    """Score every pair; the metrics as a dict (see the module docstring)."""
    rows, start = [], time.perf_counter()
    for p in pairs:
        score = float(judge.score(p.claim, [p.passage]))
        rows.append((p, score, score >= judge.threshold))
    seconds = time.perf_counter() - start
    scores = [s for _, s, _ in rows]
    labels = [p.supported for p, _, _ in rows]
    groups: dict[str, list[bool]] = defaultdict(list)
    for p, _, pred in rows:
        groups[f"kind:{p.kind}"].append(pred == p.supported)
        groups[f"lang:{p.lang}"].append(pred == p.supported)
    t, t_acc = best_threshold(scores, labels)
    cv = []  # 2-fold (even/odd rows): threshold chosen on one half, accuracy measured on the other
    for fit, test in ((0, 1), (1, 0)):
        ft, _ = best_threshold(scores[fit::2], labels[fit::2])
        cv.append(sum((s >= ft) == y for s, y in zip(scores[test::2], labels[test::2])) / len(labels[test::2]))
    return {
        "judge": judge.name, "pairs": len(rows), "threshold": judge.threshold,
        "accuracy": sum(pred == p.supported for p, _, pred in rows) / len(rows),
        "auc": auc(scores, labels), "best_threshold": t, "best_accuracy": t_acc, "cv_accuracy": sum(cv) / 2,
        "ms_per_pair": 1000 * seconds / len(rows),
        "groups": {g: (sum(v) / len(v), len(v)) for g, v in sorted(groups.items())},
        "wrong": [(p.id, p.kind, p.lang, round(s, 3)) for p, s, pred in rows if pred != p.supported],
        "scores": {p.id: s for p, s, _ in rows},
    }


def fit_agreement(pairs: list[Pair], embedder, out: Path, folds: int = 5) -> dict:
    """Fit the agreement judge (evals/agreement.py) on the pairs: standardised features, logistic
    regression (C=1); threshold 0.5. Out-of-fold scores (StratifiedGroupKFold, groups = passage)
    give the honest accuracy and AUC, written beside the weights."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from evals.agreement import FEATURES, AgreementJudge

    probe = AgreementJudge(embedder, weights={"threshold": 0.5})
    x = np.array([[probe.features(p.claim, [p.passage])[f] for f in FEATURES] for p in pairs])
    y = np.array([p.supported for p in pairs])
    groups = [p.passage for p in pairs]

    def model():
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))

    oof = np.zeros(len(pairs))
    for train, held in StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=0).split(x, y, groups):
        oof[held] = model().fit(x[train], y[train]).predict_proba(x[held])[:, 1]
    cv_acc = float(((oof >= 0.5) == y).mean())
    cv_auc = auc(oof.tolist(), y.tolist())
    m = model().fit(x, y)
    scaler, lr = m[0], m[1]
    lines = [f"# Written by python -m evals.calibrate --fit-agreement on {len(pairs)} pairs of the calibration set.",
             f"# Grouped {folds}-fold cross-validated (pairs of one passage kept together): accuracy "
             f"{cv_acc:.3f}, AUC {cv_auc:.3f}.",
             f"features = {json.dumps(list(FEATURES))}",
             f"mean = {json.dumps([round(float(v), 6) for v in scaler.mean_])}",
             f"scale = {json.dumps([round(float(v), 6) for v in scaler.scale_])}",
             f"coef = {json.dumps([round(float(v), 6) for v in lr.coef_[0]])}",
             f"intercept = {float(lr.intercept_[0]):.6f}", "threshold = 0.5",
             f"cv_accuracy = {cv_acc:.4f}", f"cv_auc = {cv_auc:.4f}", f"pairs = {len(pairs)}", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    return {"cv_accuracy": cv_acc, "cv_auc": cv_auc, "coef": dict(zip(FEATURES, lr.coef_[0].round(3)))}


def to_markdown(m: dict) -> str:
    lines = [f"## {m['judge']}", "",
             f"<!-- metrics {json.dumps({k: m[k] for k in ('judge', 'pairs', 'accuracy', 'auc')})} -->", "",
             f"{m['pairs']} pairs, threshold {m['threshold']:.2f}: **accuracy {m['accuracy']:.3f}**, "
             f"**AUC {m['auc']:.3f}**; best threshold on this set {m['best_threshold']:.3f} "
             f"(accuracy {m['best_accuracy']:.3f} in-sample, {m['cv_accuracy']:.3f} 2-fold cross-validated); "
             f"{m['ms_per_pair']:.1f} ms per pair (first includes loading).", "",
             "| group | accuracy | n |", "| --- | --- | --- |"]
    lines += [f"| {g} | {acc:.3f} | {n} |" for g, (acc, n) in m["groups"].items()]
    lines += ["", "Wrong: " + (", ".join(f"{i} ({k}{', en' if lang == 'en' else ''}, {s})"
                                         for i, k, lang, s in m["wrong"]) or "none"), ""]
    return "\n".join(lines)


def write_results(path: Path, sections: dict[str, str]) -> None:
    """Replace or add each judge's section; keep the others; rebuild the summary table."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    kept = dict(re.findall(r"<!-- judge:(\S+) -->\n(.*?)<!-- /judge -->", old, flags=re.S))
    kept.update(sections)
    summary = ["| judge | pairs | accuracy | AUC |", "| --- | --- | --- | --- |"]
    for body in kept.values():
        if found := re.search(r"<!-- metrics (\{.*?\}) -->", body):
            s = json.loads(found.group(1))
            summary.append(f"| {s['judge']} | {s['pairs']} | {s['accuracy']:.3f} | {s['auc']:.3f} |")
    text = ["# Support-judge calibration", "",
            "Written by `python -m evals.calibrate`; data `evals/calibration.jsonl` (labelled Dutch claim/"
            "passage pairs, some English claims; the `real-*` pairs are sentences of real dev answers). AUC: "
            "Mann-Whitney, ties count one half. The agreement judge (the eval's default) is fitted on this set, so "
            "its row is in-sample; its grouped cross-validated accuracy and AUC are in evals/agreement.toml.",
            "", *summary, ""]
    text += [f"<!-- judge:{name} -->\n{body}<!-- /judge -->\n" for name, body in kept.items()]
    path.write_text("\n".join(text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("--judge", default="agreement",
                    choices=["agreement", "lexical", "lexical-e5", "qwen", "ragas", "all"])
    ap.add_argument("--fit-agreement", action="store_true",
                    help="fit the agreement judge on the set (writes evals/agreement.toml), then measure it")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pairs (quick check; not written)")
    ap.add_argument("--scores", type=Path, help="also write every pair's score per judge to this JSON file")
    args = ap.parse_args(argv)
    try:
        from ingest.settings import load_settings
        from evals.judges import build_judge

        pairs = load_calibration(args.data)
        if args.limit:
            pairs = pairs[:args.limit]
        settings = load_settings()
        if args.fit_agreement:
            from assistant.factory import build_embedder
            from evals.agreement import WEIGHTS

            fitted = fit_agreement(pairs, build_embedder(settings), WEIGHTS)
            print(f"agreement judge fitted, written to {WEIGHTS}: grouped 5-fold CV accuracy "
                  f"{fitted['cv_accuracy']:.3f}, AUC {fitted['cv_auc']:.3f}; weights {fitted['coef']}")
        names = ["agreement", "lexical", "lexical-e5", "qwen"] if args.judge == "all" else [args.judge]
        all_scores = {}
        for name in names:  # written after each judge, so a failing later judge keeps the earlier ones
            m = evaluate(build_judge(name, settings), pairs)
            section = to_markdown(m)
            print(section)
            if args.scores:
                all_scores[name] = m["scores"]
                args.scores.write_text(json.dumps(all_scores, indent=1), encoding="utf-8")
            if not args.limit:
                write_results(args.out, {name: section})
                print(f"written to {args.out}")
    except MboError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
