"""The source article page: a whole article rendered from its Markdown, the cited passage marked.

Rendering is markdown-it-py with raw HTML off (tags in an article are shown as text) and its link
check on (no javascript: or data: links); the page's CSP blocks anything from elsewhere besides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from service.chunking import Chunk
from service.corpus import Article, hash_corpus, load_corpus
from service.index import Index

logger = logging.getLogger(__name__)

PASSAGE_ID = "passage"
# leaf blocks that can carry the highlight; a list item is marked by its first line (its sublists are
# other items), the others when any of their lines is in the passage
_LEAVES = ("paragraph_open", "heading_open", "tr_open", "blockquote_open")


def article_url(article_id: str, chunk_id: str | None = None) -> str:
    """The article page's path, opened at the cited chunk when one is given."""
    url = f"/articles/{quote(article_id, safe='')}"
    return f"{url}?chunk={quote(chunk_id, safe='')}#{PASSAGE_ID}" if chunk_id else url


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_article(article: Article, chunk: Chunk | None = None) -> str:
    """The article's body as HTML; the blocks of `chunk` get class "cited", the first also id="passage"."""
    md = _markdown()
    tokens = md.parse(article.text)
    if chunk is not None and chunk.article_id == article.id:
        first = article.text.count("\n", 0, chunk.start)
        last = article.text.count("\n", 0, max(chunk.start, chunk.end - 1))
        marked_first = False
        hidden_until = -1  # inside a marked list item its (tight, hidden) paragraphs need no mark
        for i, token in enumerate(tokens):
            if token.map is None or i <= hidden_until:
                continue
            start, end = token.map[0], token.map[1] - 1
            if token.type == "list_item_open":
                hit = first <= start <= last
            elif token.type in _LEAVES:
                hit = start <= last and end >= first
            else:
                continue
            if not hit:
                continue
            token.attrJoin("class", "cited")
            if not marked_first:
                token.attrSet("id", PASSAGE_ID)
                marked_first = True
            if token.type == "list_item_open":
                hidden_until = _closing(tokens, i)
    return md.renderer.render(tokens, md.options, {})


def _closing(tokens: list[Token], i: int) -> int:
    """Index of the token closing the one opened at i, at the same level."""
    level, close = tokens[i].level, tokens[i].type.replace("_open", "_close")
    for j in range(i + 1, len(tokens)):
        if tokens[j].type == close and tokens[j].level == level:
            return j
    return len(tokens)


@dataclass(frozen=True)
class Library:
    """The articles an index was built from, and its chunks by id (what the article page shows)."""

    version: str
    articles: dict[str, Article]
    chunks: dict[str, Chunk]
    aligned: bool  # the corpus on disk is the one indexed, so chunk spans point into these texts
    rows: dict[str, int]  # a chunk's row in the index (its vector)

    @classmethod
    def load(cls, corpus_dir: Path, index: Index) -> Library:
        articles = load_corpus(corpus_dir)
        aligned = hash_corpus(articles) == index.manifest.get("corpus_hash")
        if not aligned:
            logger.warning("the corpus changed since the index was built: article pages show no passage "
                           "until `roleqa index` runs")
        return cls(index.version, {a.id: a for a in articles}, {c.id: c for c in index.chunks}, aligned,
                   {c.id: i for i, c in enumerate(index.chunks)})

    def passage(self, article_id: str, chunk_id: str | None) -> Chunk | None:
        chunk = self.chunks.get(chunk_id or "")
        return chunk if self.aligned and chunk is not None and chunk.article_id == article_id else None
