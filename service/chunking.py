"""Structure-aware chunking: sections carry their heading, FAQ answers keep their question,
table rows keep their header. Every chunk and sentence records its char span in the article."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from service.corpus import Article

FORMAT = "structure-v1"


@dataclass(frozen=True)
class Sentence:
    """A span of the article that can be quoted; kind is "text", "row" (table row) or "heading"."""

    start: int
    end: int
    kind: str = "text"


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage: `article.text[start:end] == text`."""

    id: str
    article_id: str
    title: str
    section: str | None
    start: int
    end: int
    text: str
    kind: str = "text"  # "text", "faq" or "table_row"
    prefix: str = ""  # context that is not part of the span (a table row's header)
    sentences: tuple[Sentence, ...] = field(default=())

    def context_text(self, with_title: bool = True) -> str:
        """What the encoders (with title) and BM25 (without) see: section, header and the passage."""
        parts = [self.title if with_title else "", self.section or "", self.prefix, self.text]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class ChunkerSettings:
    max_words: int = 160
    min_words: int = 40

    def as_dict(self) -> dict[str, object]:
        return {"format": FORMAT, "max_words": self.max_words, "min_words": self.min_words}


@dataclass
class _Block:
    kind: str  # heading, para, item, table
    start: int  # span start (line start, marker included)
    end: int
    content_start: int  # after the heading/list marker
    level: int = 0
    rows: list[tuple[int, int]] = field(default_factory=list)


_ABBREV = re.compile(r"(?:\b(?:vs|e\.g|i\.e|etc|inc|dr|mr|ms|mrs|st|no|approx)\.|\b[A-Z]\.)$", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.!?]+[\"”’)]?\s+(?=[\"“‘(A-Z0-9$])")
_MARKER = re.compile(r"^(?:#{1,6}\s+|[-*•]\s+|\d+[.)]\s+)")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans of `text`, shifted by `offset`; abbreviations like "vs." do not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start : m.start() + 1]
        if _ABBREV.search(head):
            continue
        end = m.end()
        piece = text[start:end].rstrip()
        if piece.strip():
            spans.append((offset + start, offset + start + len(piece)))
        start = end
    tail = text[start:].rstrip()
    if tail.strip():
        spans.append((offset + start, offset + start + len(tail)))
    return spans


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def parse_blocks(text: str) -> list[_Block]:
    """Split a Markdown body into headings, paragraphs, list items and tables with spans."""
    blocks: list[_Block] = []
    for start, end in _lines(text):
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            continue
        marker = _MARKER.match(line)
        is_row = stripped.endswith("|") and "|" in stripped[:-1]
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(_Block("heading", start, end, start + (marker.end() if marker else level), level))
        elif is_row:
            if blocks and blocks[-1].kind == "table" and blocks[-1].end == start - 1:
                blocks[-1].end = end
                blocks[-1].rows.append((start, end))
            else:
                blocks.append(_Block("table", start, end, start, rows=[(start, end)]))
        elif marker:
            blocks.append(_Block("item", start, end, start + marker.end()))
        elif blocks and blocks[-1].kind == "para" and blocks[-1].end == start - 1:
            blocks[-1].end = end  # a paragraph wrapped over several lines
        else:
            blocks.append(_Block("para", start, end, start))
    return blocks


def _is_separator(row: str) -> bool:
    return bool(re.fullmatch(r"[\s|:-]+", row))


def chunk_article(article: Article, settings: ChunkerSettings | None = None) -> list[Chunk]:
    """Cut one article into chunks that respect its structure."""
    cfg = settings or ChunkerSettings()
    text = article.text
    blocks = parse_blocks(text)
    chunks: list[Chunk] = []
    path: dict[int, str] = {}
    group: list[_Block] = []
    group_kind = "text"

    def section() -> str | None:
        names = [path[level] for level in sorted(path) if level >= 2]
        return " > ".join(names) if names else None

    def sentences_of(block: _Block) -> list[Sentence]:
        if block.kind == "heading":
            return [Sentence(block.content_start, block.end, "heading")]
        return [Sentence(s, e) for s, e in split_sentences(text[block.content_start : block.end], block.content_start)]

    def emit(start: int, end: int, kind: str, sents: list[Sentence], prefix: str = "") -> None:
        chunks.append(Chunk(
            id=f"{article.id}#{len(chunks):03d}", article_id=article.id, title=article.title, section=section(),
            start=start, end=end, text=text[start:end], kind=kind, prefix=prefix, sentences=tuple(sents),
        ))

    def flush() -> None:
        nonlocal group, group_kind
        if group:
            sents = [s for b in group for s in sentences_of(b)]
            emit(group[0].content_start if group[0].kind == "heading" else group[0].start, group[-1].end,
                 group_kind, sents)
        group, group_kind = [], "text"

    def words_in(blocks_: list[_Block]) -> int:
        return sum(len(text[b.start : b.end].split()) for b in blocks_)

    def flush_content() -> None:
        """Flush the group, unless it holds nothing but headings (a heading right before a sub-heading)."""
        nonlocal group, group_kind
        if all(b.kind == "heading" for b in group):
            group, group_kind = [], "text"
        else:
            flush()

    for block in blocks:
        if block.kind == "heading":
            flush_content()
            if block.level >= 2:
                path = {lvl: name for lvl, name in path.items() if lvl < block.level}
                heading = text[block.content_start : block.end].strip()
                # The section's first chunk starts with its heading, so the heading can be matched too;
                # a question heading stays with its answer (FAQ pairs, "What does a CSO do?").
                if heading.endswith("?"):
                    group, group_kind = [block], "faq"
                    continue
                path[block.level] = heading
                group = [block]
            continue
        if block.kind == "table":
            flush_content()
            header_start, header_end = block.rows[0]
            header = text[header_start:header_end]
            for start, end in block.rows[1:]:
                if not _is_separator(text[start:end]):
                    emit(start, end, "table_row", [Sentence(start, end, "row")], prefix=header)
            continue
        size = len(text[block.start : block.end].split())
        if size > cfg.max_words:
            flush()
            _emit_long(block, emit, sentences_of(block), cfg.max_words, text)
            continue
        if group and words_in(group) + size > cfg.max_words:
            kind = group_kind
            flush()
            group_kind = kind if kind == "faq" else "text"
        group.append(block)
    flush_content()
    return chunks


def _emit_long(block: _Block, emit: Callable[..., None], sents: list[Sentence], max_words: int, text: str) -> None:
    """Split an over-long paragraph at sentence boundaries."""
    batch: list[Sentence] = []
    for sent in sents:
        if batch and sum(len(text[s.start : s.end].split()) for s in batch + [sent]) > max_words:
            emit(batch[0].start, batch[-1].end, "text", batch)
            batch = []
        batch.append(sent)
    if batch:
        emit(batch[0].start, batch[-1].end, "text", batch)
