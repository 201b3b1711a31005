"""The question-answering pipeline: rewrite, retrieve, answer; with per-stage timings."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from service.answering import Answer, Answerer, AnswerSettings, by_best_unit, merged
from service.config import Settings
from service.conversation import (
    Turn,
    answers_so_far,
    asks_for_else,
    asks_for_more,
    asks_of_said,
    asks_why_of_said,
    last_answer,
    points_at_thing,
    previous_topic,
    rewrite,
)
from service.corpus import load_corpus
from service.embedding import Encoder, load_encoder
from service.index import Index, load_index, read_manifest, resolve_index_path
from service.lexicon import find_roles, repair_spelling
from service.question import focus
from service.retrieval import Passage, PreparedQuery, Retriever
from service.roles import CORE_ROLES, load_roles

logger = logging.getLogger(__name__)


# a follow-up naming no role whose answer matches it less than this is also asked in the previous topic
_WEAK_FOLLOWUP = 0.6
# search reranks at least this many fused passages by their best answer unit (Assistant.rerank)
_RERANK_DEPTH = 10


class Assistant:
    """Everything needed to answer: encoder, index, retriever and answerer, loaded once."""

    def __init__(self, index: Index, encoder: Encoder, settings: Settings) -> None:
        self.settings = settings
        self._partners: dict[str, str] | None = None  # the core role the articles set beside each one most
        self.index = index
        self.encoder = encoder
        self.retriever = Retriever(index, encoder, rrf_k=settings.rrf_k, candidate_k=settings.candidate_k)
        self.answerer = Answerer(index, AnswerSettings(
            max_words=settings.max_answer_words, max_sentences=settings.max_answer_sentences,
            min_support=settings.min_support,
        ))

    @classmethod
    def load(cls, settings: Settings, encoder: Encoder | None = None, check_corpus: bool = True) -> Assistant:
        """Load the encoder and the index named by `settings` (raises the index's named errors)."""
        read_manifest(resolve_index_path(Path(settings.index_dir)))  # fail fast, before the model loads
        encoder = encoder or load_encoder(settings.encoder, settings.encoder_threads(), Path(settings.model_dir))
        articles = load_corpus(Path(settings.corpus_dir)) if check_corpus else None
        roles = load_roles(Path(settings.corpus_dir), articles) if articles is not None else None
        index = load_index(Path(settings.index_dir), encoder, articles, roles)
        return cls(index, encoder, settings)

    def standalone(self, question: str, history: Sequence[Turn] = ()) -> str:
        # (the sentences that ask, without chatter around them: see service.question.focus; spelled right first,
        # so "what abuot the CRO?" is a follow-up)
        vocabulary = self.index.vocabulary
        question = repair_spelling(question, vocabulary)
        known = self.answerer.known_word  # (a short phrase with no word of the articles is chatter)
        if not history:
            return focus(question, known)
        return rewrite(question, [Turn(t.role, repair_spelling(t.content, vocabulary)) if t.role == "user" else t
                                  for t in history], known, self.partner)

    def partner(self, role: str) -> str:
        """The core role the articles set beside `role` most (in the most chunks that name both): "the other one"
        after a question about one role."""
        if self._partners is None:
            together: dict[tuple[str, str], int] = {}
            for chunk in self.index.chunks:
                named = sorted({r for r in find_roles(f"{chunk.section or ''} {chunk.text}") if r in CORE_ROLES})
                for i, a in enumerate(named):
                    for b in named[i + 1:]:
                        together[(a, b)] = together.get((a, b), 0) + 1
            self._partners = {r: max((o for o in sorted(CORE_ROLES) if o != r),
                                     key=lambda o: together.get((min(r, o), max(r, o)), 0)) for r in CORE_ROLES}
        return self._partners.get(role, "")

    def _answer(self, standalone: str, top_k: int | None, mode: str, stages: dict[str, float],
                said: str = "", more: bool = True, onward: bool = False, before: str = "") -> Answer:
        """Retrieve for and answer one standalone question (per-stage milliseconds go into `stages`)."""
        t1 = time.perf_counter()
        prepared = self.retriever.prepare(standalone, stages)
        t2 = time.perf_counter()
        # the answerer may read deeper than the passages returned (`passages_considered` over `top_k`)
        shown = top_k or self.settings.top_k
        passages = self.retriever.search(prepared, max(shown, self.answerer.settings.passages_considered), mode,
                                         stages)
        t3 = time.perf_counter()
        extra = self._extras(prepared, passages, mode, onward=onward and bool(said))
        answer = self.answerer.answer(standalone, prepared, passages, extra, said, more, onward, before)
        if len(answer.passages) > shown:
            answer = replace(answer, passages=answer.passages[:shown])
        stages["embed"] = stages.get("embed", 0.0) + (t2 - t1) * 1000
        stages["answer"] = stages.get("answer", 0.0) + (time.perf_counter() - t3) * 1000
        return answer

    def _extras(self, prepared: PreparedQuery, passages: list[Passage], mode: str,
                onward: bool = False) -> list[Passage]:
        """Passages the answerer reads beyond the retrieved ones (hybrid only): per-role ones for comparisons,
        advice sections, a stated reporting line, a list headed by the asked side, a unit deep in a long chunk,
        a table cell under the asked role."""
        # per-role passages for comparisons: any chunk the answerer would not already read (it reads the
        # top `passages_considered`, whatever top_k returns)
        considered = {p.index for p in passages[: self.answerer.settings.passages_considered]}
        extra = self.retriever.role_passages(prepared, considered) if mode == "hybrid" else []
        if mode == "hybrid":  # "how do we set a CRO up to succeed?": the articles' advice sections
            extra += self.retriever.advice_passages(prepared, considered | {p.index for p in extra})
            # "CRO = ? the role in a nutshell": the passages that define the role
            extra += self.retriever.definition_passages(prepared, considered | {p.index for p in extra})
            # "who reports to whom, the CRO or the CSO?": a line stated between two asked roles
            extra += self.retriever.line_passages(prepared, considered | {p.index for p in extra})
            # "any cons to going with a CSO?": the list headed "Challenges with a CSO"
            extra += self.retriever.side_passages(prepared, considered | {p.index for p in extra})
            # "we have no CRO: ...?": what the articles advise without one
            extra += self.retriever.without_passages(prepared, considered | {p.index for p in extra})
            # "what does a CSO audit?": the one chunk with a rare word of the aspect
            extra += self.retriever.rare_passages(prepared, considered | {p.index for p in extra})
            # "what does a CRO do about rev ops and tech?": a unit that says it, deep in a chunk about much else
            extra += self.retriever.unit_passages(prepared, considered | {p.index for p in extra})
            # "why does the CRO care about it?", "what do they do with all that info?" (`onward`: what comes of
            # what was just said): the paragraph after the best passages', split off by chunking
            extra += self.retriever.next_passages(prepared, [p.index for p in passages[:2]],
                                                  considered | {p.index for p in extra}, onward)
            # "how do their goals differ?": the comparison table's "Objectives" row
            extra += self.retriever.label_passages(prepared, considered | {p.index for p in extra})
        if mode == "hybrid" and passages:
            # a table row whose cell under the asked role says it best (quoted from, not ranked)
            read = [r for p in passages[: self.answerer.settings.passages_considered]
                    for r in self.index.sentence_rows(p.index) if self.index.units[r].kind != "heading"]
            extra += self.retriever.cell_passages(prepared, considered | {p.index for p in extra},
                                                  float(prepared.unit_aspects[read].max()) if read else 0.0)
        return extra

    def rerank(self, prepared: PreparedQuery, passages: list[Passage]) -> list[Passage]:
        """`passages` in the order of their best answer unit: how well one sentence, list item, table cell
        or FAQ answer of a chunk answers the question (the answerer's score: meaning, the aspect's words,
        the asked roles, the fused rank a little), not how well the chunk as a whole matches it. `score`
        becomes that unit's score; a passage with no quotable unit goes last."""
        cands = self.answerer.candidates(prepared.text, prepared, passages, considered=len(passages))
        return [replace(p, score=score, rank=i) for i, (p, score) in enumerate(by_best_unit(passages, cands))]

    def search(self, query: str, history: Sequence[Turn] = (), k: int | None = None,
               mode: str = "hybrid") -> tuple[str, list[Passage]]:
        """The standalone form of `query` and its top `k` passages (hybrid: reranked from at least the top
        `_RERANK_DEPTH` fused ones, so a passage whose one sentence answers can rise into a short list)."""
        standalone = self.standalone(query, history)
        k = k or self.settings.top_k
        prepared = self.retriever.prepare(standalone)
        if mode != "hybrid":
            return standalone, self.retriever.search(prepared, k, mode)
        pool = self.retriever.search(prepared, max(k, _RERANK_DEPTH), mode)
        # (and the passages the answerer would read beyond them: "when does it make sense to hire a CSO?" is
        # answered by the list "Organizations benefit from a CSO when:", found as advice, not by rank)
        return standalone, self.rerank(prepared, merged(pool, self._extras(prepared, pool, mode)))[:k]

    def ask(self, question: str, history: Sequence[Turn] = (), top_k: int | None = None,
            mode: str = "hybrid") -> Answer:
        """Answer `question` in the context of `history`."""
        t0 = time.perf_counter()
        standalone = self.standalone(question, history)
        t1 = time.perf_counter()
        stages: dict[str, float] = {}
        # "any others?": what the answers so far quoted is not quoted again ("why?": it weighs less, the reason
        # is more often beside it)
        # ("what else are they responsible for?": what was said weighs less, as for "why?")
        more = asks_for_more(question)
        back = more or asks_why_of_said(question) or asks_for_else(question)
        said = answers_so_far(history) if history and back else ""
        # "what's the payoff of that?", "how do they use that info?": what was just said goes on beside it
        onward = bool(history) and not said and asks_of_said(question)
        said = answers_so_far(history) if onward else said
        # (what the last answer quoted, for a follow-up that turns to another role)
        before = last_answer(history) if history and not said else ""
        answer = self._answer(standalone, top_k, mode, stages, said, more, onward, before)
        # ("does that cause any problems?", "how do they slice theirs?": words no article uses, about a thing the
        # conversation pointed at, may ask of it in other words; "how many PTO days do they get?" asks a new thing)
        unsaid = (answer.abstained and answer.reason.startswith("aspect not covered")
                  and points_at_thing(question))
        weak = unsaid or (answer.abstained and answer.reason.startswith("weak support")) or (
            not answer.abstained and answer.support < _WEAK_FOLLOWUP and not find_roles(standalone))
        topic = previous_topic(history) if weak else ""
        if topic and topic.lower() not in standalone.lower():
            # "what comes right after the AE step?" after a question on the career ladder: a follow-up that
            # nothing answers (or answers well) on its own is asked again in the topic of the question before it
            again = self._answer(f"{standalone.rstrip()} ({topic})", top_k, mode, stages, said, more, onward)
            if not again.abstained and (answer.abstained or again.support > answer.support):
                answer = again
        t4 = time.perf_counter()
        timings = {"rewrite": (t1 - t0) * 1000, **stages, "total": (t4 - t0) * 1000}
        return replace(answer, timings_ms={k: round(v, 2) for k, v in timings.items()})
