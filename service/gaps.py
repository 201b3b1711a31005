"""Content gaps: the questions roleqa abstained on or that users rated down, grouped into topics.

Questions are embedded with the project's encoder and grouped by average-linkage clustering on cosine
distance, so paraphrases of one missing topic ("do CROs get equity?", "stock options for a chief
revenue officer") land together and the topics a maintainer should write about next rank first.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from service.embedding import Encoder
from service.lexicon import canonicalize_roles, strip_roles
from service.store import ReviewTurn

# Questions about different topics share the role they ask about ("fire a VP of Sales", "a remote VP of
# Sales"), and all-MiniLM-L6-v2 reads "CRO" and "chief revenue officer" as different words: a question is
# embedded as the mean of itself with role names written out in full and itself without its roles, weighed
# ROLE_WEIGHT. Chosen on the 200-turn store of tests/test_gaps.py (five missing topics of 5-12 paraphrases,
# five one-offs): raw questions have no threshold that neither merges two topics nor splits one; role names
# written out, only 0.64-0.65 works; this mean works from 0.28 to 0.40 (0.6: 0.36-0.46), so MIN_SIMILARITY
# (the average cosine similarity a topic's questions keep) sits in the middle of that range.
ROLE_WEIGHT = 0.5
MIN_SIMILARITY = 0.34
MAX_QUESTIONS = 5000  # the most recent ones; the similarity matrix is n x n
EXAMPLES = 5


@dataclass(frozen=True)
class Example:
    question: str
    asked: datetime
    why: str  # "abstained: <reason>", "rated down" or both


@dataclass(frozen=True)
class Topic:
    """A group of similar unanswered or disliked questions; `label` is its most typical question."""

    label: str
    count: int
    abstained: int
    rated_down: int
    first_asked: datetime
    last_asked: datetime
    examples: tuple[Example, ...]
    reasons: tuple[tuple[str, int], ...]  # abstention reasons, most frequent first

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "count": self.count, "abstained": self.abstained, "rated_down": self.rated_down,
                "first_asked": self.first_asked.isoformat(), "last_asked": self.last_asked.isoformat(),
                "reasons": [{"reason": r, "count": n} for r, n in self.reasons],
                "examples": [{"question": e.question, "asked": e.asked.isoformat(), "why": e.why}
                             for e in self.examples]}


def gap_turns(turns: list[ReviewTurn]) -> list[ReviewTurn]:
    """The turns that show a gap: abstained, or rated down (an up-rated abstention was right, not a gap)."""
    return [t for t in turns if t.rating == "down" or (t.abstained and t.rating != "up")]


def _why(turn: ReviewTurn) -> str:
    parts = [f"abstained: {turn.reason}" if turn.reason else "abstained"] if turn.abstained else []
    if turn.rating == "down":
        parts.append("rated down" + (f": {turn.comment}" if turn.comment else ""))
    return "; ".join(parts)


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def embed_questions(texts: list[str], encoder: Encoder, role_weight: float = ROLE_WEIGHT) -> np.ndarray:
    """Unit vectors for clustering: what is asked weighs as much as whom it is asked about (see ROLE_WEIGHT)."""
    with_roles = _unit(encoder.encode([canonicalize_roles(t, "name") for t in texts]))
    without = _unit(encoder.encode([strip_roles(t) if re.search(r"\w", strip_roles(t)) else t for t in texts]))
    return _unit(role_weight * with_roles + (1.0 - role_weight) * without)


def cluster(vectors: np.ndarray, min_similarity: float = MIN_SIMILARITY) -> list[int]:
    """A cluster label per row of unit vectors: average linkage, cut where mean cosine similarity < min."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(vectors.astype(np.float64), metric="cosine"), 0.0, 2.0)
    tree = linkage(distances, method="average")
    return [int(x) for x in fcluster(tree, t=1.0 - min_similarity, criterion="distance")]


def find_gaps(turns: list[ReviewTurn], encoder: Encoder, min_similarity: float = MIN_SIMILARITY) -> list[Topic]:
    """Group the gap turns into topics, the most asked first (ties: the most recent first).

    Args:
        turns: stored turns (Store.review_turns()); only abstained or down-rated ones are used.
        encoder: the project's encoder (questions are embedded as they are for retrieval).
        min_similarity: the average cosine similarity a topic's questions must keep.
    """
    gaps = gap_turns(turns)[-MAX_QUESTIONS:]
    if not gaps:
        return []
    texts = [t.standalone_question or t.question for t in gaps]
    vectors = embed_questions(texts, encoder)
    labels = cluster(vectors, min_similarity)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    topics = [_topic([gaps[i] for i in idx], texts, idx, vectors) for idx in members.values()]
    return sorted(topics, key=lambda t: (-t.count, -t.last_asked.timestamp(), t.label))


def _topic(turns: list[ReviewTurn], texts: list[str], idx: list[int], vectors: np.ndarray) -> Topic:
    sub = vectors[idx]
    centrality = (sub @ sub.T).mean(axis=1)
    order = sorted(range(len(idx)), key=lambda k: (-centrality[k], -turns[k].created_at.timestamp()))
    examples: list[Example] = []
    seen: set[str] = set()
    for k in order:
        key = " ".join(re.findall(r"\w+", texts[idx[k]].casefold()))
        if key not in seen:
            seen.add(key)
            examples.append(Example(texts[idx[k]], turns[k].created_at, _why(turns[k])))
        if len(examples) == EXAMPLES:
            break
    reasons = Counter(t.reason for t in turns if t.abstained and t.reason)
    dates = [t.created_at for t in turns]
    return Topic(label=examples[0].question, count=len(turns), abstained=sum(t.abstained for t in turns),
                 rated_down=sum(t.rating == "down" for t in turns), first_asked=min(dates), last_asked=max(dates),
                 examples=tuple(examples), reasons=tuple(reasons.most_common(3)))


def render_text(topics: list[Topic], limit: int) -> str:
    """Topics for the terminal, numbered by rank."""
    if not topics:
        return "No gaps: no stored question was abstained on or rated down."
    lines = [f"{len(topics)} topic(s) from {sum(t.count for t in topics)} question(s) abstained on or rated down"]
    for n, t in enumerate(topics[:limit], 1):
        lines.append(f"\n{n}. {t.label}  ({t.count}x: {t.abstained} abstained, {t.rated_down} rated down; "
                     f"{t.first_asked:%Y-%m-%d} .. {t.last_asked:%Y-%m-%d})")
        if t.reasons:
            lines.append("   reasons: " + ", ".join(f"{r} ({c})" for r, c in t.reasons))
        lines += [f"   - {e.asked:%Y-%m-%d} {e.question}" for e in t.examples]
    if len(topics) > limit:
        lines.append(f"\n... and {len(topics) - limit} more (--limit N, or --json for all)")
    return "\n".join(lines)


def render_html(topics: list[Topic]) -> str:
    """A standalone page: one table row per topic, its examples listed."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{n}</td><td><b>{e(t.label)}</b><ul>"
        + "".join(f"<li><time>{x.asked:%Y-%m-%d}</time> {e(x.question)} <small>({e(x.why)})</small></li>"
                  for x in t.examples)
        + f"</ul></td><td>{t.count}</td><td>{t.abstained}</td><td>{t.rated_down}</td>"
        f"<td>{e(', '.join(f'{r} ({c})' for r, c in t.reasons))}</td>"
        f"<td>{t.first_asked:%Y-%m-%d} .. {t.last_asked:%Y-%m-%d}</td></tr>"
        for n, t in enumerate(topics, 1))
    body = (f"<table><tr><th>#</th><th>topic and example questions</th><th>count</th><th>abstained</th>"
            f"<th>rated down</th><th>abstention reasons</th><th>asked</th></tr>{rows}</table>"
            if topics else "<p>No gaps: no stored question was abstained on or rated down.</p>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>roleqa content gaps</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}}small{{color:#666}}</style>
</head><body><h1>Content gaps</h1><p>Questions roleqa abstained on or users rated down, grouped by topic, the
most asked first: candidates for new articles (or for better answers).</p>{body}</body></html>
"""
