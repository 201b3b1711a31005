"""Settings variants for A/B evaluation: `--set key=value` overrides, validated and applied to an Assistant.

A key is one of the Settings fields that change answers or retrieval, an AnswerSettings field (the
answerer's weights and thresholds) or a Retriever knob; values are validated with the field's own type
and bounds, and every problem is reported at once.
"""

from __future__ import annotations

import inspect
import math
import typing
from dataclasses import dataclass, field, fields, replace
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from service.answering import Answerer, AnswerSettings
from service.assistant import Assistant
from service.config import Settings
from service.embedding import Encoder
from service.index import Index
from service.retrieval import Retriever

# Settings fields that change what an evaluation measures (the others are serving: HTTP, auth, storage)
SETTINGS_KEYS = ("top_k", "rrf_k", "candidate_k", "min_support", "max_answer_words", "max_answer_sentences")
# AnswerSettings fields set from a Settings field are overridden through that field
_TWINS = {"max_words", "max_sentences", "min_support"}
ANSWER_KEYS = tuple(f.name for f in fields(AnswerSettings) if f.name not in _TWINS)
# Retriever attributes read at search time: RRF weight of the aspect ranking
RETRIEVER_KEYS = {"aspect_weight": Annotated[float, Field(ge=0)]}
_COUNTS = {"passages_considered", "quantity_units"}  # answer settings that count units or passages


class VariantError(Exception):
    """Overrides that cannot be applied; the message has one problem a line (`valid_keys` lists the keys)."""


@dataclass(frozen=True)
class Overrides:
    """Validated overrides, by the object they apply to."""

    settings: dict[str, Any] = field(default_factory=dict)
    answer: dict[str, Any] = field(default_factory=dict)
    retriever: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {**self.settings, **self.answer, **self.retriever}

    def __bool__(self) -> bool:
        return bool(self.settings or self.answer or self.retriever)


def valid_keys(settings: Settings | None = None) -> str:
    """Every key --set accepts, with its current value."""
    settings = settings or Settings()
    answer = AnswerSettings()
    shown = [f"{k} ({getattr(settings, k)})" for k in SETTINGS_KEYS]
    shown += [f"{k} ({getattr(answer, k)})" for k in ANSWER_KEYS]
    defaults = inspect.signature(Retriever.__init__).parameters
    shown += [f"{k} ({defaults[k].default})" for k in RETRIEVER_KEYS]
    return ", ".join(shown)


def _adapter(key: str) -> TypeAdapter[Any]:
    if key in SETTINGS_KEYS:
        info = Settings.model_fields[key]  # the field's type and bounds (ge, le)
        return TypeAdapter(Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation)
    if key in RETRIEVER_KEYS:
        return TypeAdapter(RETRIEVER_KEYS[key])
    kind = typing.get_type_hints(AnswerSettings)[key]
    return TypeAdapter(Annotated[kind, Field(ge=1)] if key in _COUNTS else kind)


def parse_overrides(pairs: tuple[str, ...] | list[str], base: Settings) -> tuple[Settings, Overrides]:
    """The settings with `pairs` ("key=value") applied, and the overrides by target; raises VariantError."""
    problems: list[str] = []
    found: dict[str, dict[str, Any]] = {"settings": {}, "answer": {}, "retriever": {}}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            problems.append(f"--set {pair!r}: expected KEY=VALUE, e.g. --set min_support=0.45")
            continue
        if key not in SETTINGS_KEYS and key not in ANSWER_KEYS and key not in RETRIEVER_KEYS:
            problems.append(f"--set {key}: unknown setting")
            continue
        try:
            value = _adapter(key).validate_python(raw)
        except ValidationError as exc:
            problems.append(f"--set {key}={raw}: {exc.errors()[0]['msg']}")
            continue
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(f"--set {key}={raw}: must be a finite number")
            continue
        target = "settings" if key in SETTINGS_KEYS else "retriever" if key in RETRIEVER_KEYS else "answer"
        if any(key in values for values in found.values()):
            problems.append(f"--set {key}: given twice")
            continue
        found[target][key] = value
    if problems:
        raise VariantError("\n".join(problems))
    overrides = Overrides(found["settings"], found["answer"], found["retriever"])
    return base.model_copy(update=overrides.settings), overrides


def configure(index: Index, encoder: Encoder, settings: Settings, overrides: Overrides) -> Assistant:
    """An Assistant over a loaded index with `settings` and the answerer/retriever overrides applied."""
    assistant = Assistant(index, encoder, settings)
    if overrides.answer:
        assistant.answerer = Answerer(index, replace(assistant.answerer.settings, **overrides.answer))
    for key, value in overrides.retriever.items():
        setattr(assistant.retriever, key, value)
    return assistant
