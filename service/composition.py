"""Composing an extractive answer from scored units, by the expected answer type.

Quotes are never reworded. The only words added are connectives and role names taken from the
article's own headings, FAQ questions or table columns (so "He or she must create the comp plan"
reads "CRO: He or she must create the comp plan").
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.conversation import short_name
from service.index import Index
from service.lexicon import ROLES_BY_KEY, find_roles, role_spans, stated_line, tokenize
from service.question import OR_NOT, Question, analyze
from service.units import Unit, antecedent, conditional, role_columns, states_condition, table_cells

if TYPE_CHECKING:
    from service.answering import AnswerSettings, Candidate

# a unit that gives a reason ("..., ensuring that ...", "because ...", "so that ...")
GIVES_REASON = re.compile(r"\b(?:because|since|so that|in order to|ensur(?:e|es|ing)|which (?:means|allows|helps)|"
                           r"allow(?:s|ing)|help(?:s|ing)|as a result|that way|this way|thereby|due to)\b",
                           re.IGNORECASE)
# "Yes, especially in large organizations.": a reply that means nothing without its question
BARE_REPLY = re.compile(r"^\s*(?:yes|no)\b", re.IGNORECASE)
_PRONOUN_START = re.compile(r"^(?:they|their|them|this|these|those|it|its|he|she|his|her)\b", re.IGNORECASE)


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


def _short(role: str) -> str:
    return re.sub(r"^the\s+", "", short_name(role))


def render(cand: Candidate, roles: list[str] | tuple[str, ...] | None = None) -> str:
    """A unit as it reads in an answer; a table row becomes "Label: column: cell; ..."."""
    unit = cand.unit
    if unit.kind != "row":
        text = quoted(cand).strip()
        return text if text.endswith((".", "!", "?")) else text + "."
    label, columns = table_cells(cand.passage.chunk, unit.text)
    if roles:
        columns = role_columns(cand.passage.chunk, unit.text, roles)[1] or columns
    return f"{label}: " + "; ".join(f"{h}: {c}" for h, c in columns) + "."


def _columns(q: Question, cand: Candidate) -> tuple[str, ...]:
    """The roles whose columns of a table row to quote: the asked ones; when the role is what is asked
    ("which role suits a mid-sized company?"), the column whose cell has most of the aspect's words."""
    if q.roles or cand.unit.kind != "row" or q.answer_type != "role":
        return q.roles
    _, columns = table_cells(cand.passage.chunk, cand.unit.text)
    scored = [(len(set(tokenize(cell)) & set(q.aspect)), find_roles(header)) for header, cell in columns]
    top = max((score for score, _ in scored), default=0)
    winners = [role for score, roles in scored if score == top for role in roles]
    return tuple(winners) if top and len(winners) < sum(len(roles) for _, roles in scored) else ()


def quoted(cand: Candidate) -> str:
    """The exact article text a unit quotes (a list item's whole line)."""
    chunk = cand.passage.chunk
    return chunk.text[cand.unit.span[0] - chunk.start : cand.unit.span[1] - chunk.start]


def _with_role(cand: Candidate, text: str, q: Question) -> str:
    """Name the role a pronoun-led unit is about, from its heading, lead-in or FAQ question."""
    unit = cand.unit
    if unit.kind == "row":
        return text
    if q.answer_type == "condition" and unit.kind == "item" and states_condition(unit) and not conditional(text):
        # an item of "Organizations benefit from a CSO when:" states the condition only under its lead-in
        return f"{_lead(unit.context)}: {text}"
    if q.answer_type == "role":
        # the answer is a role: name it when the quote names none but the asked ones
        others = [r for r in unit.context_roles if r not in q.roles]
        if len(others) == 1 and not set(find_roles(text)) - set(q.roles):
            return f"{_short(others[0])}: {text}"
        # the role the quote speaks of without naming it, even one the question names as its setting
        # ("In a company with a CRO, who coaches the VP of Sales?": "Coaching ... the VP of Sales" is the CRO's)
        subject = unit.subject or (unit.context_roles[0] if len(unit.context_roles) == 1 else "")
        if subject and subject not in find_roles(text) and not others:
            return f"{_short(subject)}: {text}"
    if unit.roles:
        return text
    if _PRONOUN_START.match(text) and (unit.subject or len(unit.context_roles) == 1):
        return f"{_short(unit.subject or unit.context_roles[0])}: {text}"
    if unit.kind == "item" and unit.subject:
        # a duty with no subject, quoted without its list: whose it is ("Recruiting and retaining senior-level
        # leadership ..." under "The CRO's day-to-day responsibilities ...")
        return f"{_short(unit.subject)}: {text}"
    return text


def _words(text: str) -> int:
    return len(text.split())


def _overlap(a: str, b: str) -> float:
    ta, tb = set(tokenize(a)), set(tokenize(b))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def follows(cand: Candidate, previous: Candidate) -> bool:
    """Whether `cand` comes right after `previous` in the same passage."""
    if cand.passage.index != previous.passage.index:
        return False
    chunk = cand.passage.chunk
    between = chunk.text[previous.unit.sentence.end - chunk.start : cand.unit.sentence.start - chunk.start]
    return cand.unit.sentence.start - previous.unit.sentence.end >= 0 and not between.strip()


def _goes_on(cand: Candidate, previous: Candidate) -> bool:
    """Whether `cand` is the next sentence of `previous`'s paragraph and has a role `previous` speaks of as its
    subject."""
    if not follows(cand, previous) or cand.unit.kind not in ("text", "item", "faq"):
        return False
    chunk = cand.passage.chunk
    if "\n" in chunk.text[previous.unit.sentence.end - chunk.start : cand.unit.sentence.start - chunk.start]:
        return False
    subject = antecedent(cand.unit)
    return bool(subject) and subject in previous.unit.about


def _on_aspect(cand: Candidate) -> bool:
    """Whether a unit speaks of what was asked (most of the aspect's words, or its meaning)."""
    return cand.coverage >= 0.4 or cand.aspect >= 0.5


def _near_aspect(cand: Candidate) -> bool:
    """Whether a unit has some of the words asked (or the meaning, as `_on_aspect`): enough for a unit that
    names the role a who-question asks for, once the best unit has said what is done ("collaborates with
    CRO, CEO, and CFO")."""
    return cand.coverage >= 0.3 or cand.aspect >= 0.5


_CLAUSES = re.compile(r"[;,]?\s+(?:while|whereas|but|unlike)\s+|;\s+", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """The clauses of a sentence that sets roles against each other ("..., while ...", "...; ...")."""
    return [c for c in _CLAUSES.split(text) if c.strip()]


def _clause_has(text: str, role: str, aspect: tuple[str, ...]) -> bool:
    """Whether the clause of `text` about `role` has a word of the aspect, when `text` sets roles against each other
    ("A CRO is someone with an investing mentality, while a VP of sales is focused on ..." says the VP of Sales'
    focus, not the CRO's); a sentence of one clause has it."""
    clauses = _clauses(text)
    about = [c for c in clauses if role in find_roles(c)]
    if len(clauses) < 2 or len(about) != 1 or not aspect:
        return True
    return bool(set(tokenize(about[0])) & set(aspect))


def _names_role(cand: Candidate, q: Question) -> bool:
    """Whether a unit names a role other than the asked ones (a table row: in its cells too)."""
    return bool(set(find_roles(cand.text)) - set(q.roles))


# a question after the means: "how does a CSO help ...?" (not "how much", "how long", "how often")
_HOW = re.compile(r"^\W*(?:(?:and|so|but|ok|okay|then)\W+)*how\s+(?:do|does|did|can|could|should|would|will)\b",
                  re.IGNORECASE)
# a sentence that hands a matter to a role without saying how: "a CSO can take on that responsibility"
_HANDS_OVER = re.compile(r"\b(?:take|takes|taking)\s+(?:on|over|care of)\s+(?:that|this|the|these|those)\b[^.,;]*"
                         r"[.!]?\s*$|\b(?:that|this)\s+is\s+where\b", re.IGNORECASE)
# "what does X even mean?", "the meaning of X", "what's this 'investing mentality' thing?" (a term in quotes)
_MEANING = re.compile(r"\bmean(?:s|t|ing)?\b|\bwhat\b.*['‘\"“]\w[^'’\"”?]{2,40}['’\"”]", re.IGNORECASE)
# a sentence that explains: "This means taking into account ...", "..., i.e. ...", "in other words"
_EXPLAINS = re.compile(r"^\s*(?:this|that|it)\s+means\b|\bi\.e\.|\bin other words\b|\brefers to\b", re.IGNORECASE)
_EXPLAIN_DEPTH = 8  # how far down the candidates an explaining sentence is looked for
# a question for a product by its name: "any particular sales tool you'd recommend?", "what software should they use?"
_ASKS_PRODUCT = re.compile(r"\b(?:tools?|software|platforms?|crms?|apps?|products?|vendors?|technology|tech|stack)\b",
                           re.IGNORECASE)
# a sentence that opens with a name of two words or more and goes on about it: "Salesforce Sales Cloud is designed
# to ..." (not a list item's label: "Sales Process Optimization: ...")
_NAME_START = re.compile(r"^(?!(?:The|A|An|This|That|These|Those|It|Its|They|Their|He|She|In|By|For|With|As|To|When|"
                         r"While|If|Chief|Vice|VP|VPs|CSO|CRO|CSOs|CROs)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+(?=\s+[a-z])")
_REMARK = re.compile(r"^\s*(?:This|That)\s+(?:is|was|'s)\b")
_FAQ_MATCH = 0.9  # an article's FAQ asks what was asked (its answer inherits the question's similarity)
_ENUMERATES = re.compile(r",\s+(?:and|or)\s|\b(?:including|such as)\b|:", re.IGNORECASE)


@dataclass
class _Part:
    cands: list[Candidate]
    text: str


def _lead(text: str) -> str:
    return text.strip().rstrip(":.").strip()


def _introduces(lead_in: Candidate, item: Candidate) -> bool:
    """Whether `lead_in` is the sentence that introduces the list `item` belongs to."""
    return item.unit.kind == "item" and _lead(item.unit.context) == _lead(lead_in.text)


def _introduced_items(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """The list items a lead-in sentence introduces ("... are primarily focused around" + items)."""
    if best.unit.kind == "item":
        return []
    return [c for c in cands if _introduces(best, c)]


def _list_part(q: Question, best: Candidate, cands: list[Candidate], budget: int, force: bool = False) -> _Part | None:
    """The items of `best`'s list under their lead-in: "<lead-in>: <item>; <item>; <item>"."""
    list_id = best.unit.list_id
    siblings = [c for c in cands if c.unit.list_id == list_id]
    near = [c for c in cands[:8] if c.unit.list_id == list_id]
    if not force and q.answer_type != "list" and (len(near) < 2 or q.answer_type == "yesno"):
        return None
    lead = _lead(best.unit.context)
    heading = (best.passage.chunk.section or "").split(" > ")[-1]
    if q.aspect and not force and not set(tokenize(f"{lead} {heading}")) & set(q.aspect):
        # the list is not about what was asked ("Core Responsibilities" for a metrics question):
        # only its items that are, or that score as well as the best one ("Working with the marketing team, account
        # managers, and customers to ensure that the pipeline is filled ..." beside the best item of the list)
        siblings = [c for c in siblings if c is best or _on_aspect(c) or c.score >= best.score - _SIBLING_MARGIN]
    roles = best.unit.context_roles
    if (q.core_roles or q.answer_type == "role") and not find_roles(lead) and roles:
        lead = f"{lead} ({', '.join(_short(r) for r in roles)})"
    chosen, texts = _fit_items(siblings, budget - _words(lead) - 2, clip=False)
    if len(chosen) < len({c.unit.span for c in siblings}):
        # a long item crowds out the rest ("Working with the marketing team, ... and that customers receive the
        # correct products and services"): its first clauses leave room for more of the list
        clipped = _fit_items(siblings, budget - _words(lead) - 2, clip=True)
        if len(clipped[0]) > len(chosen):
            chosen, texts = clipped
    if len(chosen) < (1 if force or q.answer_type == "role" else 2):
        return None
    order = sorted(range(len(chosen)), key=lambda i: chosen[i].unit.row)
    items = "; ".join(texts[i] for i in order)
    return _Part([chosen[i] for i in order], f"{lead}: {items}.")


# two things asked at once: "degree + yrs of experience", "base and bonus", "A as well as B"
_TWO_THINGS = re.compile(r"([\w-]+)\s*(?:\+|&|\band\b|\bas well as\b|\bplus\b)\s*(?:(?:the|a|an|their|its|his|her)\s+)?"
                         r"([\w-]+)", re.IGNORECASE)
_PART_DEPTH = 10
_PART_MARGIN = 0.3
_SIBLING_MARGIN = 0.05  # an item of the best unit's list this close to it is quoted with it (dev: +7, -2)
_NEAR_ITEMS = 3  # items of one list near the best unit's score that make the list an answer of its own
_CLIP_WORDS = 20  # a list item longer than this may be cut at a comma to make room for more of the list


def _clip(text: str) -> str:
    """`text` cut after its last comma within the first `_CLIP_WORDS` words (with "…"), or whole."""
    tokens = text.split()
    if len(tokens) <= _CLIP_WORDS:
        return text
    # (within the first sentence: "... goals and strategies. Then, reporting on ..." is not cut at "Then,")
    end = next((i for i, t in enumerate(tokens) if t.endswith((".", "!", "?"))), len(tokens))
    cut = max((i for i, t in enumerate(tokens[:min(_CLIP_WORDS, end)]) if t.endswith((",", ";"))), default=-1)
    if cut < 7:
        return text
    return " ".join(tokens[:cut + 1]).rstrip(",;") + " …"


def _fit_items(siblings: list[Candidate], budget: int, clip: bool) -> tuple[list[Candidate], list[str]]:
    """The best-scored items of a list that fit in `budget` words, and the text each is quoted with (with `clip`,
    every item but the best one cut short)."""
    chosen: list[Candidate] = []
    texts: list[str] = []
    spans: set[tuple[int, int]] = set()
    words = 0
    for cand in sorted(siblings, key=lambda c: -c.score):
        if cand.unit.span in spans:  # two sentences of one item quote the same line
            continue
        spans.add(cand.unit.span)
        text = quoted(cand).strip().rstrip(".")
        if clip and chosen:
            text = _clip(text)
        extra = _words(text) + 1
        if words + extra > budget:
            continue
        chosen.append(cand)
        texts.append(text)
        words += extra
    return chosen, texts


def _faq_answer(q: Question, cands: list[Candidate], cfg: AnswerSettings) -> list[_Part]:
    """ "What are the differences between a CSO, a CRO and a VP of Sales?" asked as an article's FAQ asks it:
    that FAQ's answer, when its sentences speak of every asked role (an overview of all three roles)."""
    if q.aspect or len(q.core_roles) < 3:  # (two roles: the sentences that set those two side by side)
        return []
    for cand in cands[:10]:
        if cand.unit.kind != "faq" or cand.similarity < _FAQ_MATCH:
            continue
        answer = sorted((c for c in cands if c.passage.index == cand.passage.index and c.unit.kind == "faq"),
                        key=lambda c: c.unit.row)
        if set(q.core_roles) <= {r for c in answer for r in c.unit.about}:
            parts, words = [], 0
            for c in answer[: max(cfg.max_sentences, len(q.core_roles))]:
                if words + _words(c.text) > cfg.max_words:
                    break
                parts.append(_Part([c], render(c, _columns(q, c))))
                words += _words(c.text)
            return parts
    return []


def _select(q: Question, cands: list[Candidate], cfg: AnswerSettings,
            paragraph_items: frozenset[int] = frozenset()) -> list[_Part]:
    faq = _faq_answer(q, cands, cfg)
    if faq:
        return faq
    best = cands[0]
    parts: list[_Part] = []
    introduced = _introduced_items(best, cands)
    # an item that opens a paragraph is that paragraph's topic: asked about what it says, not for the list, it
    # answers with the paragraph's next sentence ("As businesses grow, ... a CSO can take on that responsibility.
    # A CSO will make expansion plans ...") (dev: +13 turns, -1)
    # ("what's the upside of hiring a CSO?" asks for what the lead-in announces, "key benefits": the list)
    topic = (best.unit.row in paragraph_items and q.answer_type != "list"
             and not (set(tokenize(best.unit.context)) & set(q.aspect)) - {"hire"})
    if introduced:  # a lead-in says nothing by itself: its items are the answer
        part = _list_part(q, introduced[0], cands, cfg.max_words, force=True)
        if part:
            parts.append(part)
    elif best.unit.kind == "item" and not topic:
        # "why do people say a CSO ends up siloed?" met by one of the "Challenges with a CSO": the reason is the
        # list it is one of
        sided = q.answer_type == "reason" and not GIVES_REASON.search(best.text) and bool(
            {"benefit", "drawback"} & set(tokenize(f"{best.unit.context} {best.passage.chunk.section or ''}")))
        part = _list_part(q, best, cands, cfg.max_words, force=sided)
        if part:
            parts.append(part)
    if not parts:
        parts.append(_Part([best], _with_role(best, render(best, _columns(q, best)), q)))
    used = {c.unit.row for p in parts for c in p.cands}
    words = sum(_words(p.text) for p in parts)

    def add(cand: Candidate, text: str) -> bool:
        """Quote `cand` as `text` when it fits in what is left of the answer's words."""
        nonlocal words
        if words + _words(text) > cfg.max_words:
            return False
        parts.append(_Part([cand], text))
        used.add(cand.unit.row)
        words += _words(text)
        return True

    # a list question answered by a sentence that lists nothing ("A CRO ... oversees the entire revenue
    # process.") goes on in the next sentence when that one continues it ("Their domain blends sales, ...")
    lists_nothing = q.answer_type == "list" and best.unit.kind in ("text", "faq") and not _ENUMERATES.search(best.text)
    # a reason goes on in the next sentence when that one still speaks of what was asked
    # (and so does one that gives no reason at all: "The CRO must know the top deals to close." Not only for ...)
    reason_goes_on = q.answer_type == "reason" and any(
        follows(c, best) and (_on_aspect(c) or (not GIVES_REASON.search(best.text) and _words(best.text) <= 12))
        for c in cands)
    # a short remark on the best sentence completes it ("They will rip apart your CRM ... This is the reason you
    # hired them!")
    remark = any(follows(c, best) and _REMARK.match(c.text) and _words(c.text) <= 8 for c in cands)
    # "how does a CSO help sales scale?" met by a sentence that hands the matter to the role and stops ("...,
    # and a CSO can take on that responsibility."): the means are in the paragraph's next sentence, with the
    # same role as its subject ("A CSO will make expansion plans ...")
    means_go_on = bool(_HOW.match(q.text)) and bool(_HANDS_OVER.search(best.text)) and any(
        _goes_on(c, best) for c in cands)
    # "is there a particular sales tool for a CSO?" met by "they need the right sales technology ...": the product
    # is named in the next sentence ("Salesforce Sales Cloud is designed to ...")
    product_goes_on = bool(_ASKS_PRODUCT.search(q.text)) and any(
        follows(c, best) and _NAME_START.match(c.text) for c in cands)
    # pay asked with no kind named ("tell me about VP sales comp") met by one kind of it ("The average base salary
    # ... $100,000 and $275,000"): the next sentence's other amount comes too ("Total compensation ... $600,000")
    pay_goes_on = (q.answer_type == "amount" and "salary" in q.aspect and "$" in best.text
                   and not _PAY_QUALIFIER.search(q.text)
                   and any(follows(c, best) and "$" in c.text and "salary" in c.unit.tokens for c in cands))
    if BARE_REPLY.match(best.text) or (best.coverage >= 0.8 and _words(best.text) <= 12 and q.aspect) or (
            pay_goes_on) or (
            lists_nothing and any(follows(c, best) and _PRONOUN_START.match(c.text) for c in cands)) or (
            reason_goes_on or remark or means_go_on or product_goes_on or topic):
        # "Yes, especially in large organizations." goes on in the next sentence, and so does a short
        # sentence that only restates the question ("The CRO must know the top deals to close.")
        following = next((c for c in cands if follows(c, best)), None)
        # (not a sentence of a line already quoted whole: an item's second sentence)
        quoted_spans = {c.unit.span for p in parts for c in p.cands}
        if following and following.unit.span not in quoted_spans and words + _words(following.text) <= cfg.max_words:
            parts.append(_Part([following], render(following, _columns(q, following))))
            used.add(following.unit.row)
            words += _words(following.text)
    # A who-question whose best unit names nobody ("works closely with other C-suite executives") goes on
    # to the best unit near it that names a role ("collaborates with CRO, CEO, and CFO")
    if q.answer_type == "role" and not _names_role(best, q):
        naming = next((c for c in cands[1:] if c.score >= best.score - cfg.role_margin and _names_role(c, q)
                       and _near_aspect(c) and c.unit.row not in used), None)
        if naming:
            add(naming, _with_role(naming, render(naming, _columns(q, naming)), q))
    # "what does 'investing mentality' mean?" met by the sentence that uses the term: the one that explains it
    # ("... from an investor's perspective. This means taking into account your partners ...") comes with it
    if _MEANING.search(q.text) and not any(_EXPLAINS.search(c.text) for p in parts for c in p.cands):
        for cand in cands[1:_EXPLAIN_DEPTH]:
            if cand.unit.row in used or cand.coverage <= 0:
                continue
            explained = next((c for c in cands if follows(c, cand) and _EXPLAINS.search(c.text)), None)
            if not (explained or _EXPLAINS.search(cand.text)):
                continue
            chosen = [cand] + ([explained] if explained and explained.unit.row not in used else [])
            text = " ".join(render(c, _columns(q, c)) for c in chosen)
            if words + _words(text) <= cfg.max_words:
                for c in chosen:
                    parts.append(_Part([c], render(c, _columns(q, c))))
                    used.add(c.unit.row)
                words += _words(text)
            break
    # Comparisons and relations: every asked role gets its clause.
    if len(q.core_roles) > 1:
        def on_aspect(c: Candidate) -> bool:
            # (a pay comparison: a unit that states an amount of pay; "base salary" is in neither role's
            # salary sentence)
            return _on_aspect(c) or ("salary" in q.aspect and "$" in c.text and "salary" in c.unit.tokens)

        for role in q.core_roles:
            if any(role in c.unit.about and on_aspect(c) and _clause_has(c.text, role, q.aspect)
                   for p in parts for c in p.cands):
                continue
            if q.focus and role != q.focus:
                continue  # ("a CSO rather than a CRO" asks of the CSO; the CRO is the alternative)
            # (a unit that names the role, or is about it alone, and has a word of what was asked comes first:
            # "The primary metrics of the CRO are ..." before a paragraph about both that says neither's metrics)
            own = [c for c in cands[1:] if c.coverage > 0 and (role in find_roles(c.text) or c.unit.about == (role,))]
            for cand in [*own, *(c for c in cands[1:] if c not in own)]:
                if cand.unit.row in used or role not in cand.unit.about or not on_aspect(cand):
                    continue
                if _introduced_items(cand, cands):
                    continue  # a lead-in says nothing by itself ("... are primarily focused around")
                if cand.score < best.score - 0.35 and q.answer_type != "comparison":
                    break  # (a comparison needs the other side, however much better the first one matched)
                # (an item of the role's own list comes with its siblings: "Benefits of a CSO: ...; ...")
                listed = (_list_part(q, cand, cands, cfg.max_words - words)
                          if cand.unit.kind == "item" and q.answer_type == "comparison" else None)
                if listed:
                    parts.append(listed)
                    used.update(c.unit.row for c in listed.cands)
                    words += _words(listed.text)
                    break
                add(cand, _with_role(cand, render(cand, _columns(q, cand)), q))
                break
    # A question that asks two things at once ("degree + years of experience?", "what do they earn and who do
    # they report to?"): a word of the aspect no quoted unit has is answered by the best unit that has it
    if len(q.aspect) > 1 and any(set(tokenize(m.group(1))) & set(q.aspect) and set(tokenize(m.group(2))) & set(q.aspect)
                                 for m in _TWO_THINGS.finditer(q.text)):
        had = {t for p in parts for c in p.cands for t in c.unit.tokens}
        for token in [t for t in q.aspect if t not in had]:
            found = next((c for c in cands[1:_PART_DEPTH] if token in c.unit.tokens and c.unit.row not in used
                          and c.score >= best.score - _PART_MARGIN), None)
            if found is None or len(parts) >= cfg.max_sentences:
                continue
            if add(found, _with_role(found, render(found, _columns(q, found)), q)):
                had |= found.unit.tokens
    for cand in cands[1:]:
        if len(parts) >= cfg.max_sentences or cand.score < best.score - cfg.extra_margin:
            break
        if cand.unit.row in used or any(_overlap(cand.text, c.text) > 0.6 for p in parts for c in p.cands):
            continue
        if q.focus and cand.unit.about and q.focus not in cand.unit.about:
            continue  # "a CSO rather than a CRO": what is said of the CRO alone is the alternative's
        if any(_introduces(cand, c) for p in parts for c in p.cands):
            continue  # the lead-in of a list already quoted under it
        if cand.unit.list_id >= 0 and any(cand.unit.list_id == c.unit.list_id for p in parts for c in p.cands):
            continue
        near = [c for c in cands if c.unit.list_id >= 0 and c.unit.list_id == cand.unit.list_id
                and c.score >= best.score - cfg.extra_margin]
        listed = _list_part(q, cand, [c for c in cands if c.unit.list_id != cand.unit.list_id or c in near],
                            cfg.max_words - words) if len({c.unit.span for c in near}) >= _NEAR_ITEMS else None
        if listed and len(listed.cands) >= 2:
            # several items of one list answer about as well as the best unit: they come as that list
            # ("Organizations benefit from a CSO when: They have complex sales cycles ...; Sales is the main ...")
            parts.append(listed)
            used.update(c.unit.row for c in listed.cands)
            words += _words(listed.text)
            continue
        text = render(cand, _columns(q, cand))
        if _PRONOUN_START.match(cand.text) and not any(follows(cand, c) for p in parts for c in p.cands):
            # "They ..." makes sense right after its antecedent, or with the role it stands for named
            named = _with_role(cand, text, q)
            if named == text:
                continue
            text = named
        add(cand, text)
    # Passages keep the order they were first chosen in; units of one passage read best in their order.
    order: dict[int, int] = {}
    for p in parts:
        order.setdefault(p.cands[0].passage.index, len(order))
    return sorted(parts, key=lambda p: (order[p.cands[0].passage.index], p.cands[0].unit.row))


_NEGATION = re.compile(r"\b(?:not|no|nah|nope|never|only|just|without|cannot|can't|don't|doesn't|isn't|aren't|won't|"
                       r"ever|neither|nor|rather than|instead|or|overkill)\b|n't\b", re.IGNORECASE)


def _affirms(q: Question, best: Candidate, part: _Part) -> bool:
    """Whether a yes/no question's best unit plainly says yes: it covers what was asked, about the
    asked role, and neither the question nor the quote hedges or negates."""
    if part.cands[0] is not best or BARE_REPLY.match(best.text):
        return False
    if not (best.coverage >= 0.6 or best.aspect >= 0.5 or (best.coverage >= 0.35 and best.aspect >= 0.4)
            or (best.coverage >= 0.4 and best.aspect >= 0.3)):
        # it says what was asked, in words or in meaning
        return False
    if q.core_roles and not set(q.core_roles) <= set(best.unit.about) | set(find_roles(best.passage.chunk.text)):
        return False
    if _DEPENDS.search(best.text):  # ("should a startup hire a CRO?" met by "Consider hiring a CRO if your ...")
        return False
    # ("or" in the question offers another answer; in the quote it only joins words: "Sandler or Challenger")
    # ("... too, or is that someone else's thing?", "... or nah": the other answer is only no)
    # ("is the CSO just as data driven?": "just as" sets two alike, it hedges nothing)
    asked = re.sub(r"\bjust\s+(?=as\b|like\b)", "", OR_NOT.sub("", q.text), flags=re.IGNORECASE)
    return not _NEGATION.search(asked) and not _NEGATION.search(re.sub(r"\bor\b", " ", best.text)) and (
        len(q.core_roles) <= 1 or _does_to(q.text, best.unit))


# a kind of pay, or one end of its range: "base", "total", "bonus", "top end"
_PAY_QUALIFIER = re.compile(r"\b(?:base|total|bonus\w*|incentives?|commissions?|equity|ote|on-target|variable|"
                            r"max\w*|top|highest|min\w*|lowest|starting|entry|average|median|typical|range)\b",
                            re.IGNORECASE)


# a yes/no question whose first role does something: "does the CRO ..."
_DOES_ROLE = re.compile(r"^\W*(?:so\s+|and\s+)?(?:do|does|did|can|will|would|should)\s+"
                        r"(?:the\s+|a\s+|an\s+|our\s+|your\s+)?$", re.IGNORECASE)
_SETS_SIDE_BY_SIDE = re.compile(r"\b(?:and|or|vs|versus|than|both|more|less|as|like)\b", re.IGNORECASE)


def _does_to(question: str, unit: Unit) -> bool:
    """Whether a yes/no question asks whether one role does something to another ("does the CRO coach the VP?")
    and `unit` says its first role does it to the second ("Coaching and supporting the VP of Sales ..." in the
    CRO's list)."""
    spans = role_spans(question)
    if len(spans) != 2 or not _DOES_ROLE.match(question[: spans[0][0]]):
        return False
    (_, end, doer), (start, _, done_to) = spans
    if _SETS_SIDE_BY_SIDE.search(question[end:start]):
        return False
    subject = unit.subject or (unit.context_roles[0] if unit.kind == "item" and len(unit.context_roles) == 1 else "")
    return subject == doer and done_to in unit.about


_ALTERNATIVE = re.compile(r",?\s+or\s+(?:is it\s+|is that\s+|are they\s+|do they\s+|does it\s+)?"
                          r"(?:just|only|merely|solely|purely)\s+", re.IGNORECASE)
_ALIKE = re.compile(r"\b(?:like|the way|the same as|just as|as well as)\b", re.IGNORECASE)
_EXCLUSIVE = re.compile(r"\b(?:exclusively|solely|purely|only|just)\b", re.IGNORECASE)
_INCLUSIVE = re.compile(r"\bnot\s+(?:just|only)\b|\bas well as\b|\bbeyond\b|\balso\b|\bincluding\b", re.IGNORECASE)


_MEANS_IT = 0.4  # a unit's match to the asked aspect, in meaning, that is as good as naming most of its words


def _remit_reply(q: Question, part: _Part) -> str:
    """"Yes." or "No." for "does the CSO run marketing too, or just sales?", when the quoted clause about the
    asked role answers it plainly: it names the first option or reaches beyond ("not just sales, but also ..."),
    or it bounds the remit to the second option ("focuses exclusively on sales"); "" when it does not say."""
    split = _ALTERNATIVE.split(q.text, maxsplit=1)
    if len(q.core_roles) != 1 or len(part.cands) != 1 or len(split) != 2:
        return ""
    first, second = set(analyze(split[0]).aspect), set(analyze(split[1]).aspect)
    cand = part.cands[0]
    text = cand.text
    if cand.unit.kind == "row":  # a row: the asked role's cell alone
        text = " ".join(cell for _, cell in role_columns(cand.passage.chunk, cand.unit.text, q.core_roles)[1])
    clauses = _clauses(text)
    about = [c for c in clauses if q.core_roles[0] in find_roles(c)] or (clauses if len(clauses) == 1 else [])
    if len(about) != 1 or not first:
        return ""
    words = set(tokenize(about[0]))
    exclusive = bool(_EXCLUSIVE.search(about[0])) and not _INCLUSIVE.search(about[0])
    # (the clause names part of the first option, and means it: "churn/renewals" met by "retention, renewal")
    if not exclusive and (_INCLUSIVE.search(about[0]) or len(first & words) * 2 >= len(first)
                          or (first & words and cand.aspect >= _MEANS_IT)):
        return "Yes."
    if exclusive and second and second <= words and not first & words:
        return "No."
    return ""


def _alike_reply(q: Question, part: _Part) -> str:
    """"Yes." or "No." for "is the VP of Sales part of the C-suite like the CSO?", answered by a table row that
    sets the two roles side by side: the first role's cell has what was asked (as the second's does) or not."""
    cand = part.cands[0]
    if len(q.core_roles) != 2 or len(part.cands) != 1 or cand.unit.kind != "row" or not _ALIKE.search(q.text):
        return ""
    asked = set(q.aspect)
    columns = {role: role_columns(cand.passage.chunk, cand.unit.text, [role])[1] for role in q.core_roles}
    cells = {role: set(tokenize(" ".join(c for _, c in found))) for role, found in columns.items()}
    subject, other = q.core_roles
    if not asked or not all(columns.values()) or not asked & cells[other]:
        return ""  # the row does not say it of the role compared with either
    return "Yes." if asked & cells[subject] else "No."


# "is that more than a CRO gets?", "more or less than a CSO?": the amounts of two roles set against each other
_MORE = re.compile(r"\b(?:(more|higher|bigger|larger)|(less|lower|smaller))\b(?:\s+or\s+(?:more|less|higher|lower))?"
                   r"[^?]*\bthan\b", re.IGNORECASE)
_THAN = re.compile(r"\bthan\b", re.IGNORECASE)
_HOW_MUCH_MORE = re.compile(r"\bhow\s+much\s+(?:more|less|higher|lower)\b|\bby\s+how\s+much\b", re.IGNORECASE)
_AMOUNT = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|m|million)?\b", re.IGNORECASE)


def _top_amount(text: str) -> float:
    """The largest dollar amount in `text` (0 when none)."""
    scale = {"k": 1e3, "m": 1e6, "million": 1e6}
    return max((float(m.group(1).replace(",", "")) * scale.get((m.group(2) or "").lower(), 1.0)
                for m in _AMOUNT.finditer(text)), default=0.0)


# a quote that makes its claim depend on the reader's case: "... if your revenue depends on ...", "when you ..."
_DEPENDS = re.compile(r"\b(?:if|when|once|unless)\s+(?:your|you|you're|you’re|the company|a company|"
                      r"an organi[sz]ation|organi[sz]ations|businesses|companies)\b", re.IGNORECASE)


def _line_reply(q: Question, part: _Part) -> str:
    """"Yes." or "No." for "does the CRO report to the CSO?" when the quote states the line between the two:
    the same way, or the other way round ("Typically, the CSO would report to the CRO")."""
    asked = stated_line(q.text)
    stated = stated_line(part.cands[0].text)
    if not asked or not stated or set(asked) != set(stated):
        return ""
    return "Yes." if asked == stated else "No."


def _more_or_less(q: Question, parts: list[_Part]) -> str:
    """"Yes."/"No." (or "More."/"Less." when both are offered) for a question that sets one role's pay against
    another's ("is that more than a CRO gets?"): the largest amount quoted for each role, compared. The role
    after "than" is the one compared with."""
    asked = _MORE.search(q.text)
    if not asked or "salary" not in q.aspect or len(q.core_roles) != 2 or _HOW_MUCH_MORE.search(q.text):
        # ("how much more does a CSO make than a CRO?" asks by how much: no yes or no answers it)
        return ""
    than = _THAN.search(q.text, asked.start())
    after = [key for start, _, key in role_spans(q.text) if than and start > than.start() and key in q.core_roles]
    if not after:
        return ""
    other = after[0]
    subject = next(r for r in q.core_roles if r != other)
    top = {role: max((_top_amount(c.text) for p in parts for c in p.cands
                      if role in c.unit.about and len(set(c.unit.about) & set(q.core_roles)) == 1), default=0.0)
           for role in (subject, other)}
    if not top[subject] or not top[other] or top[subject] == top[other]:
        return ""
    higher = top[subject] > top[other]
    if re.search(r"\bmore or less\b|\bless or more\b|\bhigher or lower\b|\blower or higher\b", q.text, re.IGNORECASE):
        return "More." if higher else "Less."
    return "Yes." if higher == bool(asked.group(1)) else "No."


# a question that wants a yes or a no first: "can we ...", "so does the CSO ever ..."
_YES_NO_OPENING = re.compile(r"^\W*(?:(?:so|and|but|ok(?:ay)?|hm+|wait)\W+)*(?:can|could|does|do|did|is|are|was|were|"
                             r"will|would|should|may|might|has|have|must)\b", re.IGNORECASE)


def _reply_before(q: Question, parts: list[_Part], units: list[Unit], max_words: int) -> Candidate | None:
    """The FAQ answer's bare "Yes, ..."/"No, ..." right before the sentence that answers a yes/no question,
    as a candidate of its own, when the answer quotes that sentence and has room for the reply."""
    if not _YES_NO_OPENING.match(q.text) or not parts or len(parts[0].cands) != 1:
        return None
    best = parts[0].cands[0]
    row = best.unit.row
    if best.unit.kind != "faq" or row == 0 or any(BARE_REPLY.match(c.text) for p in parts for c in p.cands):
        return None
    before = units[row - 1]
    chunk = best.passage.chunk
    between = chunk.text[before.sentence.end - chunk.start:best.unit.sentence.start - chunk.start]
    if (before.kind != "faq" or before.chunk != best.unit.chunk or before.context != best.unit.context
            or not BARE_REPLY.match(before.text) or between.strip() or before.sentence.start < chunk.start
            or sum(_words(p.text) for p in parts) + _words(before.text) > max_words):
        return None
    return dataclasses.replace(best, unit=before, coverage=0.0)


def compose(q: Question, cands: list[Candidate], index: Index, cfg: AnswerSettings,
            unsaid: bool = False) -> tuple[str, list[Citation]]:
    """The answer text with [n] markers, and the citations the markers point at (`unsaid`: the question asks
    about something no article has a word for, so no quote can say yes to it)."""
    parts = _select(q, cands, cfg, index.paragraph_items)
    at = next((i for i, p in enumerate(parts) if cands[0] in p.cands), 0) if q.answer_type == "yesno" else 0
    if at:
        # a yes/no answer opens with the unit that answers it ("is the CRO on the hook for the P&L?": "The CRO also
        # has P&L responsibilities.", not the sentence before it in the article)
        parts.insert(0, parts.pop(at))
    if q.answer_type == "amount" and "$" not in parts[0].text:
        # a pay question's answer opens with an amount ("and with bonuses?": "Total compensation, including
        # performance-based incentives, can reach between $250,000 and $600,000", not "a greater chance for
        # equity and bonuses"), when one was chosen
        at = next((i for i, p in enumerate(parts) if "$" in p.text), 0)
        parts.insert(0, parts.pop(at))
    reach = _remit_reply(q, parts[0]) if q.answer_type == "yesno" and q.scope else ""
    reach = reach or (_alike_reply(q, parts[0]) if q.answer_type == "yesno" else "")
    reach = reach or _more_or_less(q, parts) or (_line_reply(q, parts[0]) if q.answer_type == "yesno" else "")
    reply = None if unsaid else _reply_before(q, parts, index.units, cfg.max_words)
    if reply and reach and reach.split()[0].strip(".,").lower() != reply.text.split()[0].strip(".,").lower():
        # (a reply worked out from the quote, like "No." to a reporting line asked the wrong way round, wins)
        reply = None
    if reply:
        # "can we have both, and who reports to whom?" met by "Typically, the CSO would report to the CRO" in
        # an FAQ answer that opens "Yes, especially in large organizations.": the reply leads
        parts.insert(0, _Part([reply], reply.text))
    elif reach:
        parts[0].text = f"{reach} {parts[0].text}"
    elif q.answer_type == "yesno" and not unsaid and _affirms(q, cands[0], parts[0]):
        parts[0].text = f"Yes. {parts[0].text}"
    elif len(q.core_roles) == 1 and not q.aspect and q.answer_type in ("definition", "fact"):
        # "CRO = ?? what's the job": an overview opens with the role's full name
        full = ROLES_BY_KEY[q.core_roles[0]].name
        if full.split(" (")[0].lower() not in parts[0].text.lower():
            parts[0].text = f"{full}: {parts[0].text}"
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    out: list[str] = []
    for part in parts:
        first = part.cands[0]
        chunk = first.passage.chunk
        if chunk.id not in numbers:
            numbers[chunk.id] = len(numbers) + 1
            start = min(c.unit.span[0] for c in part.cands) - chunk.start
            end = max(c.unit.span[1] for c in part.cands) - chunk.start
            meta = index.articles.get(chunk.article_id, {})
            citations.append(Citation(
                n=numbers[chunk.id], chunk_id=chunk.id, article_id=chunk.article_id, title=chunk.title,
                section=chunk.section, source=meta.get("source"), quote=chunk.text[start:end], text=chunk.text,
                score=round(first.passage.score, 6),
            ))
        out.append(f"{part.text} [{numbers[chunk.id]}]")
    return _trim_words(" ".join(out), cfg.max_words), citations


def _trim_words(text: str, limit: int) -> str:
    tokens = text.split()
    if len(tokens) <= limit:
        return text
    cut = " ".join(tokens[: limit - 1]).rstrip(",;:")  # one word left for the marker
    markers = re.findall(r"\[\d+\]", text)
    if markers and not re.search(r"\[\d+\]$", cut):
        return cut + "… " + markers[-1]
    return " ".join(tokens[:limit])
