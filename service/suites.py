"""Evaluation suites and thresholds, read strictly: every problem is reported at once, as
`file:line: field: message`, and nothing that would silently change a score is accepted.

A string where a list belongs ("evidence": "revenue" would make every chunk relevant), a flat
"facts" list (read character by character), "abstain": "false" (truthy), duplicate ids, a category
that contradicts "abstain", and evidence that matches no chunk of the index are all errors.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError, model_validator

CATEGORIES = ("factoid", "comparison", "paraphrase", "followup", "out_of_scope")


class EvalError(Exception):
    """A suite or thresholds file cannot be used; the message lists every problem."""


class _Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: StrictStr = Field(min_length=1)
    evidence: list[StrictStr] = Field(default_factory=list)
    facts: list[list[StrictStr]] = Field(default_factory=list)
    abstain: StrictBool = False
    standalone: StrictStr | None = None

    @model_validator(mode="after")
    def _consistent(self) -> _Turn:
        if self.abstain and (self.evidence or self.facts):
            raise ValueError("an abstain turn has no evidence or facts")
        if not self.abstain and not self.evidence:
            raise ValueError("an answerable turn needs at least one evidence quote")
        if any(not group for group in self.facts):
            raise ValueError("facts: every group needs at least one alternative")
        return self


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: StrictStr = Field(min_length=1)
    category: Literal["factoid", "comparison", "paraphrase", "followup", "out_of_scope"]
    turns: list[_Turn] = Field(min_length=1)

    @model_validator(mode="after")
    def _category_matches(self) -> _Item:
        if self.category == "out_of_scope" and not all(t.abstain for t in self.turns):
            raise ValueError("an out_of_scope item must have abstain: true on every turn")
        if self.category not in ("out_of_scope", "followup") and any(t.abstain for t in self.turns):
            raise ValueError(f"a {self.category} item cannot abstain; use category out_of_scope")
        if self.category == "followup" and len(self.turns) < 2:
            raise ValueError("a followup item needs at least two turns")
        return self


@dataclass(frozen=True)
class GoldTurn:
    question: str
    evidence: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]
    abstain: bool
    standalone: str


@dataclass(frozen=True)
class Item:
    id: str
    category: str
    turns: tuple[GoldTurn, ...]
    line: int = 0


def normalize(text: str) -> str:
    """Case, whitespace (incl. no-break spaces) and curly quotes folded, for quote matching."""
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " ")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip().lower()


def _field(loc: Iterable[object]) -> str:
    return ".".join(str(p) for p in loc) or "item"


def read_suite(path: Path) -> tuple[list[Item], list[str]]:
    """The items of a JSONL suite and every problem found, each as `file:line: field: message`."""
    if not path.is_file():
        return [], [f"{path}: the suite does not exist"]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 text (byte {exc.start}); save the suite as UTF-8"]
    items: list[Item] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{path}:{n}: expected a JSON object per line, got {type(raw).__name__}")
            continue
        try:
            item = _Item.model_validate(raw)
        except ValidationError as exc:
            problems += [f"{path}:{n}: {_field(e['loc'])}: {e['msg']}" for e in exc.errors()]
            continue
        if item.id in seen:
            problems.append(f"{path}:{n}: id: {item.id!r} is already used on line {seen[item.id]}")
            continue
        seen[item.id] = n
        items.append(Item(item.id, item.category, tuple(GoldTurn(
            question=t.question, evidence=tuple(t.evidence), facts=tuple(tuple(f) for f in t.facts),
            abstain=t.abstain, standalone=t.standalone or t.question) for t in item.turns), n))
    if not items and not problems:
        problems.append(f"{path}: the suite has no questions")
    return items, problems


def unmatched_evidence(path: Path, items: list[Item], passages: list[str]) -> list[str]:
    """Evidence quotes that no passage (chunk text with its section and header) contains."""
    folded = [normalize(p) for p in passages]
    problems = []
    for item in items:
        for i, turn in enumerate(item.turns):
            for j, quote in enumerate(turn.evidence):
                if not any(normalize(quote) in p for p in folded):
                    problems.append(f"{path}:{item.line}: turns.{i}.evidence.{j}: {quote[:80]!r} matches no chunk "
                                    "of the current index (was the article edited? fix the quote)")
    return problems


def load_suite(path: Path) -> list[Item]:
    """Read and validate a suite; raises EvalError listing every problem."""
    items, problems = read_suite(path)
    if problems:
        raise EvalError("\n".join(problems))
    return items


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """Metric floors by group (`max_` names are ceilings); every value must be a number."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalError(f"thresholds file {path} is unreadable: {exc}") from exc
    floors: dict[str, dict[str, float]] = {}
    problems: list[str] = []

    def walk(prefix: str, table: object) -> None:
        if isinstance(table, dict):
            for key, value in table.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
            return
        group, _, metric = prefix.rpartition(".")
        if isinstance(table, bool) or not isinstance(table, int | float):
            problems.append(f"{path}: {prefix}: expected a number, got {table!r}")
        elif not group:
            problems.append(f"{path}: {prefix}: a metric must sit in a [group] table")
        else:
            floors.setdefault(group, {})[metric] = float(table)

    walk("", raw)
    if problems:
        raise EvalError("\n".join(problems))
    return floors
