"""Perturbed copies of a suite (`roleqa eval --perturb`): the same questions as employees also type them, with a
slip in a word, in lower case without punctuation, wrapped in chatter, or with thanks before a follow-up.

Each change is drawn from a generator seeded by the perturbation, the item id and the turn, so a run is the same
every time and does not depend on the order of the suite. Gold evidence and facts are kept: the question still
asks the same thing. The sentences of chatter here are not the ones service.question.focus was built against.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace

from service.lexicon import KEYBOARD_ROWS
from service.suites import Item

# words left alone by a slip: a mistyped role name is its own case (the suites have those)
_KEEP = frozenset(("cro", "cso", "ceo", "cfo", "coo", "cmo", "vp", "sales", "chief", "officer", "revenue", "president",
                   "vice", "saas"))

CHATTER_BEFORE = (
    "Quick one before my 1:1 this afternoon, I keep getting this wrong.",
    "I'm writing up an onboarding guide for the new hires on our team.",
    "Hope this isn't a silly question, I only joined the company two weeks ago.",
    "We're reorganizing the go-to-market team after a rough quarter and I'm collecting notes.",
    "Settling an argument from the coffee machine this morning.",
)
CHATTER_AFTER = (
    "Thanks so much in advance!",
    "I need it for a deck I'm presenting on Thursday.",
    "(no rush, just curious)",
    "Trying to get my head around our org chart.",
)
THANKS = ("thanks!", "ok got it.", "Great, that's helpful.", "hmm ok.", "Perfect, thank you!", "makes sense, cheers.")


def _slip(word: str, rnd: random.Random) -> str:
    """`word` with one letter swapped with its neighbour, left out, doubled or hit on a key beside it."""
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    row = next((r for r in KEYBOARD_ROWS if word[i].lower() in r), "")
    if not row:
        return word[:i] + word[i + 1:]
    j = row.index(word[i].lower())
    return word[:i] + (row[j - 1] if j > 0 else row[j + 1]) + word[i + 1:]


def typo(question: str, rnd: random.Random, first: bool) -> str:
    """One slip in one word of five letters or more that is not a role word."""
    found = [m for m in re.finditer(r"[A-Za-z]{5,}", question) if m.group(0).lower() not in _KEEP]
    if not found:
        return question
    m = rnd.choice(found)
    return question[:m.start()] + _slip(m.group(0), rnd) + question[m.end():]


def lower(question: str, rnd: random.Random, first: bool) -> str:
    """In lower case, without question marks, full stops or commas."""
    return re.sub(r"[?.!,]", "", question.lower())


def chatter(question: str, rnd: random.Random, first: bool) -> str:
    """A sentence of chatter before the first question of a conversation, or an aside after it."""
    if not first:
        return question
    if rnd.random() < 0.5:
        return f"{rnd.choice(CHATTER_BEFORE)} {question}"
    return f"{question} {rnd.choice(CHATTER_AFTER)}"


def thanks(question: str, rnd: random.Random, first: bool) -> str:
    """Thanks or an acknowledgement before every follow-up ("ok got it. and the CRO?")."""
    return question if first else f"{rnd.choice(THANKS)} {question}"


PERTURBATIONS: dict[str, Callable[[str, random.Random, bool], str]] = {
    "typo": typo, "lower": lower, "chatter": chatter, "thanks": thanks}


def perturb(items: list[Item], names: list[str]) -> list[Item]:
    """`items` with every turn's question changed by each of `names` in turn (see PERTURBATIONS)."""
    unknown = [n for n in names if n not in PERTURBATIONS]
    if unknown:
        raise ValueError(f"unknown perturbation {', '.join(unknown)}; choose from {', '.join(PERTURBATIONS)}")
    out = []
    for item in items:
        turns = []
        for n, turn in enumerate(item.turns):
            question = turn.question
            for name in names:
                question = PERTURBATIONS[name](question, random.Random(f"{name}:{item.id}:{n}"), n == 0)
            turns.append(replace(turn, question=question))
        out.append(replace(item, turns=tuple(turns)))
    return out
