"""Turning .md, .txt, .html and .pdf files into corpus articles: cleaned Markdown with front matter.

Nothing is written until every file converts and none repeats an article already in the corpus (same
content or same id); files are created exclusively, so an existing article is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from service.corpus import Article, CorpusError, load_corpus, parse_article, read_utf8
from service.roles import read_corpus_roles, with_declared

logger = logging.getLogger(__name__)

FORMATS = (".md", ".txt", ".html", ".htm", ".pdf")
# An article needs enough text for one chunk (chunking.ChunkerSettings.min_words is 40); below 20
# words what is left is chrome or an extraction failure, not an article.
MIN_WORDS = 20
# Page chrome seen in the seed articles and common blog templates; only short lines are dropped, so a
# sentence that mentions a newsletter stays.
_CHROME = re.compile(
    r"^[«‹<←\s]*(?:previous|next)(?:\s+(?:post|article|page|story))?\s*[»›>→]?\s*(?::.*)?$"
    r"|bloggers like this|^like this:?$|^share this:?$"
    r"|^(?:sign up|subscribe)\b|newsletter|^related (?:video|posts?|articles?)$|^loading\s*(?:\.\.\.|…)$"
    r"|^click to (?:share|print|email)|^(?:tags?|categories|filed under):|all rights reserved|^advertisement$"
    r"|^read more$|^skip to (?:content|main)|^try .* free\b",
    re.IGNORECASE)
_CHROME_MAX_WORDS = 12
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦]|\d+[.)])\s+")
_HEADING_MAX_WORDS = 12


class IngestError(Exception):
    """A file that cannot become an article; the message says which file, why, and what to do."""


@dataclass(frozen=True)
class Draft:
    """A converted file, not yet written: front matter fields and the Markdown body."""

    path: Path
    id: str
    title: str
    body: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.body)

    def render(self) -> str:
        """The article file: front matter (the corpus's fields first, then any the source declared) and body."""
        fields: dict[str, Any] = {"id": self.id, "title": self.title, "author": self.meta.get("author"),
                                  "source": self.meta.get("source"), "published": self.meta.get("published")}
        lines = ["---"] + [f"{k}: {_scalar(v)}" for k, v in fields.items()]
        extra = {k: v for k, v in self.meta.items() if k not in fields}
        if extra:
            lines.append(yaml.safe_dump(extra, sort_keys=False, allow_unicode=True).rstrip("\n"))
        return "\n".join(lines) + "\n---\n\n" + self.body


def _scalar(value: Any) -> str:
    # JSON strings are valid YAML double-quoted scalars, the style of the hand-made articles
    return "" if value in (None, "") else json.dumps(str(value), ensure_ascii=False)


def content_hash(body: str) -> str:
    """A fingerprint of an article's words, blind to case, whitespace and Markdown markers."""
    words = re.sub(r"[#*_>|`-]+", " ", unicodedata.normalize("NFKC", body)).casefold().split()
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def slugify(text: str, max_len: int = 60) -> str:
    """A file-name-safe id from a title: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        if slug and len(slug) + 1 + len(word) > max_len:
            break
        slug = f"{slug}-{word}" if slug else word[:max_len]
    return slug


def clean_markdown(text: str) -> str:
    """Drop page chrome lines and invisible characters, tidy whitespace; keep headings, lists and tables."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE).replace("\u00a0", " ")
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        bare = line.strip().lstrip("#").strip()
        if bare and len(bare.split()) <= _CHROME_MAX_WORDS and _CHROME.search(bare):
            continue
        if line.lstrip().startswith("|") and line.endswith("|"):
            line = line.strip()[1:].lstrip()  # "| a | b |" -> "a | b |", the corpus's table style
        out.append(line)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
    return body + "\n" if body else ""


def reflow_text(text: str) -> str:
    """Plain text (a .txt file, or a PDF's extracted lines) as Markdown paragraphs, list items and headings.

    Lines wrapped inside a paragraph are joined (a hyphen at a line break is dropped), a line starting
    with a bullet is a list item, and a short unpunctuated line between paragraphs is a heading.
    """
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    blocks: list[list[str]] = []  # each block: [kind, text]
    ended = True  # the previous line closed its block (punctuation, blank line, heading)
    for i, line in enumerate(lines):
        if not line:
            ended = True
            continue
        nxt = next((n for n in lines[i + 1 :] if n), "")
        if _BULLET.match(line):
            blocks.append(["item", "- " + _BULLET.sub("", line, count=1)])
        elif ended and _looks_like_heading(line, nxt):
            blocks.append(["heading", line])
        elif not ended and blocks and (blocks[-1][0] == "para" or blocks[-1][0] == "item" and line[:1].islower()):
            prev = blocks[-1][1]
            if prev.endswith("-") and prev[-2:-1].isalpha() and line[:1].islower():
                blocks[-1][1] = prev[:-1] + line
            else:
                blocks[-1][1] = prev + " " + line
        else:
            blocks.append(["para", line])
        ended = blocks[-1][0] == "heading" or bool(re.search(r"[.!?:;…][\"”’)]?$", line))
    out: list[str] = []
    for kind, body in blocks:
        if kind == "heading":
            out += ["", f"## {body}", ""]
        elif kind == "item":
            out.append(body)
        else:
            out += ["", body, ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"


def _looks_like_heading(line: str, following: str) -> bool:
    words = line.split()
    if len(words) > _HEADING_MAX_WORDS or not line[:1].isupper() or not following or following[:1].islower():
        return False
    if re.search(r"[.,;:!…\"”’]$", line):
        return False
    if line.endswith("?"):  # a question heading ("What Does a CSO Do?") is in title case; a question sentence is not
        capitals = sum(1 for w in words if w[:1].isupper())
        return capitals * 2 >= len(words) and len(following.split()) > len(words)
    return True


def _read_text(path: Path) -> str:
    try:
        return read_utf8(path).removeprefix("\ufeff")
    except CorpusError as exc:
        raise IngestError(
            f"{exc}\nHint: iconv -f WINDOWS-1252 -t UTF-8 {path} > {path.stem}.utf8{path.suffix}") from None


def _title_from_stem(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).split()
    return " ".join(words).capitalize() if words else path.stem


def _from_markdown(path: Path) -> tuple[str | None, str, dict[str, Any]]:
    raw = _read_text(path).replace("\r\n", "\n").lstrip("\ufeff")
    meta: dict[str, Any] = {}
    if raw.startswith("---\n"):
        try:
            article = parse_article(raw, str(path))
        except CorpusError as exc:
            raise IngestError(f"{exc}\nHint: fix the front matter or remove it (a title is then taken from the "
                              f"first '# ' heading)") from None
        end = raw.find("\n---\n", 4)
        meta = {k: v for k, v in (yaml.safe_load(raw[4:end]) or {}).items() if v not in (None, "")}
        return article.title, article.text, meta
    heading = re.search(r"^# +(.+)$", raw, re.MULTILINE)
    return (heading.group(1).strip() if heading else None), raw, meta


def _from_html(path: Path) -> tuple[str | None, str, dict[str, Any]]:
    import trafilatura

    data = path.read_bytes()  # trafilatura decodes by the page's declared charset
    body = trafilatura.extract(data, output_format="markdown", include_tables=True, include_comments=False,
                               include_links=False, include_images=False, favor_precision=True)
    info = trafilatura.extract_metadata(data)
    meta: dict[str, Any] = {}
    if info is not None:
        meta = {"author": info.author, "source": info.url, "published": info.date}
    return (info.title if info is not None else None), body or "", {k: v for k, v in meta.items() if v}


def _from_pdf(path: Path) -> tuple[str | None, str, dict[str, Any]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, OSError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc})\nHint: check that the file is a complete, "
                          f"unencrypted PDF") from None
    meta: dict[str, Any] = {}
    title = None
    if info is not None:
        title = (info.title or "").strip() or None
        meta["author"] = (info.author or "").strip() or None
        if info.creation_date is not None:
            meta["published"] = info.creation_date.date().isoformat()
    return title, reflow_text("\n\n".join(pages)), {k: v for k, v in meta.items() if v}


def parse_role_option(value: str) -> dict[str, str]:
    """`--role "Chief Growth Officer:CGO"` as a front matter role ({name, abbreviation}).

    Raises:
        IngestError: no name, or more than one ':'.
    """
    name, _, abbreviation = (part.strip() for part in value.partition(":"))
    if not name or ":" in abbreviation:
        raise IngestError(f"--role {value!r}: expected NAME or NAME:ABBREVIATION\n"
                          f'Hint: e.g. --role "Chief Growth Officer:CGO"')
    return {"name": name, "abbreviation": abbreviation} if abbreviation else {"name": name}


def convert_file(path: Path, article_id: str | None = None, title: str | None = None,
                 roles: Sequence[dict[str, str]] = ()) -> Draft:
    """Convert one file into a draft article (not written).

    Args:
        path: a .md, .txt, .html/.htm or .pdf file.
        article_id: the id (and file name) to use instead of one made from the title.
        title: the title to use instead of the one found in the file.
        roles: roles the article is about (front matter `roles:`), added to any it declares.

    Raises:
        IngestError: an unsupported, unreadable or empty file.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise IngestError(f"{path}: unsupported file type {path.suffix or '(none)'}\n"
                          f"Hint: roleqa add reads {', '.join(FORMATS)}")
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    if suffix == ".md":
        found, body, meta = _from_markdown(path)
    elif suffix == ".txt":
        found, body, meta = None, reflow_text(_read_text(path)), {}
    elif suffix in (".html", ".htm"):
        found, body, meta = _from_html(path)
    else:
        found, body, meta = _from_pdf(path)
    body = clean_markdown(body)
    opening = re.match(r"#{1,6}\s+(.+)\n", body)
    if suffix in (".txt", ".pdf") and opening and not found:  # plain text: a first line standing alone is the title
        found = opening.group(1).strip()
    title = title or found or _title_from_stem(path)
    title = " ".join(title.split())
    first = re.match(r"#{1,6}\s+(.+)\n", body)
    if first and first.group(1).strip().casefold() == title.casefold():
        body = body[first.end():].lstrip("\n")  # the title heading, re-made below as the one '# ' heading
    text_words = len(body.split())
    body = f"# {title}\n\n{body}" if body else ""
    if text_words < MIN_WORDS:
        raise IngestError(f"{path}: {'no text' if not text_words else f'only {text_words} words'} left after "
                          f"removing page chrome; nothing to add\nHint: check that the file holds the article "
                          f"(for a web page, save the article page itself, not a listing or login page)")
    meta.setdefault("source", path.name)
    if roles:
        declared = meta.get("roles")
        meta["roles"] = [*(declared if isinstance(declared, list) else []), *roles]
    article_id = article_id or str(meta.pop("id", "") or "") or slugify(title) or slugify(path.stem)
    meta.pop("id", None)
    meta.pop("title", None)
    if not article_id or slugify(article_id) != article_id:
        example = slugify(title) or "my-article"
        raise IngestError(f"{path}: {article_id!r} cannot be an article id\n"
                          f"Hint: use lower-case letters, digits and hyphens, e.g. --id {example}")
    return Draft(path=path, id=article_id, title=title, body=body, meta=meta)


def check_drafts(drafts: list[Draft], corpus_dir: Path) -> list[str]:
    """Every reason the drafts cannot be added: a repeated id, file name or content, in the corpus or the batch."""
    try:
        articles = [p for p in corpus_dir.glob("*.md") if p.name.lower() != "readme.md"]
        existing: list[Article] = load_corpus(corpus_dir) if articles else []
    except CorpusError as exc:
        return [f"{exc}\nHint: fix the corpus first; nothing was added"]
    problems: list[str] = []
    try:  # the drafts' roles must fit the corpus's (no abbreviation taken by another role)
        with_declared(read_corpus_roles(corpus_dir), [*existing, *(parse_article(d.render(), str(d.path))
                                                                   for d in drafts)])
    except CorpusError as exc:
        problems.append(f"{exc}\nHint: fix the role (--role NAME:ABBREVIATION) or corpus/roles.yaml")
    by_id = {a.id: a.path or a.id for a in existing}
    by_hash = {content_hash(a.text): a.path or a.id for a in existing}
    for d in drafts:
        target = corpus_dir / f"{d.id}.md"
        if d.id in by_id or target.exists():
            problems.append(f"{d.path}: an article named {d.id!r} already exists ({by_id.get(d.id, target)})\n"
                            f"Hint: if it is another article, choose another name with --id (or --title)")
        elif d.content_hash in by_hash:
            problems.append(f"{d.path}: the same text is already in the corpus as {by_hash[d.content_hash]}\n"
                            f"Hint: nothing to do; to replace that article, edit or delete it first")
        by_id.setdefault(d.id, str(d.path))
        by_hash.setdefault(d.content_hash, str(d.path))
    return problems


def write_drafts(drafts: list[Draft], corpus_dir: Path) -> list[Path]:
    """Create one file per draft; exclusive creation, so a file that appeared meanwhile is not overwritten."""
    written: list[Path] = []
    for d in drafts:
        target = corpus_dir / f"{d.id}.md"
        with open(target, "x", encoding="utf-8") as out:
            out.write(d.render())
        written.append(target)
        logger.info("added %s from %s", target, d.path)
    return written
