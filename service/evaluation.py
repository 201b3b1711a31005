"""Evaluation as data: suites of questions with gold evidence, qrels/runs, metrics per configuration.

A suite is JSONL (format in eval/README.md). A chunk is relevant to a turn when it contains one of
the turn's evidence quotes, so judgements survive re-chunking.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from service.assistant import Assistant
from service.conversation import Turn

# suites are read and checked in service.suites; re-exported here for callers of the evaluation API
from service.suites import CATEGORIES, EvalError, GoldTurn, Item, load_suite, load_thresholds, normalize  # noqa: F401

logger = logging.getLogger(__name__)

RETRIEVAL_METRICS = ("hit_rate@1", "hit_rate@3", "hit_rate@5", "hit_rate@10", "recall@5", "recall@10",
                     "mrr@10", "ndcg@10")


@dataclass(frozen=True)
class Config:
    """One system variant to measure: a retrieval mode, with or without follow-up rewriting."""

    name: str
    mode: str
    rewrite: bool


CONFIGS = {c.name: c for c in (
    Config("bm25", "bm25", True),
    Config("dense", "dense", True),
    Config("hybrid", "hybrid", False),
    Config("hybrid+rewrite", "hybrid", True),
)}
PRIMARY = "hybrid+rewrite"


@dataclass
class TurnResult:
    qid: str
    item: str
    category: str
    followup: bool
    question: str
    standalone: str
    gold_abstain: bool
    relevant: list[str]
    retrieved: list[tuple[str, float]]
    answer: str
    abstained: bool
    facts_missing: list[list[str]] = field(default_factory=list)
    citation_problems: list[str] = field(default_factory=list)
    latency_ms: float = 0.0
    reason: str = ""  # why roleqa abstained
    support: float = 0.0
    # for failure triage (service.triage): what the suite says, what the answer read and quoted
    evidence: list[str] = field(default_factory=list)
    gold_standalone: str = ""  # the suite's `standalone` (the question itself when not given)
    top_k: int = 5  # settings.top_k; `retrieved` goes deeper, for the metrics
    passages: list[str] = field(default_factory=list)  # chunk ids of the passages the answer was given
    cited: list[str] = field(default_factory=list)  # chunk ids of the answer's citations
    relevant_passage: str = ""  # text of the best-ranked relevant chunk retrieved (or cited)
    # follow-ups: first relevant rank among the top_k passages the suite's standalone question retrieves
    standalone_first_hit: int | None = None

    @property
    def first_hit(self) -> int | None:
        return next((i for i, (cid, _) in enumerate(self.retrieved) if cid in self.relevant), None)

    @property
    def answer_hit(self) -> int | None:
        """First relevant rank among the passages the answer was given."""
        return next((i for i, cid in enumerate(self.passages) if cid in self.relevant), None)


def relevant_chunks(assistant: Assistant, evidence: tuple[str, ...]) -> list[str]:
    quotes = [normalize(e) for e in evidence]
    return [c.id for c in assistant.index.chunks if any(q in normalize(c.context_text(False)) for q in quotes)]


def check_citations(answer: str, citations: list[dict]) -> list[str]:
    """Problems with an answer's citations: markers without a citation, quotes not in their passage."""
    problems = []
    numbers = {c["n"] for c in citations}
    for marker in sorted({int(m) for m in re.findall(r"\[(\d+)\]", answer)}):
        if marker not in numbers:
            problems.append(f"[{marker}] has no citation")
    for c in citations:
        if normalize(c["quote"]) not in normalize(c["text"]):
            problems.append(f"[{c['n']}] quote is not in its passage")
    return problems


def run_config(assistant: Assistant, items: list[Item], config: Config, k: int = 10) -> list[TurnResult]:
    """Ask every turn of every item under `config`; follow-ups get the earlier turns as history.

    The answer is given `settings.top_k` passages, as in serving; the retrieval metrics read the ranking
    /api/search returns, `k` deep (`Assistant.search`: the fused passages and those the answerer reads beyond
    them, in the order of their best answer unit).
    """
    results = []
    top_k = assistant.settings.top_k
    depth = max(k, top_k)
    assistant.retriever.clear_cache()  # latencies include embedding every question once
    chunk_text = {c.id: c.text for c in assistant.index.chunks}
    for item in items:
        history: list[Turn] = []
        for i, gold in enumerate(item.turns):
            started = time.perf_counter()
            answer = assistant.ask(gold.question, history if config.rewrite else (), top_k=top_k, mode=config.mode)
            latency = (time.perf_counter() - started) * 1000
            _, ranking = assistant.search(answer.standalone_question, (), depth, config.mode)
            relevant = relevant_chunks(assistant, gold.evidence)
            cits = [asdict(c) for c in answer.citations]
            text = answer.answer.lower()
            result = TurnResult(
                qid=f"{item.id}.{i + 1}", item=item.id, category=item.category, followup=i > 0,
                question=gold.question, standalone=answer.standalone_question, gold_abstain=gold.abstain,
                relevant=relevant, retrieved=[(p.chunk.id, p.score) for p in ranking], answer=answer.answer,
                abstained=answer.abstained,
                facts_missing=[list(f) for f in gold.facts if not any(alt.lower() in text for alt in f)],
                citation_problems=check_citations(answer.answer, cits), latency_ms=latency,
                reason=answer.reason, support=round(answer.support, 4),
                evidence=list(gold.evidence), gold_standalone=gold.standalone, top_k=top_k,
                passages=[p.chunk.id for p in answer.passages], cited=[c.chunk_id for c in answer.citations],
            )
            shown = [cid for cid, _ in result.retrieved if cid in relevant] + [c for c in result.cited if c in relevant]
            result.relevant_passage = chunk_text[shown[0]] if shown else ""
            if result.followup and relevant:
                # the suite's standalone question asked on its own: did the rewrite lose what it would find?
                _, alone = assistant.search(gold.standalone, (), top_k, config.mode)
                result.standalone_first_hit = next(
                    (n for n, p in enumerate(alone) if p.chunk.id in relevant), None)
            results.append(result)
            history += [Turn("user", gold.question), Turn("assistant", answer.answer)]
    return results


def retrieval_metrics(results: list[TurnResult], name: str) -> tuple[dict[str, float], dict]:
    """ranx metrics over the turns that have relevant chunks, plus the qrels/run to save or compare."""
    from ranx import Qrels, Run, evaluate

    judged = [r for r in results if r.relevant and not r.gold_abstain]
    if not judged:
        return {}, {}
    qrels = Qrels({r.qid: {cid: 1 for cid in r.relevant} for r in judged})
    # ranx needs a score per retrieved doc; an empty run gets a sentinel that is never relevant
    run = Run({r.qid: ({cid: float(len(r.retrieved) - i) for i, (cid, _) in enumerate(r.retrieved)}
                       or {"__none__": 0.0}) for r in judged}, name=name)
    scores = evaluate(qrels, run, list(RETRIEVAL_METRICS))
    return {m: float(v) for m, v in scores.items()}, {"qrels": qrels, "run": run}


def answer_metrics(results: list[TurnResult]) -> dict[str, float]:
    in_scope = [r for r in results if not r.gold_abstain]
    oos = [r for r in results if r.gold_abstain]
    answered = [r for r in in_scope if not r.abstained]
    abstained = [r for r in results if r.abstained]
    true_abst = sum(r.gold_abstain for r in abstained)
    lat = np.array([r.latency_ms for r in results]) if results else np.zeros(1)
    precision = true_abst / len(abstained) if abstained else 1.0
    recall = true_abst / len(oos) if oos else 1.0
    return {
        "facts_present": sum(not r.facts_missing and not r.abstained for r in in_scope) / max(len(in_scope), 1),
        "concise": sum(len(r.answer.split()) <= 80 for r in answered) / max(len(answered), 1),
        "citation_correct": sum(not r.citation_problems for r in answered) / max(len(answered), 1),
        "abstention_precision": precision,
        "abstention_recall": recall,
        "abstention_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "false_abstention": sum(r.abstained for r in in_scope) / max(len(in_scope), 1),
        "latency_p50_ms": float(np.percentile(lat, 50)),
        "latency_p90_ms": float(np.percentile(lat, 90)),
        "latency_p99_ms": float(np.percentile(lat, 99)),
    }


def summarize(results: list[TurnResult], name: str) -> tuple[dict[str, dict[str, float]], dict]:
    """Metric groups for one config: single questions, follow-ups, each category, answers."""
    single = [r for r in results if not r.followup]
    follow = [r for r in results if r.followup]
    groups: dict[str, dict[str, float]] = {}
    groups["retrieval.single"], ranx_data = retrieval_metrics(single, name)
    groups["retrieval.followup"], _ = retrieval_metrics(follow, name)
    groups["retrieval.all"], all_data = retrieval_metrics(results, name)
    for category in CATEGORIES:
        subset = [r for r in results if r.category == category]
        if subset and category != "out_of_scope":
            groups[f"category.{category}"] = {
                **retrieval_metrics(subset, name)[0], "facts_present": answer_metrics(subset)["facts_present"]}
    groups["answers"] = answer_metrics(results)
    return groups, all_data or ranx_data


def check_gate(summary: dict[str, dict[str, float]], thresholds_path: Path) -> list[str]:
    """Every metric below its floor (or above its ceiling, for names starting with max_)."""
    failures = []
    for grp, limits in load_thresholds(thresholds_path).items():
        for metric, value in limits.items():
            ceiling = metric.startswith("max_")
            name = metric.removeprefix("max_")
            actual = summary.get(grp, {}).get(name)
            if actual is None:
                failures.append(f"{grp}.{name}: not measured")
            elif (actual > value) if ceiling else (actual < value):
                failures.append(f"{grp}.{name} = {actual:.3f} is {'above' if ceiling else 'below'} {value}")
    return failures
