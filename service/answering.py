"""Extractive answers: the best supporting sentences of the retrieved passages, composed and cited.

No generator is available offline, so answers are quotations chosen by sentence similarity,
lexical overlap and role consistency; weak or off-topic support makes roleqa abstain.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from service.chunking import Sentence
from service.index import Index
from service.lexicon import CORE_ROLES, ROLES_BY_KEY, find_roles, role_spans, tokenize
from service.retrieval import Passage, PreparedQuery

ABSTAIN_MESSAGE = (
    "Sorry, the articles I know don't cover that. I can answer questions about Chief Revenue Officers, "
    "Chief Sales Officers and VPs of Sales: what they do, who they report to, what they earn and when to hire which."
)
_ROLE_TOKENS = frozenset(ROLES_BY_KEY)
_PRONOUN_START = re.compile(r"^(?:they|their|them|this|these|those|it|its|he|she|his|her)\b", re.IGNORECASE)
# Sentences about the article rather than the roles ("Let's take a closer look at ...").
_META = re.compile(
    r"^(?:let[’']s|read on|here are|here[’']s|in this (?:article|blog|post|guide)|we[’']ll|this article)\b|"
    r"\b(?:take a closer look|read on to|in this (?:article|blog|post))\b",
    re.IGNORECASE,
)
_QUESTION_WORDS = {"what", "who", "how", "when", "where", "which", "why", "is", "are", "can", "does", "do", "should"}


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    article_id: str
    title: str
    section: str | None
    source: str | None
    quote: str
    text: str
    score: float


@dataclass(frozen=True)
class Answer:
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    standalone_question: str
    passages: tuple[Passage, ...] = ()
    support: float = 0.0
    reason: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Candidate:
    passage: Passage
    sentence: Sentence
    row: int  # row in index.sentence_vectors
    text: str
    similarity: float
    score: float


@dataclass(frozen=True)
class AnswerSettings:
    max_words: int = 80
    max_sentences: int = 3
    min_support: float = 0.5
    passages_considered: int = 4
    extra_margin: float = 0.06
    # sentence score = similarity + weights below (tuned on eval/dev.jsonl, never per question)
    w_lexical: float = 0.15
    w_passage: float = 0.3  # how well the whole passage (with its section) matches
    role_bonus: float = 0.08
    role_penalty: float = 0.12
    rank_penalty: float = 0.02
    meta_penalty: float = 0.15
    multi_role_bonus: float = 0.2


class Answerer:
    """Chooses and composes supporting sentences; holds no per-request state."""

    def __init__(self, index: Index, settings: AnswerSettings | None = None) -> None:
        self.index = index
        self.settings = settings or AnswerSettings()

    def _role_weight(self, some: set[str], asked: set[str]) -> float:
        """Share of the asked roles' rarity (idf over chunks) that `some` covers."""
        df = self.index.manifest.get("role_df", {})
        n = max(len(self.index.chunks), 1)

        def idf(role: str) -> float:
            return math.log((n + 1) / (df.get(role, 0) + 1)) + 0.1

        total = sum(idf(r) for r in asked)
        return sum(idf(r) for r in some) / total if total else 0.0

    def candidates(self, question: str, prepared: PreparedQuery, passages: list[Passage]) -> list[_Candidate]:
        """Every answerable sentence of the top passages, scored against the question."""
        cfg = self.settings
        q_roles = set(find_roles(question))
        q_tokens = set(prepared.tokens) - _ROLE_TOKENS
        out: list[_Candidate] = []
        for passage in passages[: cfg.passages_considered]:
            chunk = passage.chunk
            rows = self.index.sentence_rows(passage.index)
            sims = np.asarray(self.index.sentence_vectors[rows.start : rows.stop]) @ prepared.vector
            section_roles = set(find_roles(chunk.section or ""))
            chunk_roles = set(find_roles(chunk.text)) | section_roles
            question_sim = -1.0  # a FAQ answer inherits how well its question matches
            for sentence, row, sim in zip(chunk.sentences, rows, sims.tolist(), strict=True):
                text = chunk.text[sentence.start - chunk.start : sentence.end - chunk.start]
                if sentence.kind == "heading":
                    question_sim = sim
                    continue
                if not _answerable(sentence, text):
                    continue
                if question_sim > sim:  # the heading's match carries over, fading along the passage
                    sim = max(sim, question_sim - 0.03)
                    question_sim -= 0.04
                if sentence.kind == "row":  # a row is about its label, or about the header's columns
                    s_roles = set(find_roles(text.strip().strip("|").split("|")[0])) or set(find_roles(chunk.prefix))
                else:
                    s_roles = set(find_roles(text)) or section_roles
                role_adj = 0.0
                if q_roles:
                    # Cover every role asked about ("the CRO ... with the CFO"), counting the passage's roles
                    # as context; a sentence explicitly about other roles is off-topic.
                    cover = len(q_roles & (s_roles | chunk_roles)) / len(q_roles)
                    off_topic = bool(s_roles) and not q_roles & s_roles
                    role_adj = -cfg.role_penalty if off_topic else cfg.role_bonus * cover
                    role_adj += cfg.role_bonus * _direction_match(question, text, q_roles)
                    if len(q_roles) > 1:  # relations and comparisons: name the rarer roles explicitly
                        role_adj += cfg.multi_role_bonus * self._role_weight(q_roles & s_roles, q_roles)
                s_tokens = set(tokenize(f"{chunk.section or ''} {chunk.prefix} {text}"))
                lexical = len(q_tokens & s_tokens) / len(q_tokens) if q_tokens else 0.0
                score = (sim + cfg.w_lexical * lexical + role_adj + cfg.w_passage * passage.dense
                         - cfg.rank_penalty * passage.rank - (cfg.meta_penalty if _META.search(text) else 0.0))
                out.append(_Candidate(passage, sentence, row, text, sim, score))
        out.sort(key=lambda c: -c.score)
        return out

    def answer(self, question: str, prepared: PreparedQuery, passages: list[Passage]) -> Answer:
        """Compose a cited answer for `question`, or abstain."""
        cands = self.candidates(question, prepared, passages)
        reason = self._abstain_reason(question, prepared, cands)
        if reason:
            return Answer(ABSTAIN_MESSAGE, True, (), question, tuple(passages),
                          cands[0].similarity if cands else 0.0, reason)
        chosen = self._select(cands)
        text, citations = self._compose(question, chosen)
        return Answer(text, False, tuple(citations), question, tuple(passages), chosen[0].similarity, "")

    def _abstain_reason(self, question: str, prepared: PreparedQuery, cands: list[_Candidate]) -> str:
        if not cands:
            return "no passage"
        unknown = _unknown_names(prepared.text, self.index.vocabulary)
        if unknown:
            return f"unknown name: {', '.join(unknown)}"
        q_roles = find_roles(prepared.text)
        if q_roles and not set(q_roles) & CORE_ROLES:
            # Asked about a role the articles only mention in passing (CEO, CFO, CTO...): answer only
            # when one sentence speaks of that role and of what was asked.
            wanted = set(prepared.tokens) - _ROLE_TOKENS
            if not wanted:
                return f"role not covered: {', '.join(q_roles)}"
            best = 0.0
            for cand in cands:
                if set(find_roles(cand.text)) & set(q_roles):
                    have = set(tokenize(cand.text))
                    best = max(best, len(wanted & have) / len(wanted))
            if best < 0.5:
                return f"role not covered: {', '.join(q_roles)}"
        if cands[0].similarity < self.settings.min_support:
            return f"weak support ({cands[0].similarity:.2f})"
        return ""

    def _select(self, cands: list[_Candidate]) -> list[_Candidate]:
        cfg = self.settings
        best = cands[0]
        chosen = [best]
        words = _word_count(render(best))
        for cand in cands[1:]:
            if len(chosen) >= cfg.max_sentences or cand.score < best.score - cfg.extra_margin:
                break
            if any(_overlap(cand.text, c.text) > 0.6 for c in chosen):
                continue  # says the same thing again
            if _PRONOUN_START.match(cand.text) and not any(_follows(cand, c) for c in chosen):
                continue  # "They ..." only makes sense right after its antecedent
            extra = _word_count(render(cand))
            if words + extra > cfg.max_words:
                continue
            chosen.append(cand)
            words += extra
        # Passages keep the order they were first chosen in; sentences of one passage read best in
        # their original order.
        passage_order: dict[int, int] = {}
        for c in chosen:
            passage_order.setdefault(c.passage.index, len(passage_order))
        return sorted(chosen, key=lambda c: (passage_order[c.passage.index], c.sentence.start))

    def _compose(self, question: str, chosen: list[_Candidate]) -> tuple[str, list[Citation]]:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        q_roles = find_roles(question)
        for cand in chosen:
            chunk = cand.passage.chunk
            if chunk.id not in numbers:
                numbers[chunk.id] = len(numbers) + 1
                meta = self.index.articles.get(chunk.article_id, {})
                citations.append(Citation(
                    n=numbers[chunk.id], chunk_id=chunk.id, article_id=chunk.article_id, title=chunk.title,
                    section=chunk.section, source=meta.get("source"), quote=cand.text, text=chunk.text,
                    score=round(cand.passage.score, 6),
                ))
            parts.append(f"{render(cand, q_roles)} [{numbers[chunk.id]}]")
        text = " ".join(parts)
        return _trim_words(text, self.settings.max_words), citations


_REPORTS_TO = re.compile(r"\breport(?:s|ing|ed)?\s+(?:directly\s+)?to\s+(?:the\s+)?$", re.IGNORECASE)


def _report_objects(text: str) -> set[str]:
    """Roles that something reports *to* in `text` ("... report directly to the CSO")."""
    return {key for start, _, key in role_spans(text) if _REPORTS_TO.search(text[:start][-40:])}


def _direction_match(question: str, text: str, q_roles: set[str]) -> float:
    """+1 when a reporting-line sentence points the way the question asks, -1 when it points back.

    "Who reports to the CSO?" wants sentences where the CSO is reported to; "Who does the CSO
    report to?" wants the CSO reporting to someone.
    """
    if not re.search(r"\breport", question, re.IGNORECASE) or not re.search(r"\breport", text, re.IGNORECASE):
        return 0.0
    asked_object = bool(_report_objects(question) & q_roles)
    s_objects = _report_objects(text) & q_roles
    s_subjects = (set(find_roles(text)) & q_roles) - s_objects
    if asked_object:
        return 1.0 if s_objects else (-1.0 if s_subjects else 0.0)
    return 1.0 if s_subjects else (-1.0 if s_objects else 0.0)


def _follows(cand: _Candidate, previous: _Candidate) -> bool:
    """Whether `cand` comes right after `previous` in the same passage."""
    if cand.passage.index != previous.passage.index:
        return False
    between = cand.passage.chunk.text[previous.sentence.end - cand.passage.chunk.start :
                                      cand.sentence.start - cand.passage.chunk.start]
    return cand.sentence.start - previous.sentence.end >= 0 and not between.strip()


def _answerable(sentence: Sentence, text: str) -> bool:
    stripped = text.strip()
    if sentence.kind == "heading" or stripped.endswith(("?", ":")):
        return False
    return len(stripped.split()) >= 4 or sentence.kind == "row"


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two sentences' content tokens."""
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _word_count(text: str) -> int:
    return len(text.split())


def _trim_words(text: str, limit: int) -> str:
    tokens = text.split()
    if len(tokens) <= limit:
        return text
    cut = " ".join(tokens[:limit]).rstrip(",;:")
    markers = re.findall(r"\[\d+\]", text)
    if markers and not re.search(r"\[\d+\]$", cut):
        cut += "… " + markers[-1]
    return cut


def render(cand: _Candidate, roles: list[str] | None = None) -> str:
    """A sentence as it reads in an answer; a table row becomes "Label: column: cell; ..."."""
    if cand.sentence.kind != "row":
        text = cand.text.strip()
        return text if text.endswith((".", "!", "?")) else text + "."
    header = [h.strip() for h in cand.passage.chunk.prefix.strip().strip("|").split("|")]
    cells = [c.strip() for c in cand.text.strip().strip("|").split("|")]
    label, columns = cells[0], list(zip(header[1:], cells[1:], strict=False))
    if roles:
        wanted = [(h, c) for h, c in columns if set(find_roles(h)) & set(roles)]
        columns = wanted or columns
    return f"{label}: " + "; ".join(f"{h}: {c}" for h, c in columns) + "."


def _unknown_names(question: str, vocabulary: frozenset[str]) -> list[str]:
    """Capitalized names in the question that no article mentions ("France", "HubSpot")."""
    words_ = re.findall(r"[A-Za-z][A-Za-z'’-]*", question)
    if not words_ or question.upper() == question:
        return []
    unknown = []
    for i, word in enumerate(words_):
        base = re.sub(r"['’]s$", "", word)
        if i == 0 or not base[0].isupper() or base.lower() in _QUESTION_WORDS:
            continue
        if find_roles(base) or base.lower() in vocabulary:
            continue
        unknown.append(base)
    return unknown
