"""Paired comparison of two runs over the same questions: per metric A, B, delta, a p-value and the
questions that flipped.

A run is its per-turn rows (the dicts `results-<config>.json` holds). Turns are paired by id. Pass/fail
outcomes (facts present, abstention correct, hit@1, hit@5) get an exact McNemar test: a two-sided
binomial test on the turns that flipped (scipy.stats.binomtest); MRR@10 gets a paired randomization
(sign-flip) test on the per-turn reciprocal ranks (scipy.stats.permutation_test, exact up to 13 changed
turns). Per-turn retrieval scores come from ranx, each run judged with its own relevant chunks, so two
index builds whose chunk ids differ compare too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from service.evaluation import TurnResult

RETRIEVAL = ("hit_rate@1", "hit_rate@5", "mrr@10")
MCNEMAR = "exact McNemar"
RANDOMIZATION = "paired randomization"


@dataclass(frozen=True)
class Paired:
    """One metric of run B against run A over the turns both judged."""

    metric: str
    n: int
    a: float
    b: float
    p_value: float
    test: str
    worse: tuple[str, ...]  # turns where B does worse than A
    better: tuple[str, ...]

    @property
    def delta(self) -> float:
        return self.b - self.a


def rows_of(results: Iterable[TurnResult]) -> list[dict[str, Any]]:
    """Turn results as the dicts a report folder saves."""
    return [asdict(r) for r in results]


def _mcnemar(a: list[float], b: list[float]) -> float:
    from scipy.stats import binomtest

    better = sum(y > x for x, y in zip(a, b, strict=True))
    worse = sum(y < x for x, y in zip(a, b, strict=True))
    return 1.0 if better + worse == 0 else float(binomtest(better, better + worse, 0.5).pvalue)


def _randomization(a: list[float], b: list[float]) -> float:
    from scipy.stats import permutation_test

    # unchanged turns add 0 to the difference under every sign flip: only the changed ones matter
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if not pairs:
        return 1.0
    xs, ys = np.array(pairs).T
    result = permutation_test((xs, ys), lambda x, y, axis: np.mean(x - y, axis=axis), vectorized=True,
                              permutation_type="samples", n_resamples=9999, rng=np.random.default_rng(0))
    return float(min(1.0, result.pvalue))


def _per_turn_retrieval(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """metric -> turn id -> score, from ranx, over the turns with relevant chunks."""
    from ranx import Qrels, Run, evaluate

    judged = [r for r in rows if r["relevant"] and not r["gold_abstain"]]
    if not judged:
        return {m: {} for m in RETRIEVAL}
    qrels = Qrels({r["qid"]: {cid: 1 for cid in r["relevant"]} for r in judged})
    # ranx needs a score per retrieved chunk: rank order; an empty ranking gets a never-relevant sentinel
    run = Run({r["qid"]: ({cid: float(len(r["retrieved"]) - i) for i, (cid, _) in enumerate(r["retrieved"])}
                          or {"__none__": 0.0}) for r in judged})
    evaluate(qrels, run, list(RETRIEVAL), return_mean=False)
    return {m: {q: float(v) for q, v in run.scores[m].items()} for m in RETRIEVAL}


def _answer_outcomes(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    facts = {r["qid"]: float(not r["abstained"] and not r["facts_missing"]) for r in rows if not r["gold_abstain"]}
    abstention = {r["qid"]: float(bool(r["abstained"]) == bool(r["gold_abstain"])) for r in rows}
    return {"answers facts_present": facts, "answers abstention_correct": abstention}


def _paired(metric: str, a: dict[str, float], b: dict[str, float], test: str,
            p_value: Callable[[list[float], list[float]], float]) -> Paired:
    qids = sorted(set(a) & set(b))
    xs, ys = [a[q] for q in qids], [b[q] for q in qids]
    return Paired(metric, len(qids), float(np.mean(xs)) if qids else 0.0, float(np.mean(ys)) if qids else 0.0,
                  p_value(xs, ys) if qids else 1.0, test, tuple(q for q in qids if b[q] < a[q]),
                  tuple(q for q in qids if b[q] > a[q]))


def compare_runs(a_rows: list[dict[str, Any]], b_rows: list[dict[str, Any]]) -> list[Paired]:
    """Answer and retrieval metrics of run B against run A, paired by turn id."""
    out = []
    answers_a, answers_b = _answer_outcomes(a_rows), _answer_outcomes(b_rows)
    for metric in answers_a:
        out.append(_paired(metric, answers_a[metric], answers_b[metric], MCNEMAR, _mcnemar))
    retrieval_a, retrieval_b = _per_turn_retrieval(a_rows), _per_turn_retrieval(b_rows)
    for metric in RETRIEVAL:
        binary = metric.startswith("hit_rate")
        out.append(_paired(f"retrieval {metric}", retrieval_a[metric], retrieval_b[metric],
                           MCNEMAR if binary else RANDOMIZATION, _mcnemar if binary else _randomization))
    return out


def _flips(p: Paired, limit: int = 12) -> str:
    def ids(qids: tuple[str, ...]) -> str:
        more = f" (+{len(qids) - limit} more)" if len(qids) > limit else ""
        return ", ".join(qids[:limit]) + more

    parts = ([f"worse in B: {ids(p.worse)}"] if p.worse else []) + ([f"better in B: {ids(p.better)}"]
                                                                    if p.better else [])
    return "; ".join(parts) or "no turn changed"


def describe(paired: list[Paired], a_label: str, b_label: str) -> str:
    """A terminal table (A, B, delta, p) and the turns that flipped, per metric."""
    from tabulate import tabulate

    rows = [[p.metric, p.n, f"{p.a:.3f}", f"{p.b:.3f}", f"{p.delta:+.3f}", f"{p.p_value:.3g}", p.test]
            for p in paired]
    table = tabulate(rows, headers=["metric", "turns", "A", "B", "delta", "p", "test"], tablefmt="github",
                     disable_numparse=True)
    flips = "\n".join(f"  {p.metric}: {_flips(p)}" for p in paired)
    return f"Paired comparison, A = {a_label}, B = {b_label}:\n{table}\nFlipped (A -> B):\n{flips}"


def as_json(paired: list[Paired], a_label: str, b_label: str) -> dict[str, Any]:
    return {"a": a_label, "b": b_label, "metrics": [{**asdict(p), "delta": p.delta} for p in paired]}


def render_html(paired: list[Paired], a_label: str, b_label: str) -> str:
    import html

    e = html.escape
    rows = "".join(f"<tr><th>{e(p.metric)}</th><td>{p.n}</td><td>{p.a:.3f}</td><td>{p.b:.3f}</td>"
                   f"<td>{p.delta:+.3f}</td><td>{p.p_value:.3g}</td><td>{e(p.test)}</td>"
                   f"<td>{e(', '.join(p.worse)) or '-'}</td><td>{e(', '.join(p.better)) or '-'}</td></tr>"
                   for p in paired)
    return (f"<h2>Paired comparison</h2><p>A = {e(a_label)}<br>B = {e(b_label)}</p><table class='paired'>"
            "<tr><th>metric</th><th>turns</th><th>A</th><th>B</th><th>delta</th><th>p</th><th>test</th>"
            f"<th>worse in B</th><th>better in B</th></tr>{rows}</table>")
