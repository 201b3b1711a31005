"""Roles as data: the roles roleqa recognizes, their synonyms and which are core, loaded from the corpus.

`corpus/roles.yaml` lists shared roles and their synonyms (regexes where informal wordings need them);
an article's front matter may declare the roles it is about, and a declared role is core. The roles of
a build are recorded with the index (`roles.json`); building or loading an index installs them here,
so serving uses the roles of the build it serves. Until something is installed, the roles of the
project's own `corpus/roles.yaml` apply (unit tests, tools that load no index).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from service.corpus import Article, DeclaredRole, RolesError

logger = logging.getLogger(__name__)

ROLES_FILE = "roles.yaml"
DEFAULT_ROLES_FILE = Path(__file__).resolve().parent.parent / "corpus" / ROLES_FILE
_S = r"(?:'?s)?"  # plural or possessive
_KEY = re.compile(r"^[a-z0-9]+$")  # one BM25 token, and part of a regex group name
_FIELDS = {"key", "name", "abbreviation", "display", "short", "plural", "core", "synonyms", "patterns"}
# role mentions of recent texts: the answerer matches the same corpus sentences for every question, and
# matching one against every role's patterns was 14% of a worker's samples (py-spy, bench/RESULTS.md)
SPAN_CACHE = 8192


@dataclass(frozen=True)
class Role:
    key: str  # canonical token, also used by BM25
    name: str  # display form used for dense queries ("Chief Revenue Officer (CRO)")
    patterns: tuple[str, ...]
    core: bool = False  # roles the articles are about
    short: str = ""  # how it reads in a rewritten question ("the CRO"); `name` when empty
    label: str = ""  # in the page's intro ("CRO")
    plural: str = ""  # in the abstain message ("Chief Revenue Officers")


@dataclass(frozen=True)
class RoleSet:
    """The roles of one corpus (or build), in recognition order: earlier patterns win ties."""

    roles: tuple[Role, ...]
    by_key: dict[str, Role] = field(init=False, compare=False, repr=False)
    core: frozenset[str] = field(init=False, compare=False, repr=False)
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)
    spans: Callable[[str], tuple[tuple[int, int, str], ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {r.key: r for r in self.roles})
        object.__setattr__(self, "core", frozenset(r.key for r in self.roles if r.core))
        alternatives = "|".join(f"(?P<{r.key}_{i}>{p})" for r in self.roles for i, p in enumerate(r.patterns))
        object.__setattr__(self, "regex", re.compile(alternatives or r"(?!x)x", re.IGNORECASE))
        object.__setattr__(self, "spans", lru_cache(maxsize=SPAN_CACHE)(self._find_spans))

    def _find_spans(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """(start, end, role key) of every role mention in `text` (`spans` memoizes it)."""
        return tuple((m.start(), m.end(), m.lastgroup.rsplit("_", 1)[0]) for m in self.regex.finditer(text)
                     if m.lastgroup)

    def to_json(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.roles]

    @classmethod
    def from_json(cls, data: Any) -> RoleSet:
        """Raises ValueError/TypeError/KeyError on anything but what to_json wrote."""
        if not isinstance(data, list):
            raise ValueError("roles must be a list")
        return cls(tuple(Role(**{**r, "patterns": tuple(r["patterns"])}) for r in data))

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode("utf-8")).hexdigest()

    def whole_match(self, phrase: str) -> str | None:
        """The key of the role that `phrase` names as a whole ("VP of Sales" -> "vpsales"), if any."""
        m = self.regex.fullmatch(phrase.strip())
        return m.lastgroup.rsplit("_", 1)[0] if m and m.lastgroup else None


# --- the registry: what lexicon's helpers see ------------------------------------------------------

_installed: RoleSet | None = None


def current() -> RoleSet:
    """The installed roles (the project's roles.yaml until a corpus or index installs its own)."""
    global _installed
    if _installed is None:
        _installed = default_roles()
    return _installed


def install(roles: RoleSet | None) -> None:
    """Make `roles` the ones recognized everywhere (None: back to the defaults)."""
    global _installed
    _installed = roles


def default_roles() -> RoleSet:
    if not DEFAULT_ROLES_FILE.is_file():
        logger.warning("no %s: only roles that articles declare are known", DEFAULT_ROLES_FILE)
        return RoleSet(())
    return RoleSet(tuple(read_roles_file(DEFAULT_ROLES_FILE)))


class _RolesByKey(Mapping[str, Role]):
    """ROLES_BY_KEY: a live view of the installed roles by key."""

    def __getitem__(self, key: str) -> Role:
        return current().by_key[key]

    def __iter__(self) -> Iterator[str]:
        return iter(current().by_key)

    def __len__(self) -> int:
        return len(current().by_key)

    def __contains__(self, key: object) -> bool:
        return key in current().by_key


class _CoreRoles(AbstractSet[str]):
    """CORE_ROLES: a live view of the installed core role keys."""

    @classmethod
    def _from_iterable(cls, it: Any) -> frozenset[Any]:  # what `set & CORE_ROLES` returns
        return frozenset(it)

    def __contains__(self, key: object) -> bool:
        return key in current().core

    def __iter__(self) -> Iterator[str]:
        return iter(current().core)

    def __len__(self) -> int:
        return len(current().core)


ROLES_BY_KEY: Mapping[str, Role] = _RolesByKey()
CORE_ROLES: AbstractSet[str] = _CoreRoles()


def core_roles() -> list[Role]:
    return [r for r in current().roles if r.core]


def join_names(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def abstain_message() -> str:
    """The fixed, friendly abstain message, naming the core roles of the installed corpus."""
    plurals = [r.plural or r.name for r in core_roles()]
    offer = (f" I can answer questions about {join_names(plurals)}: what they do, who they report to, what they "
             f"earn and when to hire which.") if plurals else ""
    return f"Sorry, the articles I know don't cover that.{offer}"


# --- loading and checking -------------------------------------------------------------------------


def phrase_pattern(phrase: str) -> str:
    """A regex for a role's name or synonym: any spacing or hyphen between words, the head noun in the
    plural ("heads of growth"), a possessive at the end ("the head of growth's team")."""
    words = phrase.split()
    parts = [re.escape(w) for w in words]
    lower = [w.lower() for w in words]
    head = next((i - 1 for i, w in enumerate(lower) if w in ("of", "for") and i > 0), len(words) - 1)
    parts[head] += "s?"
    parts[-1] += _S
    return r"(?<!\w)" + r"[-\s]+".join(parts) + r"(?!\w)"


def make_patterns(name: str, abbreviation: str | None = None, synonyms: Sequence[str] = ()) -> tuple[str, ...]:
    """Patterns for a role from its name ("Chief Growth Officer (CGO)" is one mention), abbreviation and synonyms."""
    out = [phrase_pattern(name)]
    if abbreviation:
        abbr = re.escape(abbreviation)
        out[0] += rf"(?:\s*\({abbr}s?\))?"
        out.append(rf"(?<!\w){abbr}s?{_S}(?!\w)")
    return tuple(out) + tuple(phrase_pattern(s) for s in synonyms)


def make_key(abbreviation: str | None, name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (abbreviation or name).lower())


def _plural(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def read_roles_file(path: Path) -> list[Role]:
    """The roles of a roles.yaml file, in order.

    Raises:
        RolesError: unreadable or invalid YAML, a role without a name, a bad field, a repeated key;
            every problem, each as `file: roles[i].field: message`.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RolesError(f"{path}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        raise RolesError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("roles"), list):
        raise RolesError(f"{path}: roles: expected a list of roles under a top-level `roles:` key")
    problems: list[str] = []
    roles: list[Role] = []
    first: dict[str, int] = {}
    for i, entry in enumerate(data["roles"]):
        where = f"{path}: roles[{i}]"
        before = len(problems)
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with at least a name")
            continue
        problems += [f"{where}.{k}: unknown field (known: {', '.join(sorted(_FIELDS))})" for k in entry
                     if k not in _FIELDS]
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name: a role needs a name")
            continue
        texts = {k: entry.get(k) for k in ("key", "abbreviation", "display", "short", "plural")}
        problems += [f"{where}.{k}: expected a string" for k, v in texts.items() if v is not None
                     and not (isinstance(v, str) and v.strip())]
        lists = {k: entry.get(k, []) for k in ("synonyms", "patterns")}
        problems += [f"{where}.{k}: expected a list of strings" for k, v in lists.items()
                     if not isinstance(v, list) or not all(isinstance(s, str) and s.strip() for s in v)]
        if not isinstance(entry.get("core", False), bool):
            problems.append(f"{where}.core: expected true or false")
        if len(problems) > before:
            continue
        for j, pattern in enumerate(lists["patterns"]):
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(f"{where}.patterns[{j}]: not a valid regular expression ({exc})")
        abbreviation = entry.get("abbreviation")
        key = entry.get("key") or make_key(abbreviation, name)
        if not _KEY.match(key):
            problems.append(f"{where}.key: {key!r} must be lower-case letters and digits only")
        elif key in first:
            problems.append(f"{where}.key: {key!r} is already the key of roles[{first[key]}]")
        first.setdefault(key, i)
        if len(problems) > before:
            continue
        patterns = tuple(lists["patterns"]) or make_patterns(name, abbreviation)
        roles.append(Role(
            key=key, name=entry.get("display") or (f"{name} ({abbreviation})" if abbreviation else name),
            patterns=patterns + tuple(phrase_pattern(s) for s in lists["synonyms"]),
            core=bool(entry.get("core", False)), short=entry.get("short") or "",
            label=abbreviation or name, plural=entry.get("plural") or _plural(name),
        ))
    if problems:
        raise RolesError("\n".join(problems))
    return roles


def load_roles(corpus_dir: Path | None, articles: Sequence[Article]) -> RoleSet:
    """The roles of a corpus: its roles.yaml (else the project's), plus the roles its articles declare.

    Raises:
        RolesError: a problem in roles.yaml or in a declaration, with the file and field.
    """
    return with_declared(read_corpus_roles(corpus_dir), articles)


def read_corpus_roles(corpus_dir: Path | None) -> list[Role]:
    """The roles of a corpus's roles.yaml, else of the project's."""
    path = corpus_dir / ROLES_FILE if corpus_dir is not None else None
    if path is not None and path.is_file():
        return read_roles_file(path)
    return read_roles_file(DEFAULT_ROLES_FILE) if DEFAULT_ROLES_FILE.is_file() else []


def with_declared(base: Sequence[Role], articles: Sequence[Article]) -> RoleSet:
    """`base` with the articles' declared roles: a known role becomes core (and gains the synonyms),
    an unknown one is added as a core role."""
    roles = list(base)
    problems: list[str] = []
    for article in articles:
        for i, declared in enumerate(article.roles):
            problem = _declare(roles, declared)
            if problem:
                problems.append(f"{article.path or article.id}: roles[{i}]{problem}")
    if problems:
        raise RolesError("\n".join(problems))
    return RoleSet(tuple(roles))


def _declare(roles: list[Role], d: DeclaredRole) -> str:
    """Add or merge one declared role into `roles`; a problem (".field: message") or ""."""
    known = RoleSet(tuple(roles))
    by_name = known.whole_match(d.name)
    by_abbr = known.whole_match(d.abbreviation) if d.abbreviation else None
    if by_abbr and by_abbr != by_name:
        return (f".abbreviation: {d.abbreviation!r} already stands for {known.by_key[by_abbr].name}; "
                f"choose another abbreviation, or name that role")
    target = by_name or make_key(d.abbreviation, d.name)
    for j, synonym in enumerate(d.synonyms):
        other = known.whole_match(synonym)
        if other and other != target:
            return f".synonyms[{j}]: {synonym!r} already names {known.by_key[other].name}"
    if by_name:
        role = known.by_key[by_name]
        extra = tuple(phrase_pattern(s) for s in d.synonyms if known.whole_match(s) != by_name)
        if d.abbreviation and not by_abbr:
            extra += make_patterns(d.abbreviation)
        roles[roles.index(role)] = Role(role.key, role.name, role.patterns + extra, True, role.short, role.label,
                                        role.plural)
        return ""
    if not _KEY.match(target):
        return f".name: {d.name!r} gives no usable key; add an abbreviation of letters and digits"
    if target in known.by_key:
        return (f": key {target!r} (from {'abbreviation' if d.abbreviation else 'name'}) is already "
                f"{known.by_key[target].name}; choose another abbreviation")
    roles.append(Role(
        key=target, name=f"{d.name} ({d.abbreviation})" if d.abbreviation else d.name,
        patterns=make_patterns(d.name, d.abbreviation, d.synonyms), core=True,
        short=f"the {d.abbreviation or d.name}", label=d.abbreviation or d.name, plural=_plural(d.name),
    ))
    return ""
