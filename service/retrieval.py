"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused with reciprocal rank fusion."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from service.chunking import Chunk
from service.embedding import Encoder
from service.index import Index, role_cells
from service.lexicon import (
    CORE_ROLES,
    REPORTS_TO,
    WordFamilies,
    canonicalize_roles,
    expand_abbreviations,
    find_roles,
    repair_spelling,
    role_spans,
    tokenize,
)
from service.question import Question, analyze, hiring_by
from service.units import bounds_remit, defines, states_condition, table_cells, unit_doer

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused score and the scores behind it."""

    chunk: Chunk
    index: int  # row of the chunk in the index
    score: float  # fused RRF score (or the single retriever's score)
    dense: float  # cosine similarity of query and chunk
    bm25: float
    rank: int


@dataclass(frozen=True)
class PreparedQuery:
    text: str  # after spelling repair
    dense_text: str  # roles spelled out for the encoder
    tokens: tuple[str, ...]
    vector: np.ndarray
    question: Question  # asked roles, aspect and answer type
    aspect_vector: np.ndarray  # the aspect (question without role names), for unit matching
    unit_aspects: np.ndarray  # the aspect's similarity to every answer unit (row order of the index)


# a word of the aspect at most this many chunks use brings its chunk to the answerer (dev + y + 24a + 24b:
# 1, 2 or 3 all 2,927 -> 2,929 of 3,075; without leaving quantity questions out, 2,926)
_RARE_CHUNKS = 2
_CELL_ROWS = 1  # the rows whose asked-role cell matches best join the fusion (all rows would crowd out prose)
_FAMILY_CACHE = 4096  # query words whose family within the index's words is kept
_COVERAGE_WEIGHT = 0.25  # as the answerer weighs a unit's share of the aspect's words (AnswerSettings.w_coverage)
# the rank a chunk found by what one of its units says is weighed at (unit_passages: on the dev suites 3 or 4 +2
# and no loss, 0 or 2 lose 2-3, after the six read +0; advice_passages from 3 on keep "how do we set a CRO up to
# succeed?" answered by advice once every chunk is ranked)
_FOUND_RANK = 3


class _VectorCache:
    """Least recently used query vectors by text; shared by a worker's request threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._items.get(text)
            if vector is not None:
                self._items.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._items[text] = vector
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Retriever:
    """Searches one loaded index; safe to share between requests (read-only)."""

    def __init__(self, index: Index, encoder: Encoder, rrf_k: int = 60, candidate_k: int = 100,
                 cache_size: int = 4096, weights: tuple[float, float] = (1.0, 1.0),
                 role_weights: tuple[float, float] = (0.3, 0.5), aspect_weight: float = 0.5) -> None:
        self.index = index
        # RRF weight of the aspect ranking (0 turns it off); dev + blind-a: 0.5 moved MRR 0.84 -> 0.85 and
        # 0.76 -> 0.78, follow-up hit@5 0.67 -> 0.83 on blind-a; 1.0 retrieved better but answered worse
        self.aspect_weight = aspect_weight
        self.weights = weights  # RRF weights of the dense and BM25 rankings
        self.role_weights = role_weights  # (boost for covering the asked roles, demotion for other roles)
        self._roles: dict[int, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self.encoder = encoder
        self.rrf_k = rrf_k
        self.candidate_k = candidate_k
        # vectors by text, questions and aspects alike (two per question: as many vectors as the pair cache held)
        self._vectors = _VectorCache(2 * cache_size)
        # each chunk's nearest heading, as words and roles ("Challenges with a CSO": drawback, cso)
        self._headings = [(frozenset(tokenize(h)), find_roles(h))
                          for h in ((c.section or "").split(" > ")[-1] for c in index.chunks)]
        # the words of each table cell under a role's column, in the order of index.cell_vectors
        cells = role_cells(index.chunks) if index.cell_vectors is not None else []
        self._cell_tokens = [frozenset(tokenize(text)) for _, _, text in cells] if [
            (row, role) for row, role, _ in cells] == list(zip(np.asarray(index.cell_chunks).tolist(), index.cell_roles,
                                                                strict=False)) else []
        # the chunks each word of the units appears in (for words few chunks use)
        self._chunks_of: dict[str, set[int]] = {}
        for u in index.units:
            for t in u.tokens:
                self._chunks_of.setdefault(t, set()).add(u.chunk)
        # the units (not headings) about each role, or under its heading or lead-in
        self._role_units: dict[str, list[int]] = {}
        self._all_units = [row for row, u in enumerate(index.units) if u.kind != "heading"]
        for row, u in enumerate(index.units):
            if u.kind != "heading":
                for role in set(u.about) | set(u.context_roles):
                    self._role_units.setdefault(role, []).append(row)
        # each query word's family within the words of the units and cells
        self._families = WordFamilies(frozenset(self._chunks_of).union(*self._cell_tokens), _FAMILY_CACHE)

    def _shared(self, aspect: set[str], tokens: frozenset[str]) -> int:
        """How many of the aspect's words `tokens` has, word families counted ("incentivized" has
        "incentive"): `sum(any(same_family(t, u) for u in tokens) for t in aspect)`, from each word's
        family within the index's words, found once."""
        return sum(token in tokens or not self._families(token).isdisjoint(tokens) for token in aspect)

    def clear_cache(self) -> None:
        self._vectors.clear()

    def _embed(self, text: str, aspect: str) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of `text` and `aspect`, each encoded only when not cached, the misses in one call.

        A text's vector does not depend on the text batched with it (padding is masked out; bitwise the
        same, bench/identical.py), so an aspect equal to the question, or one an earlier question had
        ("who does ... report to" for another role), costs no second forward pass.
        """
        aspect = aspect or text
        found = {t: v for t in (text, aspect) if (v := self._vectors.get(t)) is not None}
        missing = [t for t in dict.fromkeys((text, aspect)) if t not in found]
        if missing:
            vectors = self.encoder.encode(missing)
            vectors.setflags(write=False)
            for t, vector in zip(missing, vectors, strict=True):
                self._vectors.put(t, vector)
                found[t] = vector
        return found[text], found[aspect]

    def prepare(self, query: str, timings: dict[str, float] | None = None) -> PreparedQuery:
        """Repair spelling against the corpus vocabulary and canonicalize role names (the encoder's
        milliseconds go into `timings` as "encode")."""
        repaired = repair_spelling(expand_abbreviations(query), self.index.vocabulary)
        tokens = tuple(tokenize(repaired, query=True))
        dense_text = canonicalize_roles(repaired, "name")
        question = analyze(repaired)
        aspect = question.aspect_text
        if "salary" in tokens and "salary" not in dense_text.lower():
            dense_text += " (salary)"  # "comp", "take home", "earn": the encoder knows "salary" best
            aspect += " (salary)"
        if "report" in question.aspect and "report" not in tokens:
            # "who's more senior?", "who does she answer to?": a reporting line, in the articles' words
            tokens += ("report",)
            dense_text += " (reports to)"
            aspect += " (reports to)"
        started = time.perf_counter()
        vector, aspect_vector = self._embed(dense_text, aspect)
        if timings is not None:
            timings["encode"] = (time.perf_counter() - started) * 1000
        unit_aspects = np.asarray(self.index.aspect_vectors) @ aspect_vector
        alone = self.index.alone_rows
        if alone is not None and len(alone):
            # an item that opens a paragraph matches under its list's lead-in or on its own, whichever is closer
            unit_aspects[alone] = np.maximum(unit_aspects[alone], self.index.alone_vectors @ aspect_vector)
        return PreparedQuery(repaired, dense_text, tokens, vector, question, aspect_vector, unit_aspects)

    def dense_scores(self, prepared: PreparedQuery, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.index.vectors.ntotal)
        scores, ids = self.index.vectors.search(prepared.vector.reshape(1, -1), k)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def bm25_scores(self, prepared: PreparedQuery, k: int) -> tuple[np.ndarray, np.ndarray]:
        if not prepared.tokens:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = np.asarray(self.index.bm25.get_scores(list(prepared.tokens)), dtype=np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top, scores[top]

    def aspect_ranking(self, prepared: PreparedQuery, k: int) -> list[int]:
        """Chunks ranked by their best unit's match with the aspect (units carry their heading or
        lead-in, role names removed), so "downsides of a CSO" reaches the "Challenges with a CSO" list."""
        sims = prepared.unit_aspects
        per_chunk = np.maximum.reduceat(sims, self.index.sentence_offsets[:-1]) if len(sims) else sims
        k = min(k, len(per_chunk))
        top = np.argpartition(-per_chunk, k - 1)[:k]
        return top[np.argsort(-per_chunk[top], kind="stable")].tolist()

    def cell_passages(self, prepared: PreparedQuery, exclude: set[int], floor: float) -> list[Passage]:
        """The table row whose cell under the asked role matches the question's aspect better than any
        answer unit does (`floor`), for the answerer to read next to the top passages ("what company stage suits a VP of
        Sales?" meets the VP of Sales' "Company stage" cell, which the row as a whole, both roles' cells,
        hides). Retrieval's ranking is left as it is: the row is quoted from, not ranked."""
        return self._extras([r for r in self.cell_ranking(prepared, floor) if r not in exclude], prepared, exclude)

    def label_passages(self, prepared: PreparedQuery, exclude: set[int]) -> list[Passage]:
        """For two roles set side by side, the table row whose label is the asked aspect and whose columns are
        theirs ("how do their goals differ?" meets "Objectives | Hitting/exceeding sales targets | Maximizing
        revenue growth"), read next to the top passages whatever their rank."""
        q = prepared.question
        asked = set(q.core_roles)
        if len(asked) != 2 or q.answer_type != "comparison" or not q.aspect:
            return []
        aspect = set(q.aspect)
        rows = [u.chunk for u in self.index.units if u.kind == "row" and asked <= set(u.roles)
                and u.chunk not in exclude
                and self._shared(aspect, frozenset(tokenize(table_cells(self.index.chunks[u.chunk], u.text)[0])))]
        return self._extras(list(dict.fromkeys(rows)), prepared, exclude)

    def _extras(self, rows: list[int], prepared: PreparedQuery, exclude: set[int]) -> list[Passage]:
        """Chunks read next to the top passages, as passages ranked after the ones excluded (not by retrieval)."""
        out: list[Passage] = []
        for row in rows:
            dense = float(self.index.vectors.reconstruct(int(row)) @ prepared.vector)
            out.append(Passage(self.index.chunks[row], row, 0.0, dense, 0.0, len(exclude) + len(out)))
        return out

    def cell_ranking(self, prepared: PreparedQuery, floor: float = -1.0) -> list[int]:
        """Table rows ranked by their cell under the asked role (one asked role), above `floor`."""
        q = prepared.question
        asked = set(q.core_roles)
        index = self.index
        # (one role: a question about two reads the whole row, both cells, as it is embedded; none, when the
        # role is what is asked: "which role suits a mid-sized company?" is answered by the column it heads)
        which = not q.roles and q.answer_type == "role"
        if (len(asked) != 1 and not which) or index.cell_vectors is None or not len(index.cell_vectors):
            return []
        wanted = np.fromiter((which or role in asked for role in index.cell_roles), dtype=bool,
                             count=len(index.cell_roles))
        if not wanted.any():
            return []
        sims = np.asarray(index.cell_vectors)[wanted] @ prepared.aspect_vector
        # (a cell with the aspect's words goes first, as in role_passages: "mid-sized" for "what size company")
        aspect = set(q.aspect)
        tokens = [t for t, w in zip(self._cell_tokens, wanted.tolist(), strict=False) if w] if aspect else []
        best: dict[int, float] = {}
        for i, (row, sim) in enumerate(zip(np.asarray(index.cell_chunks)[wanted].tolist(), sims.tolist(), strict=True)):
            if tokens:
                sim += _COVERAGE_WEIGHT * self._shared(aspect, tokens[i]) / len(aspect)
            best[row] = max(best.get(row, -1.0), sim)
        # only a cell that matches the question better than any whole passage does
        # (a role asked for is read from its column's best cell whatever prose matches: prose names no column)
        return [r for r in sorted(best, key=lambda r: (-best[r], r))[:_CELL_ROWS] if which or best[r] > floor]

    def advice_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 3) -> list[Passage]:
        """For what a company should do ("how do we set a CRO up to succeed?"): the chunks of the articles'
        advice sections ("Practical Tips", "Best Practices") whose units best match the aspect."""
        q = prepared.question
        if not q.advice:
            return []
        sims = prepared.unit_aspects
        aspect = set(q.aspect)
        asked = set(q.core_roles)
        best: dict[int, float] = {}
        for unit, sim in zip(self.index.units, sims.tolist(), strict=True):
            if unit.kind == "heading" or unit.chunk in exclude or not advice_section(
                    self.index.chunks[unit.chunk].section):
                continue
            if aspect:
                sim += _COVERAGE_WEIGHT * self._shared(aspect, unit.tokens) / len(aspect)
            if asked & set(unit.roles):  # advice for the asked role: "Give a CRO authority across departments"
                sim += _COVERAGE_WEIGHT * len(asked & set(unit.roles)) / len(asked)
            best[unit.chunk] = max(best.get(unit.chunk, -1.0), sim)
        # (weighed as passages ranked amid the ones read: they were found by what they say, as in unit_passages)
        return [replace(p, rank=_FOUND_RANK + i)
                for i, p in enumerate(self._extras(sorted(best, key=lambda r: -best[r])[:n], prepared, exclude))]

    def rare_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 1) -> list[Passage]:
        """For a word of the aspect that few chunks use and none of the read ones does ("what does a CSO audit?"):
        the chunk that uses it, which fusion can rank low when the rest of the question matches other chunks
        better ("Conduct routine audits of sales tools and methods"). Not for a quantity: a number said of
        another role in that chunk is no answer ("10 years ... before being promoted to CSO" for a CRO)."""
        if prepared.question.quantity:
            return []
        rows: list[int] = []
        for t in sorted(prepared.question.aspect, key=lambda t: len(self._chunks_of.get(t, ()))):
            chunks = self._chunks_of.get(t, set())
            if not chunks or len(chunks) > _RARE_CHUNKS or chunks & exclude:
                continue
            rows += sorted(chunks - set(rows))
            if len(rows) >= n:
                break
        return self._extras(rows[:n], prepared, exclude)

    def unit_passages(self, prepared: PreparedQuery, exclude: set[int]) -> list[Passage]:
        """The chunk of the unit that best says what was asked of the asked role (its aspect match, plus its share
        of the aspect's words), when that unit matches better than any unit of the chunks read (`exclude`): a list
        item deep in a long chunk ("... improve its revenue operations and technology ...") that the chunk's
        vector and words, about much else, rank low."""
        q = prepared.question
        asked = set(q.core_roles)
        # (or of no role, when a role is the answer: "which exec fits if our growth depends on renewals?")
        chooses = not q.roles and q.answer_type == "role"
        if (len(asked) != 1 and not chooses) or not q.aspect or q.quantity or q.without:
            return []
        # (the aspect's words weighed by their rarity over chunks: "enablement" says more than "sales")
        n = len(self.index.chunks) + 1
        weights = {t: math.log(n / (len(self._chunks_of.get(t, ())) + 1)) + 1.0 for t in q.aspect}
        total = sum(weights.values())
        inside, best, where = -1.0, -1.0, -1
        rows = self._role_units.get(next(iter(asked)), []) if asked else self._all_units
        # ("is hiring execs part of the CRO's job?": only the hiring the role does, "Recruiting and retaining
        # senior-level leadership" among its duties, not advice on hiring one)
        hiring = hiring_by(q) & asked
        for row, sim in zip(rows, prepared.unit_aspects[rows].tolist(), strict=True):
            unit = self.index.units[row]
            if hiring and unit_doer(unit) not in hiring:
                continue
            shared = sum(w for t, w in weights.items()
                         if t in unit.tokens or not self._families(t).isdisjoint(unit.tokens))
            score = sim + _COVERAGE_WEIGHT * shared / total
            if unit.chunk in exclude:
                inside = max(inside, score)
            elif score > best:
                best, where = score, unit.chunk
        if where < 0 or best <= inside:
            return []
        # (weighed as a passage ranked amid the ones read, not after them: it was found by what it says)
        return [replace(p, rank=_FOUND_RANK) for p in self._extras([where], prepared, exclude)]

    def next_passages(self, prepared: PreparedQuery, top: list[int], exclude: set[int],
                      onward: bool = False) -> list[Passage]:
        """For a reason ("why does the CRO care about it?"), or what comes of what was just said (`onward`: "what
        do they do with all that info?"): the chunk that goes on from each of the `top` ones in the same section,
        where a paragraph split off by chunking often gives it ("This will ensure that they not only renew but
        also grow in LTV with the company.", "Their job is to combine all that information ...")."""
        if prepared.question.answer_type != "reason" and not onward:
            return []
        chunks = self.index.chunks
        rows = [row + 1 for row in top if row + 1 < len(chunks) and row + 1 not in exclude
                and chunks[row + 1].article_id == chunks[row].article_id
                and chunks[row + 1].section == chunks[row].section]
        return self._extras(list(dict.fromkeys(rows)), prepared, exclude)

    def without_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 1) -> list[Passage]:
        """For a question that sets a role aside ("we have no CRO: who should the CSO team up with?"): the chunks
        whose units set the same role aside ("... if you don't have a CRO"), best aspect match first."""
        without = set(prepared.question.without)
        if not without:
            return []
        best: dict[int, float] = {}
        for row, negated in self.index.negated.items():
            chunk = self.index.units[row].chunk
            if negated & without and chunk not in exclude:
                best[chunk] = max(best.get(chunk, -1.0), float(prepared.unit_aspects[row]))
        return self._extras(sorted(best, key=lambda r: -best[r])[:n], prepared, exclude)

    def side_passages(self, prepared: PreparedQuery, exclude: set[int]) -> list[Passage]:
        """For "any cons to going with a CSO?": the chunk under a heading that names the asked side and role
        ("Challenges with a CSO"), which the question's few words rarely rank high."""
        q = prepared.question
        sides = set(q.aspect) & _SIDES
        if len(sides) != 1 or not 0 < len(q.core_roles) <= 2:
            return []
        side = next(iter(sides))
        rows = []  # (two roles, "pros of a CRO vs a CSO": each one's side)
        for role in q.core_roles:
            rows += [row for row, (tokens, roles) in enumerate(self._headings)
                     if row not in exclude and side in tokens and roles == [role]][:_SIDE_CHUNKS]
        return self._extras(rows, prepared, exclude)

    def definition_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 1) -> list[Passage]:
        """For "what is a CRO, in a nutshell?": the chunks whose units define the asked role ("A CRO, unlike the
        CSO, oversees the entire revenue process"), the plainest definitions first, then the closest to the question."""
        q = prepared.question
        if q.answer_type != "definition" or len(q.core_roles) != 1 or q.aspect:
            return []
        role = q.core_roles[0]
        best: dict[int, tuple[float, float]] = {}
        for row in self._role_units.get(role, []):  # (a unit that defines the role names it, or its FAQ question does)
            unit = self.index.units[row]
            if unit.chunk in exclude:
                continue
            fit = defines(unit, role)
            if fit:
                sim = float(self.index.sentence_vectors[row] @ prepared.vector)
                best[unit.chunk] = max(best.get(unit.chunk, (0.0, -1.0)), (fit, sim))
        return self._extras(sorted(best, key=lambda r: best[r], reverse=True)[:n], prepared, exclude)

    def line_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 1) -> list[Passage]:
        """For "who reports to whom?" between asked roles: the chunks with a unit that states a reporting line
        naming two of them ("Typically, the CSO would report to the CRO"), best matches first; per-role
        passages pass these over (they name more than one asked role)."""
        q = prepared.question
        asked = set(q.core_roles)
        if len(asked) < 2 or "report" not in q.aspect:
            return []
        best: dict[int, float] = {}
        for unit, sim in zip(self.index.units, prepared.unit_aspects.tolist(), strict=True):
            if unit.kind == "heading" or unit.chunk in exclude or "report" not in unit.tokens:
                continue
            if len(asked & set(unit.about)) >= 2 and line_between(unit.text, asked):
                best[unit.chunk] = max(best.get(unit.chunk, -1.0), sim)
        return self._extras(sorted(best, key=lambda r: -best[r])[:n], prepared, exclude)

    def role_passages(self, prepared: PreparedQuery, exclude: set[int], n: int = 2) -> list[Passage]:
        """For comparisons (and "when should we hire X?"): per asked role, the chunks whose units about
        that role best match the aspect (for a condition, among units that state one).

        The facts of "who earns more, a CSO or a CRO?" sit in two single-role passages that a query
        naming both roles rarely ranks high; these go to the answerer next to the fused top k.
        """
        q = prepared.question
        condition = q.answer_type == "condition" and (len(q.core_roles) >= 1 or not q.roles)
        # "does the CSO run marketing too, or just sales?": the units that bound the role's remit
        scope = q.answer_type == "yesno" and len(q.core_roles) >= 1 and q.scope
        if not condition and not scope and (len(q.core_roles) < 2 or not q.aspect_text.strip()):
            return []
        # a condition's aspect is little more than "hire" ("when is a CSO the right hire?"): the units that
        # state when are told apart by the whole question, the role included
        sims = (np.asarray(self.index.sentence_vectors) @ prepared.vector) if condition else prepared.unit_aspects
        pay = "salary" in q.aspect
        # (the encoder puts "downsides" next to "benefits": a unit that has the aspect's words, in it or in
        # its heading or lead-in, goes first: "Challenges with a CSO" for "downsides of a CSO")
        aspect = set(q.aspect) if not condition else set()
        out: list[Passage] = []
        taken = set(exclude)
        # ("when should a company hire at the executive level?" names no role: any unit that states when)
        for role in q.core_roles or ("",):
            best: dict[int, float] = {}
            for unit, sim in zip(self.index.units, sims.tolist(), strict=True):
                if unit.kind == "heading" or (role and role not in unit.about):
                    continue
                if role and not scope and len(set(unit.about) & set(q.core_roles)) != 1:
                    continue
                if scope and not bounds_remit(unit):
                    continue
                if condition and not states_condition(unit):
                    continue  # "when should we hire a CSO?": the passages that state when
                if pay and "$" not in unit.text:
                    continue  # "which one pays more?": the passages that state an amount
                if aspect:  # (word families count: "incentivized" asks for "incentive")
                    sim += _COVERAGE_WEIGHT * self._shared(aspect, unit.tokens) / len(aspect)
                best[unit.chunk] = max(best.get(unit.chunk, -1.0), sim)
            # the n best chunks the answerer does not already read
            for row in [r for r in sorted(best, key=lambda r: -best[r]) if r not in taken][:n]:
                taken.add(row)
                dense = float(self.index.vectors.reconstruct(int(row)) @ prepared.vector)
                out.append(Passage(self.index.chunks[row], row, 0.0, dense, 0.0, len(exclude) + len(out)))
        return out

    def chunk_roles(self, row: int) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(primary, all, own) roles of a chunk: primary from its FAQ question or section, else its
        text; all from its section and text; own from its text alone."""
        cached = self._roles.get(row)
        if cached is None:
            chunk = self.index.chunks[row]
            heading = chunk.text.split("\n", 1)[0] if chunk.kind == "faq" else ""
            primary = set(find_roles(heading))
            for part in reversed((chunk.section or "").split(" > ")):
                primary = primary or set(find_roles(part))
            every = frozenset(find_roles(chunk.context_text(with_title=False)))
            own = frozenset(find_roles(chunk.text))
            if not every and _ROLE_CLASS.search(chunk.context_text(with_title=False)):
                # what is said of sales leaders in general is said of each of them ("How can leveraging AI
                # tools benefit sales leaders?" answers a question about the CRO's AI tools)
                every = own = frozenset(CORE_ROLES)
            cached = (frozenset(primary) or every, every, own)
            self._roles[row] = cached
        return cached

    def _role_rerank(self, prepared: PreparedQuery, fused: dict[int, float]) -> dict[int, float]:
        """Favour passages about the roles asked for; demote those about other roles."""
        asked = set(prepared.question.roles)  # roles the question asks about (not "we have no CRO")
        if not asked:
            return fused
        boost, demote = self.role_weights
        out = {}
        for row, score in fused.items():
            primary, every, own = self.chunk_roles(row)
            cover = len(asked & every) / len(asked)
            # a passage filed under other roles, that does not name the asked ones either
            conflict = bool(primary) and not (asked & primary) and not (asked & own)
            out[row] = score * (1 + boost * cover) * (1 - demote * conflict)
        return out

    def search(self, query: str | PreparedQuery, k: int = 5, mode: str = "hybrid",
               timings: dict[str, float] | None = None) -> list[Passage]:
        """The top `k` passages for `query`, best first; per-stage milliseconds go into `timings`."""
        t0 = time.perf_counter()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        prepared = query if isinstance(query, PreparedQuery) else self.prepare(query)
        depth = max(self.candidate_k, k)
        dense_ids, dense_vals = self.dense_scores(prepared, depth)
        t1 = time.perf_counter()
        bm_ids, bm_vals = self.bm25_scores(prepared, depth) if mode != "dense" else (np.zeros(0, int), np.zeros(0))
        t2 = time.perf_counter()
        dense_of = dict(zip(dense_ids.tolist(), dense_vals.tolist(), strict=True))
        bm_of = dict(zip(bm_ids.tolist(), bm_vals.tolist(), strict=True))

        fused: dict[int, float] = {}
        if mode == "dense":
            fused = dict(dense_of)
        elif mode == "bm25":
            fused = dict(bm_of)
        else:
            rankings = [dense_ids.tolist(), bm_ids.tolist()]
            weights = list(self.weights)
            q = prepared.question
            # (a condition's aspect leaves out choosing the role, but its words still rank units)
            if self.aspect_weight and (q.aspect or (q.answer_type == "condition" and q.aspect_words)):
                rankings.append(self.aspect_ranking(prepared, depth))
                weights.append(self.aspect_weight)
            for weight, ranking in zip(weights, rankings, strict=True):
                for rank, row in enumerate(ranking):
                    fused[row] = fused.get(row, 0.0) + weight / (self.rrf_k + rank + 1)
        if mode == "hybrid" and self.role_weights != (0.0, 0.0):
            fused = self._role_rerank(prepared, fused)
        order = sorted(fused, key=lambda row: (-fused[row], row))[:k]
        missing = [row for row in order if row not in dense_of]
        if missing:  # BM25-only hits still get a cosine, for answering and abstention
            vecs = np.stack([self.index.vectors.reconstruct(int(r)) for r in missing])
            dense_of.update(zip(missing, (vecs @ prepared.vector).tolist(), strict=True))
        passages = [
            Passage(self.index.chunks[row], row, float(fused[row]), float(dense_of[row]), float(bm_of.get(row, 0.0)), i)
            for i, row in enumerate(order)
        ]
        if timings is not None:
            timings.update(dense=(t1 - t0) * 1000, bm25=(t2 - t1) * 1000, fuse=(time.perf_counter() - t2) * 1000)
        return passages


# the class the core roles belong to, named without naming one of them
_ROLE_CLASS = re.compile(r"\bsales\s+leaders?(?:hip)?\b", re.IGNORECASE)


# the articles' advice to the reader: "Practical Tips: Choosing and Working with a CRO or CSO", "Best Practices"
_ADVICE_SECTION = re.compile(r"\btips?\b|\bbest practices?\b|\bhow to\b|\bworking with\b|\badvice\b|\bchecklist\b|"
                             r"\brecommendations?\b", re.IGNORECASE)


def advice_section(section: str | None) -> bool:
    """Whether a chunk's section path is one of the articles' advice sections."""
    return bool(section and _ADVICE_SECTION.search(section))


_SIDES = frozenset(("drawback", "benefit"))  # the two sides of pros-and-cons lists (lexicon.TERM_GROUPS)
_SIDE_CHUNKS = 2


def line_between(text: str, asked: set[str]) -> bool:
    """Whether `text` has one asked role report to another ("the CSO would report to the CRO"; not "VPs of Sales
    report to the CSO or CRO", a line from a third role)."""
    spans = role_spans(text)
    for m in REPORTS_TO.finditer(text):
        before = {key for _, end, key in spans if end <= m.start()} & asked
        after = {key for start, _, key in spans if start >= m.end()} & asked
        if any(a != b for a in before for b in after):
            return True
    return False
