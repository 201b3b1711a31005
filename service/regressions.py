"""Run-to-run diffs: which questions a change broke, which it fixed, which moved to or from rank 1."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.evaluation import PRIMARY, TurnResult


@dataclass(frozen=True)
class Change:
    qid: str
    question: str
    kind: str  # "regressed", "improved", "now at rank 1", "no longer at rank 1"
    before: str
    after: str


class BaselineError(Exception):
    """The baseline folder has no readable results for the primary configuration."""


def load_baseline(folder: Path, config: str = PRIMARY) -> dict[str, dict[str, Any]]:
    """Per-question results of an earlier `roleqa eval` run (its results-<config>.json)."""
    path = folder / f"results-{config.replace('+', '_')}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {str(r["qid"]): r for r in rows}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"no usable baseline results for {config} in {folder} ({exc}); point --baseline at a "
                            f"report folder written by `roleqa eval` that ran {config}") from exc


def _passed(r: dict[str, Any]) -> bool:
    if r["gold_abstain"]:
        return bool(r["abstained"])
    return not r["abstained"] and not r["facts_missing"]


def _label(r: dict[str, Any]) -> str:
    if r["abstained"]:
        return f"abstained ({r.get('reason') or 'no reason saved'})"
    missing = r["facts_missing"]
    return "answer has the facts" if not missing else f"missing {missing}"


def diff(baseline: dict[str, dict[str, Any]], current: list[TurnResult]) -> list[Change]:
    """Changes per question present in both runs, regressions first."""
    changes: list[Change] = []
    for result in current:
        before = baseline.get(result.qid)
        if before is None:
            continue
        after = {"gold_abstain": result.gold_abstain, "abstained": result.abstained,
                 "facts_missing": result.facts_missing, "reason": result.reason}
        was, now = _passed(before), _passed(after)
        if was != now:
            changes.append(Change(result.qid, result.question, "improved" if now else "regressed",
                                  _label(before), _label(after)))
        top_before, top_after = before.get("first_hit") == 0, result.first_hit == 0
        if result.relevant and top_before != top_after:
            changes.append(Change(result.qid, result.question,
                                  "now at rank 1" if top_after else "no longer at rank 1",
                                  f"first relevant rank {before.get('first_hit')}", f"first relevant rank "
                                  f"{result.first_hit}"))
    order = {"regressed": 0, "no longer at rank 1": 1, "improved": 2, "now at rank 1": 3}
    return sorted(changes, key=lambda c: (order[c.kind], c.qid))


def describe(changes: list[Change]) -> str:
    if not changes:
        return "No question changed against the baseline."
    lines = [f"{len([c for c in changes if c.kind == 'regressed'])} regressed, "
             f"{len([c for c in changes if c.kind == 'improved'])} improved against the baseline:"]
    lines += [f"  {c.kind:<20} {c.qid:<14} {c.question[:60]!r}: {c.before} -> {c.after}" for c in changes]
    return "\n".join(lines)
