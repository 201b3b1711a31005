"""Loading the source articles: Markdown files with YAML front matter."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("id", "title")


class CorpusError(Exception):
    """The corpus directory or one of its articles cannot be used."""


class RolesError(CorpusError):
    """A role in roles.yaml or an article's front matter cannot be used (invalid input: exit code 2)."""


@dataclass(frozen=True)
class DeclaredRole:
    """A role an article's front matter says it is about (`roles: [{name, abbreviation, synonyms}]`)."""

    name: str
    abbreviation: str | None = None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    """One source article; `text` is the Markdown body that chunk spans point into."""

    id: str
    title: str
    text: str
    author: str | None = None
    source: str | None = None
    published: str | None = None
    path: str | None = None
    roles: tuple[DeclaredRole, ...] = ()


def parse_article(raw: str, path: str | None = None) -> Article:
    """Parse one Markdown article with `---` front matter.

    Raises:
        CorpusError: when the front matter is missing, malformed or lacks id/title.
    """
    where = path or "<article>"
    if not raw.startswith("---\n"):
        raise CorpusError(f"{where}: missing front matter (the file must start with a '---' line)")
    end = raw.find("\n---\n", 4)
    if end < 0:
        raise CorpusError(f"{where}: front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load(raw[4:end]) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{where}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise CorpusError(f"{where}: front matter must be a mapping of fields")
    missing = [f for f in REQUIRED_FIELDS if not meta.get(f)]
    if missing:
        raise CorpusError(f"{where}: front matter lacks {', '.join(missing)}")
    body = raw[end + len("\n---\n") :].lstrip("\n")
    if not body.strip():
        raise CorpusError(f"{where}: the article has no text")

    def opt(key: str) -> str | None:
        value = meta.get(key)
        return str(value) if value not in (None, "") else None

    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]),
        text=body,
        author=opt("author"),
        source=opt("source"),
        published=opt("published"),
        path=path,
        roles=parse_roles(meta.get("roles"), where),
    )


def parse_roles(value: object, where: str) -> tuple[DeclaredRole, ...]:
    """The `roles:` front matter field.

    Raises:
        RolesError: every problem, each as `file: roles[i].field: message`.
    """
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RolesError(f"{where}: roles: expected a list of roles, each with a name (and an abbreviation, synonyms)")
    roles, problems = [], []
    for i, entry in enumerate(value):
        at = f"{where}: roles[{i}]"
        if isinstance(entry, str):  # "- Chief Growth Officer"
            entry = {"name": entry}
        if not isinstance(entry, dict):
            problems.append(f"{at}: expected a mapping with a name (and an abbreviation, synonyms)")
            continue
        unknown = [k for k in entry if k not in ("name", "abbreviation", "synonyms")]
        problems += [f"{at}.{k}: unknown field (known: name, abbreviation, synonyms)" for k in unknown]
        name, abbreviation, synonyms = entry.get("name"), entry.get("abbreviation"), entry.get("synonyms") or []
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{at}.name: a role needs a name")
        if abbreviation is not None and not (isinstance(abbreviation, str) and abbreviation.strip()):
            problems.append(f"{at}.abbreviation: expected a string")
        if not isinstance(synonyms, list) or not all(isinstance(x, str) and x.strip() for x in synonyms):
            problems.append(f"{at}.synonyms: expected a list of strings")
        if not problems:
            roles.append(DeclaredRole(str(name).strip(), abbreviation.strip() if abbreviation else None,
                                      tuple(x.strip() for x in synonyms)))
    if problems:
        raise RolesError("\n".join(problems))
    return tuple(roles)


def load_corpus(corpus_dir: Path) -> list[Article]:
    """Load every `*.md` article (README.md excepted), sorted by file name.

    Raises:
        CorpusError: when the directory is missing or empty, or ids repeat.
    """
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus directory {corpus_dir} does not exist")
    files = sorted(p for p in corpus_dir.glob("*.md") if p.name.lower() != "readme.md")
    if not files:
        raise CorpusError(f"no articles (*.md) in {corpus_dir}")
    articles = [parse_article(read_utf8(p), str(p)) for p in files]
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            raise CorpusError(f"article id {article.id!r} is used by both {seen[article.id]} and {article.path}")
        seen[article.id] = article.path or ""
    logger.info("loaded %d articles from %s", len(articles), corpus_dir)
    return articles


def read_utf8(path: Path) -> str:
    """The text of `path`; a file that is not UTF-8 is a CorpusError naming the first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                          f"re-save it as UTF-8") from None


# Files in corpus/ that are not articles but belong there.
_NOT_ARTICLES = {"readme.md", "roles.yaml"}


def ignored_files(corpus_dir: Path) -> list[tuple[Path, str]]:
    """Entries of the corpus folder that load_corpus() skips, each with what to do about it.

    Hidden entries (dot files) are left out: they are tooling, not articles someone meant to add.
    """
    if not corpus_dir.is_dir():
        return []
    out: list[tuple[Path, str]] = []
    for path in sorted(corpus_dir.iterdir()):
        if path.name.startswith(".") or path.name.lower() in _NOT_ARTICLES:
            continue
        if path.is_dir():
            out.append((path, "a folder: only articles directly in the corpus folder are read; move them up"))
        elif path.suffix == ".md":
            continue
        elif path.suffix.lower() == ".md":
            out.append((path, f"the extension is {path.suffix}; rename it to {path.stem}.md"))
        elif path.suffix.lower() in (".txt", ".html", ".htm", ".pdf"):
            out.append((path, f"not Markdown; convert it with `roleqa add {path}` (then remove the original)"))
        else:
            out.append((path, "not an article (*.md); move it out of the corpus folder"))
    return out


def hash_corpus(articles: list[Article]) -> str:
    """A stable fingerprint of the articles' ids, metadata and text."""
    digest = hashlib.sha256()
    for a in sorted(articles, key=lambda a: a.id):
        for part in (a.id, a.title, a.author or "", a.source or "", a.published or "", a.text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        if a.roles:  # only then, so a corpus without declarations keeps its fingerprint
            digest.update(repr(a.roles).encode("utf-8"))
    return digest.hexdigest()
