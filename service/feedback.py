"""Drafting evaluation items from rated turns, for a maintainer to review before they join a suite.

A turn rated up becomes an item in the suite format of eval/README.md: its question, the quotes roleqa
cited as evidence (or `abstain: true` when it abstained and the user agreed). A follow-up brings its
earlier turns along as a `followup` item. Anything a user rated down, and any turn nobody rated that
comes along in a follow-up, is not known to be right: such an item carries a `review` field with what
was asked, answered and said, which the strict suite reader refuses until a maintainer has decided and
removed it. No draft has `facts`: which facts an answer must contain is the maintainer's call.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from service.store import ReviewTurn, StoredTurn

TODO_DOWN_ANSWERED = ("rated down: check the candidate evidence (the quotes roleqa cited); keep the quotes that "
                      "answer the question, find better ones in the articles, or, when they do not cover it, make "
                      "it out_of_scope with abstain: true; add facts; then delete this review field")
TODO_DOWN_ABSTAINED = ("rated down although roleqa abstained: if the articles answer it, add evidence quotes and "
                       "facts (category factoid or paraphrase); if not, make it out_of_scope with abstain: true; "
                       "then delete this review field")
TODO_UNRATED = ("earlier turns of this follow-up were not rated: check their evidence (or abstain) as for a "
                "rated turn; then delete this review field")


@dataclass(frozen=True)
class Draft:
    """One drafted suite item; `needs_review` when it carries the `review` field."""

    item: dict[str, Any]
    needs_review: bool


def _evidence(turn: StoredTurn | ReviewTurn) -> list[str]:
    quotes: list[str] = []
    for c in sorted(turn.citations, key=lambda c: c.get("n", 0)):
        quote = (c.get("quote") or "").strip()
        if quote and quote not in quotes:
            quotes.append(quote)
    return quotes


def _gold_turn(turn: StoredTurn | ReviewTurn) -> dict[str, Any]:
    out: dict[str, Any] = {"question": turn.question}
    if turn.abstained:
        out["abstain"] = True
    else:
        out.update(evidence=_evidence(turn), facts=[], abstain=False)
    out["standalone"] = turn.standalone_question or turn.question
    return out


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def draft_item(rated: ReviewTurn, earlier: list[StoredTurn], earlier_ratings: dict[int, str | None]) -> Draft:
    """The suite item drafted from one rated turn and the turns of its conversation before it.

    Args:
        rated: the rated turn (Store.review_turns()).
        earlier: the conversation's turns before it, oldest first.
        earlier_ratings: the latest rating of each earlier turn, by turn number.
    """
    turns = [_gold_turn(t) for t in earlier] + [_gold_turn(rated)]
    if len(turns) > 1:
        category = "followup"
    elif rated.abstained and rated.rating == "up":
        category = "out_of_scope"
    else:
        category = "factoid"
    todo = []
    if rated.rating == "down":
        todo.append(TODO_DOWN_ABSTAINED if rated.abstained else TODO_DOWN_ANSWERED)
        if rated.abstained:  # a draft to complete: an answerable turn without evidence yet
            turns[-1] = {"question": rated.question, "evidence": [], "facts": [], "abstain": False,
                         "standalone": rated.standalone_question or rated.question}
    elif not rated.abstained and not turns[-1]["evidence"]:
        todo.append("rated up but cited nothing: add evidence quotes and facts; then delete this review field")
    if any(earlier_ratings.get(t.turn) != "up" for t in earlier):
        todo.append(TODO_UNRATED)
    digest = hashlib.sha256(f"{rated.conversation_id}\0{rated.turn}".encode()).hexdigest()[:8]
    item: dict[str, Any] = {"id": f"fb-{rated.created_at:%Y%m%d}-{digest}", "category": category, "turns": turns}
    if todo:
        item["review"] = {"rating": rated.rating, "comment": rated.comment, "asked": rated.created_at.isoformat(),
                          "answer": rated.answer, "abstain_reason": rated.reason or None, "todo": " ".join(todo)}
    return Draft(item, bool(todo))


def draft_items(review: list[ReviewTurn], history: dict[str, list[StoredTurn]],
                rating: str | None = None) -> list[Draft]:
    """Draft one item per rated turn (the latest for a question asked several times), oldest first.

    Args:
        review: Store.review_turns(); turns nobody rated are skipped.
        history: each conversation's stored turns, by conversation id (for follow-ups).
        rating: "up" or "down" for only those; None for both.
    """
    ratings = {(t.conversation_id, t.turn): t.rating for t in review}
    latest: dict[tuple[str, ...], Draft] = {}
    for rated in review:
        if rated.rating is None or (rating and rated.rating != rating):
            continue
        earlier = [t for t in history.get(rated.conversation_id, []) if t.turn < rated.turn]
        draft = draft_item(rated, earlier, {t.turn: ratings.get((rated.conversation_id, t.turn)) for t in earlier})
        key = tuple(_key(t["question"]) for t in draft.item["turns"])
        latest.pop(key, None)  # re-inserted: the latest rating of a question wins and keeps its date order
        latest[key] = draft
    return list(latest.values())
