"""Answer units: what an answer can quote, each with the context that says what it is about.

One unit per chunk sentence (so units share rows with the sentence vectors): prose sentences, list
items (with their list's lead-in sentence or heading), table rows (addressed by row label and role
columns) and FAQ answers (with their question). Spans are the sentence's exact character span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.chunking import Chunk, Sentence
from service.lexicon import canonicalize_roles, find_roles, role_spans, strip_roles, tokenize

# (after a list item's label: "Customer Relationships: They maintain contact with top customers")
_PRONOUN_START = re.compile(r"^\s*(?:[A-Z][\w&/' -]{0,40}:\s+)?(?:they|their|them|he|she|his|her|he or she|this role|"
                            r"the role)\b", re.IGNORECASE)
_ITEM_MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Unit:
    row: int  # row in the sentence vectors
    chunk: int  # row of its chunk in the index
    sentence: Sentence
    text: str
    kind: str  # "text", "item", "row", "faq" (a FAQ answer sentence) or "heading"
    context: str  # lead-in, FAQ question or section heading: what the unit is about
    list_id: int  # items of one list share it (the row of the first item); -1 otherwise
    roles: tuple[str, ...]  # roles the unit itself names (a row: its label, else its role columns)
    context_roles: tuple[str, ...]  # roles of its context (heading, lead-in, FAQ question)
    tokens: frozenset[str]  # BM25 tokens of text and context
    span: tuple[int, int] = (0, 0)  # what an answer quotes: a list item's whole line, else the sentence
    # the role a pronoun-led unit ("Their incentive is...") or a gerund-led item ("Coaching the VP of
    # Sales ...") speaks of, resolved from its context
    subject: str = ""

    @property
    def about(self) -> tuple[str, ...]:
        """The roles the unit speaks of: its own, else the one its pronoun stands for, else its context's."""
        if self.subject:  # "They must think beyond the VP of Sales": the CRO, and the VP named
            return (self.subject, *self.roles)
        return self.roles or self.context_roles


def antecedent(unit: Unit) -> str:
    """The role a later pronoun can stand for: a pronoun-led unit's own antecedent, a role that opens
    the unit (its subject), or the one role it names."""
    if unit.subject and _PRONOUN_START.match(unit.text):
        return unit.subject
    spans = role_spans(unit.text)
    if spans and spans[0][0] <= 12:
        return spans[0][2]
    return unit.roles[0] if len(unit.roles) == 1 else ""


# an item that opens with a gerund has no subject of its own ("Coaching and supporting ...")
_SUBJECTLESS = re.compile(r"^\s*(?:[A-Z][a-z]+ing)\b")


# a sentence that announces several things and ends its paragraph with a full stop (one that ends
# with a colon announces a list, and when none follows the list was lost: nothing to take from it)
_ANNOUNCE = re.compile(r"^\s*(?:here are|below are)\b[^:]*\.$", re.IGNORECASE)
_MAX_PARAGRAPH_ITEMS = 5


def _starts_paragraph(chunk: Chunk, sentence: Sentence) -> bool:
    before = chunk.text[: sentence.start - chunk.start].rstrip(" \t")
    return not before or before.endswith("\n")


def _ends_paragraph(chunk: Chunk, sentence: Sentence) -> bool:
    after = chunk.text[sentence.end - chunk.start :].lstrip(" \t")
    return not after or after.startswith("\n")


def is_pronoun_led(text: str) -> bool:
    return bool(_PRONOUN_START.match(text))


_CONDITIONAL = re.compile(r"\b(?:when|if|once|whenever)\b", re.IGNORECASE)
_WHILE_DOING = re.compile(r"^\s*when\s+[a-z]+ing\b", re.IGNORECASE)  # "When building a team, ...": no condition


def conditional(text: str) -> bool:
    """Whether `text` says when or if ("... when: ...", "Consider hiring a CRO if ..."; not a sentence that opens
    on what is going on, "When building an effective executive team, many organizations debate ...")."""
    return bool(_CONDITIONAL.search(_WHILE_DOING.sub(" ", text)))



def states_condition(unit: Unit) -> bool:
    """Whether a unit (with its lead-in or heading) states a condition: "benefit from a CSO when: ...",
    "Consider hiring a CRO if ..."."""
    return conditional(f"{unit.context} {unit.text}")


_BOUNDS = re.compile(r"\b(?:only|exclusively|solely|purely|not just|not only)\b", re.IGNORECASE)
_REACHES = re.compile(r"\b(?:dedicated to|beyond|as well as|all facets)\b", re.IGNORECASE)


def bounds_remit(unit: Unit) -> float:
    """How plainly a unit says how far something reaches: 1 for "focuses exclusively on sales", "Sales only",
    "not just sales but also ..."; 0.5 for "dedicated to", "goes beyond"; 0 otherwise."""
    return 1.0 if _BOUNDS.search(unit.text) else 0.5 if _REACHES.search(unit.text) else 0.0


def _heading(chunk: Chunk) -> str:
    return (chunk.section or chunk.title).split(" > ")[-1]


def _section_roles(chunk: Chunk) -> tuple[str, ...]:
    """Roles of the nearest section heading that names one ("Core Responsibilities" under "The CRO")."""
    for part in reversed((chunk.section or "").split(" > ")):
        roles = find_roles(part)
        if roles:
            return tuple(roles)
    return ()


def table_cells(chunk: Chunk, text: str) -> tuple[str, list[tuple[str, str]]]:
    """(row label, [(column header, cell)]) of a table row."""
    header = [h.strip() for h in chunk.prefix.strip().strip("|").split("|")]
    cells = [c.strip() for c in text.strip().strip("|").split("|")]
    return cells[0], list(zip(header[1:], cells[1:], strict=False))


def role_columns(chunk: Chunk, text: str, roles: Iterable[str]) -> tuple[str, list[tuple[str, str]]]:
    """(row label, [(column header, cell)]) of a table row, only the columns headed by one of `roles`."""
    label, columns = table_cells(chunk, text)
    wanted = set(roles)
    return label, [(h, c) for h, c in columns if set(find_roles(h)) & wanted]


def linearize_row(chunk: Chunk, text: str, with_headers: bool = True) -> str:
    """A table row as a sentence ("Company stage: CSO: Ideal for ...; VP of Sales: Suited for ...").

    The encoder reads "label | cell | cell |" poorly (the row that answers "what company stage
    suits a VP of Sales" ranked 37th of 90 chunks); spelled out as a sentence it ranks with prose.
    """
    label, columns = table_cells(chunk, text)
    cells = [f"{h}: {c}" if with_headers and h else c for h, c in columns if c]
    return f"{label}: " + "; ".join(cells) + "."


def build_units(chunks: list[Chunk], first_row: int = 0) -> list[Unit]:
    """Units of `chunks`, in sentence-row order."""
    units: list[Unit] = []
    row = first_row
    carried: tuple[str, str | None, str, int] | None = None  # a list that runs on into the next chunk
    # "Here are some key benefits of hiring a CSO." followed by one paragraph per benefit: the
    # paragraphs' opening sentences are that list's items (article, section, lead-in, list id, items so far)
    announced: tuple[str, str | None, str, int, int] | None = None
    for ci, chunk in enumerate(chunks):
        if announced and announced[:2] != (chunk.article_id, chunk.section):
            announced = None
        chunk_first = row - first_row  # units of this chunk start here
        heading = _heading(chunk)
        lead_in = previous = ""
        list_id = -1
        faq_question = ""
        if carried and carried[:2] == (chunk.article_id, chunk.section):
            lead_in, list_id = carried[2], carried[3]
        for sentence in chunk.sentences:
            text = chunk.text[sentence.start - chunk.start : sentence.end - chunk.start]
            line_start = chunk.text.rfind("\n", 0, sentence.start - chunk.start) + 1
            on_item_line = bool(_ITEM_MARKER.match(chunk.text[line_start:]))
            if sentence.kind == "heading":
                kind, context = "heading", heading
                if chunk.kind == "faq":
                    faq_question = text.strip()
                list_id = -1
            elif sentence.kind == "row":
                kind = "row"
                context = heading
            elif on_item_line:
                kind = "item"
                if list_id < 0:
                    list_id = row
                    lead_in = previous  # the sentence right before a list introduces it
                context = lead_in or heading
            elif (announced and not faq_question and _starts_paragraph(chunk, sentence)
                  and announced[4] < _MAX_PARAGRAPH_ITEMS and not _ANNOUNCE.search(text.strip())):
                kind, context = "item", announced[2]
                list_id = announced[3] if announced[3] >= 0 else row
                announced = (*announced[:3], list_id, announced[4] + 1)
            else:
                kind = "faq" if faq_question else "text"
                context = faq_question or heading
                list_id = -1
                lead_in = ""
            if kind in ("heading", "row") or on_item_line:
                announced = None
            elif kind in ("text", "faq") and _ANNOUNCE.search(text.strip()) and _ends_paragraph(chunk, sentence):
                announced = (chunk.article_id, chunk.section, text.strip(), -1, 0)
            elif kind == "text" and _starts_paragraph(chunk, sentence):
                announced = None
            previous = text.strip() if kind in ("text", "faq") else ""
            if kind == "row":
                label, columns = table_cells(chunk, text)
                roles = tuple(find_roles(label)) or tuple(r for h, _ in columns for r in find_roles(h))
            else:
                roles = tuple(find_roles(text))
            context_roles = tuple(find_roles(context)) or _section_roles(chunk)
            tokens = frozenset(tokenize(f"{context} {chunk.prefix if kind == 'row' else ''} {text}"))
            span = (sentence.start, sentence.end)
            if kind == "item" and on_item_line:  # an item of several sentences is quoted whole
                line_end = chunk.text.find("\n", sentence.start - chunk.start)
                line_end = len(chunk.text) if line_end < 0 else line_end
                marker = _ITEM_MARKER.match(chunk.text[line_start:])
                span = (chunk.start + line_start + (marker.end() if marker else 0), chunk.start + line_end)
                # ... so it has the words of all its sentences ("The above-mentioned sales forecasting tools ...
                # Segmenting ... allows you to report to your executive management and board of directors.")
                tokens = frozenset(tokenize(f"{context} {chunk.text[line_start:line_end]}"))
            subject = ""
            if (kind == "item" and len(context_roles) == 1 and context_roles[0] not in roles
                    and _SUBJECTLESS.match(text)):
                # "Coaching and supporting the VP of Sales ..." under the CRO's duties: the CRO coaches;
                # the VP of Sales is the object
                subject = context_roles[0]
            elif kind != "row" and _PRONOUN_START.match(text):
                # the antecedent: the subject of the pronoun chain this unit continues ("The CRO ... They
                # must think beyond the VP of Sales ... They need to be informed"), else the last earlier
                # unit of the chunk that names one role, else the context's role
                subject = next((a for u in reversed(units[chunk_first:]) if (a := antecedent(u))), "")
                if not subject and len(context_roles) == 1:
                    subject = context_roles[0]
                if subject in roles:
                    subject = ""
            units.append(Unit(row, ci, sentence, text, kind, context, list_id if kind == "item" else -1,
                              roles, context_roles, tokens, span, subject))
            row += 1
        last = units[-1] if units else None
        carried = (chunk.article_id, chunk.section, lead_in, list_id) if last and last.kind == "item" else None
    return units


def paragraph_items(units: list[Unit], chunks: list[Chunk]) -> list[int]:
    """Positions in `units` of list items that open a paragraph going on in prose ("Here are some key benefits
    of hiring a CSO." then "As businesses grow, ..., and a CSO can take on that responsibility. A CSO will make
    expansion plans ..."): each is an item of the announced list and the topic sentence of its paragraph."""
    found = []
    for i, (unit, after) in enumerate(zip(units, units[1:], strict=False)):
        if unit.kind != "item" or after.kind != "text" or after.chunk != unit.chunk:
            continue
        chunk = chunks[unit.chunk]
        if "\n" not in chunk.text[unit.sentence.end - chunk.start : after.sentence.start - chunk.start]:
            found.append(i)
    return found


def aspect_text(unit: Unit, chunk: Chunk) -> str:
    """What a unit says, with its context and without role names: embedded to match question aspects."""
    if unit.kind == "row":
        return strip_roles(linearize_row(chunk, unit.text, with_headers=False))
    if unit.kind in ("item", "faq"):
        return strip_roles(f"{unit.context} {unit.text}")
    return strip_roles(unit.text)


_DEFINING_SUBJECT = re.compile(r"^\s*(?:the|a|an)\s+(\w+)\s*(?:,[^,]{1,40},\s*)?"
                               r"(?:typically\s+|usually\s+|generally\s+)?(?:is\s+responsible\s+for|is\s+(?:the|an?)\s+(?:[\w-]+\s+){0,3}(?:leader|executive|officer)"
                               r"\s+(?:responsible|who|that|in charge)|oversees|operates|leads|heads)\b", re.IGNORECASE)
_DEFINING_QUESTION = re.compile(r"^\s*what\s+(?:is|does)\s+(?:a|an|the)?\s*(\s\w+\s)\s*(?:do\s*)?\??\s*$",
                                re.IGNORECASE)


def defines(unit: Unit, role: str) -> float:
    """How plainly `unit` defines `role` (a key): 1.0 for the article's own answer to "What does a CRO do?" /
    "What is a CSO?", 0.6 for a sentence whose subject is the role and that says what it is or does ("The VP of
    Sales is responsible for ...", "A CRO, unlike the CSO, oversees the entire revenue process"), else 0."""
    asked = _DEFINING_QUESTION.match(canonicalize_roles(unit.context, "key"))
    if asked and asked.group(1).strip() == role:
        return 1.0
    subject = _DEFINING_SUBJECT.match(canonicalize_roles(unit.text, "key"))
    return 0.6 if subject and subject.group(1) == role else 0.0


def unit_doer(unit: Unit) -> str:
    """The role that does what `unit` says: its subject, or the one role of the list it is an item of ("The CRO's
    day-to-day ...: Coaching and supporting the VP of Sales" is what the CRO does); "" when not known."""
    return unit.subject or (unit.context_roles[0] if unit.kind == "item" and len(unit.context_roles) == 1 else "")
