"""Failure triage: why each failing question failed, as the first pipeline stage that went wrong.

A turn fails when an in-scope question is abstained on or its answer lacks a fact, or when an
out-of-scope question is answered. Its class, checked in pipeline order (the first that applies):

1. `follow-up rewrite`: a follow-up turn with no relevant chunk in the answer's top k, while the
   suite's `standalone` question, asked on its own in the same mode, has one in its top k.
2. `retrieval miss`: no relevant chunk in the answer's top k, and none quoted.
3. `wrong abstention`: abstained although a relevant chunk was in the top k, or answered an
   out-of-scope question.
4. `wrong unit chosen`: answered, a relevant chunk was at rank 1 or is quoted, yet facts are missing.
5. `relevant chunk below rank 1`: answered, the first relevant chunk is at rank 2..k and not quoted.

"Top k" is the passages the answer was given (settings.top_k).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.evaluation import TurnResult

REWRITE = "follow-up rewrite"
RETRIEVAL_MISS = "retrieval miss"
WRONG_ABSTENTION = "wrong abstention"
WRONG_UNIT = "wrong unit chosen"
BELOW_RANK_1 = "relevant chunk below rank 1"
CLASSES = (REWRITE, RETRIEVAL_MISS, WRONG_ABSTENTION, WRONG_UNIT, BELOW_RANK_1)


@dataclass(frozen=True)
class Failure:
    """One failing turn, its class and what a maintainer needs to see to act on it."""

    qid: str
    category: str
    kind: str  # one of CLASSES
    failed: str  # "facts missing", "false abstention" or "answered out-of-scope"
    note: str  # why this class, in words
    question: str
    standalone: str
    evidence: tuple[str, ...]
    relevant_rank: int | None  # 1-based rank of the first relevant chunk retrieved (None: not in the ranking)
    relevant_passage: str
    answer: str
    reason: str
    support: float


def _rank(n: int | None) -> str:
    return "not retrieved" if n is None else f"rank {n + 1}"


def what_failed(r: TurnResult) -> str:
    """'' when the turn passed, else how it failed."""
    if r.gold_abstain:
        return "" if r.abstained else "answered out-of-scope"
    if r.abstained:
        return "false abstention"
    return "facts missing" if r.facts_missing else ""


def classify(r: TurnResult) -> tuple[str, str] | None:
    """(class, note) of a failing turn; None when it passed."""
    failed = what_failed(r)
    if not failed:
        return None
    if r.gold_abstain:
        return WRONG_ABSTENTION, f"answered an out-of-scope question (support {r.support:.2f})"
    # ranks among the passages the answer was given (the fused top_k; the metrics read the reranked search)
    first = r.answer_hit if r.passages else r.first_hit
    in_top = first is not None and first < r.top_k
    quoted = [c for c in r.cited if c in r.relevant]
    alone = r.standalone_first_hit
    if r.followup and not in_top and alone is not None and alone < r.top_k:
        return REWRITE, (f"asked as {r.standalone!r}: no relevant chunk in the top {r.top_k}; the suite's "
                         f"standalone {r.gold_standalone!r} finds one at {_rank(alone)}")
    if not in_top and not quoted:
        return RETRIEVAL_MISS, f"no relevant chunk in the top {r.top_k} (first relevant: {_rank(r.first_hit)})"
    if r.abstained:
        return WRONG_ABSTENTION, f"abstained ({r.reason or 'no reason'}) with a relevant chunk at {_rank(first)}"
    missing = "; ".join(" / ".join(f) for f in r.facts_missing)
    if first == 0 or quoted:
        where = "quoted" if quoted else "at rank 1, not quoted"
        return WRONG_UNIT, f"relevant chunk {where}; the answer lacks: {missing}"
    return BELOW_RANK_1, f"first relevant chunk at {_rank(first)}, not quoted; the answer lacks: {missing}"


def triage(results: list[TurnResult]) -> list[Failure]:
    """Every failing turn with its class, in the order of CLASSES, then by question id."""
    out = []
    for r in results:
        found = classify(r)
        if found is None:
            continue
        kind, note = found
        out.append(Failure(r.qid, r.category, kind, what_failed(r), note, r.question, r.standalone,
                           tuple(r.evidence), None if r.first_hit is None else r.first_hit + 1, r.relevant_passage,
                           r.answer, r.reason, r.support))
    return sorted(out, key=lambda f: (CLASSES.index(f.kind), f.qid))


def count(failures: list[Failure]) -> dict[str, int]:
    """Failures per class, every class listed."""
    counts = Counter(f.kind for f in failures)
    return {k: counts.get(k, 0) for k in CLASSES}
