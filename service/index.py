"""The on-disk index: a readable directory with a manifest, FAISS vectors, BM25 and chunks.

Builds are written to a fresh directory under `builds/` and published by atomically swapping the
`current` symlink, so a failed or killed build never touches the index being served.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import faiss
import numpy as np

from service.chunking import Chunk, ChunkerSettings, Sentence, chunk_article
from service.corpus import Article, hash_corpus
from service.embedding import Encoder, sha256_file
from service.lexicon import ROLES_BY_KEY, canonicalize_roles, find_roles, strip_roles, tokenize, words
from service.question import negated_roles
from service.roles import RoleSet, install, with_declared
from service.roles import current as current_roles
from service.roles import default_roles as default_role_set
from service.units import Unit, aspect_text, build_units, is_pronoun_led, linearize_row, paragraph_items, table_cells

logger = logging.getLogger(__name__)


@contextmanager
def _without(*names: str) -> Iterator[None]:
    """Make `names` unimportable for the duration (unless already imported)."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            del sys.modules[name]


# bm25s imports numba and scipy when they are installed, for backends roleqa does not use: its indexes
# use the numpy backend (recorded in bm25/params.index.json), whose scores depend on neither. In a serving
# worker the two cost ~70 MB of RSS and ~0.6 s of cold start (bench/RESULTS.md, 2026-11-23 issue 12).
with _without("numba", "scipy"):
    import bm25s

FORMAT_VERSION = 8  # 2: aspect vectors of the answer units; 3: pronoun-led sentences embedded with their role;
# 4: table rows embedded as sentences ("Label: column: cell; ..."), paragraph lists; 5: a pronoun stands for
# the subject of the chain it continues; 6: also after a list item's label; 7: a vector per role cell of a row;
# 8: the list items that open a paragraph also embedded alone
APPROXIMATE_THRESHOLD = 100_000
# bench/scale.py on MiniLM passages (100k, 500 real questions): recall@10 against exact search was 0.915 at
# nprobe 16, 0.967 at 32 and 0.991 at 64 (0.75 ms p50 on one thread, flat: see bench/RESULTS.md)
IVF_NPROBE = 64
KEEP_BUILDS = 2
REBUILD_HINT = "run `roleqa index` to rebuild it"

Progress = Callable[[str, int, int], None]


class IndexLoadError(Exception):
    """Base class for index problems; the message says what to do."""


class IndexMissingError(IndexLoadError):
    pass


class IndexStaleError(IndexLoadError):
    pass


class IndexCorruptError(IndexLoadError):
    pass


@dataclass(frozen=True)
class BuildReport:
    path: Path
    chunks: int
    sentences: int
    seconds: float


@dataclass
class Index:
    """A loaded index, read-only after load."""

    path: Path
    manifest: dict
    chunks: list[Chunk]
    vectors: faiss.Index
    sentence_vectors: np.ndarray
    sentence_offsets: np.ndarray  # chunk i's sentences are rows offsets[i]:offsets[i+1]
    aspect_vectors: np.ndarray  # per sentence row: the unit with its context, role names removed
    units: list[Unit]
    bm25: bm25s.BM25
    vocabulary: frozenset[str]
    articles: dict[str, dict]
    # a table row's cells under a role's column, each embedded as "<label>: <cell>" (the row as a whole
    # reads as much of the other roles as of the asked one): the chunk row and role of each vector
    cell_vectors: np.ndarray | None = None
    cell_chunks: np.ndarray | None = None
    cell_roles: tuple[str, ...] = ()
    # list items that open a paragraph, embedded alone (their aspect vectors carry the list's lead-in): rows
    alone_vectors: np.ndarray | None = None
    alone_rows: np.ndarray | None = None

    @cached_property
    def paragraph_items(self) -> frozenset[int]:
        """Rows of the list items that open a paragraph going on in prose (units.paragraph_items)."""
        return frozenset(int(r) for r in self.alone_rows) if self.alone_rows is not None else frozenset()

    @property
    def version(self) -> str:
        return str(self.manifest["build_id"])

    def sentence_rows(self, chunk_index: int) -> range:
        return range(int(self.sentence_offsets[chunk_index]), int(self.sentence_offsets[chunk_index + 1]))

    @cached_property
    def negated(self) -> dict[int, frozenset[str]]:
        """The roles each unit sets aside ("if you don't have a CRO"), by unit row; few units do, so only those
        are kept. Found once per loaded index, for the answerer and the retriever alike."""
        return {row: frozenset(negated) for row, u in enumerate(self.units)
                if u.kind != "heading" and (negated := negated_roles(u.text))}


def role_cells(chunks: list[Chunk]) -> list[tuple[int, str, str]]:
    """(chunk row, role, text) of every table cell under a role's column: ("Vice President of Sales" column)
    "Company stage: Suited for mid-sized or growing companies ...". The text leaves the role out: cells are
    matched with a question's aspect, among the cells of the asked role's column."""
    cells = []
    for i, chunk in enumerate(chunks):
        if chunk.kind != "table_row":
            continue
        label, columns = table_cells(chunk, chunk.text)
        for header, cell in columns:
            for role in dict.fromkeys(find_roles(header)):
                if cell:
                    cells.append((i, role, f"{label}: {cell}"))
    return cells


def choose_index_type(n_vectors: int) -> str:
    """Exact search while it is cheap; IVF past ~100k vectors.

    bench/scale.py on MiniLM passages (100k): IVF and HNSW (M=32) trace the same latency-recall curve (IVF
    nprobe 64: recall@10 0.991 in 0.75 ms; HNSW efSearch 256: 0.986 in 0.68-0.73 ms, inner product or L2
    alike), but IVF builds faster (42 s vs 52-60 s) and its recall is set at query time by one number.
    """
    return "flat" if n_vectors < APPROXIMATE_THRESHOLD else "ivf"


def _make_faiss(vectors: np.ndarray, kind: str) -> faiss.Index:
    dim = vectors.shape[1]
    index: faiss.Index
    if kind == "ivf":
        nlist = max(1, min(int(4 * np.sqrt(len(vectors))), len(vectors) // 39))
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * nlist), replace=False)
        ivf.train(vectors[np.sort(sample)])
        ivf.nprobe = IVF_NPROBE
        index = ivf
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(vectors)
    return index


def _chunk_to_json(chunk: Chunk) -> str:
    data = asdict(chunk)
    data["sentences"] = [[s.start, s.end, s.kind] for s in chunk.sentences]
    return json.dumps(data, ensure_ascii=False)


def _chunk_from_json(line: str) -> Chunk:
    data = json.loads(line)
    data["sentences"] = tuple(Sentence(int(s), int(e), str(k)) for s, e, k in data["sentences"])
    return Chunk(**data)


def _encode_batched(encoder: Encoder, texts: list[str], what: str, progress: Progress | None) -> np.ndarray:
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    step = 256
    for i in range(0, len(texts), step):
        out[i : i + step] = encoder.encode(texts[i : i + step])
        if progress:
            progress(what, min(i + step, len(texts)), len(texts))
    return out


def for_encoder(text: str) -> str:
    """Role names spelled one way on both sides ("CSO" -> "Chief Sales Officer (CSO)"), as queries are."""
    return canonicalize_roles(text, "name")


def sentence_context(chunk: Chunk, sentence: Sentence, article_text: str) -> str:
    """A sentence as the encoder sees it: a table row with its header, other sentences bare.

    A section heading in front would make every sentence of a role's section look alike to the
    encoder (the role name dominates); the answerer matches roles separately.
    """
    body = article_text[sentence.start : sentence.end]
    return linearize_row(chunk, body) if sentence.kind == "row" else body


def spelled_row_context(chunk: Chunk) -> str:
    """A table-row chunk as a sentence for the encoder: title, section and the row spelled out."""
    return "\n".join(p for p in (chunk.title, chunk.section or "", linearize_row(chunk, chunk.text)) if p)


def build_index(
    articles: list[Article],
    encoder: Encoder,
    index_dir: Path,
    chunker: ChunkerSettings | None = None,
    progress: Progress | None = None,
    roles: RoleSet | None = None,
) -> BuildReport:
    """Chunk, embed and index `articles`, then publish the build as `index_dir/current`.

    `roles` (from `roles.load_roles`, default: the project's roles.yaml with the articles' declarations)
    are installed for the build and recorded with it.
    """
    started = time.perf_counter()
    cfg = chunker or ChunkerSettings()
    install(roles or with_declared(default_role_set().roles, articles))
    index_dir.mkdir(parents=True, exist_ok=True)
    builds = index_dir / "builds"
    builds.mkdir(exist_ok=True)
    with _build_lock(builds):
        return _build(articles, encoder, index_dir, builds, cfg, progress, started)


@contextmanager
def _build_lock(builds: Path) -> Iterator[None]:
    """One build at a time per index folder; holding the lock, any .tmp-* folder is a killed build's leftover."""
    with (builds / ".build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for stale in builds.glob(".tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build(articles: list[Article], encoder: Encoder, index_dir: Path, builds: Path, cfg: ChunkerSettings,
           progress: Progress | None, started: float) -> BuildReport:
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    tmp.chmod(0o755)
    try:
        by_id = {a.id: a for a in articles}
        chunks = [c for a in articles for c in chunk_article(a, cfg)]
        if not chunks:
            raise IndexCorruptError("the corpus produced no chunks; add text to the articles")
        offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
        sentence_texts: list[str] = []
        units = build_units(chunks)
        for i, chunk in enumerate(chunks):
            text = by_id[chunk.article_id].text
            for s in chunk.sentences:
                body = sentence_context(chunk, s, text)
                unit = units[len(sentence_texts)]
                subject = unit.subject if not unit.roles and is_pronoun_led(unit.text) else ""
                # "Their incentive is ..." is embedded as the VP of Sales' incentive, as a reader resolves it
                sentence_texts.append(for_encoder(f"{ROLES_BY_KEY[subject].name}: {body}" if subject else body))
            offsets[i + 1] = len(sentence_texts)
        chunk_vectors = _encode_batched(encoder, [for_encoder(c.context_text()) for c in chunks], "chunks", progress)
        # a table row is embedded both as written and spelled out as a sentence (averaged): the
        # encoder reads "label | cell | cell |" poorly, but the raw form keeps the header's words
        rows = [i for i, c in enumerate(chunks) if c.kind == "table_row"]
        if rows:
            spelled_rows = [for_encoder(spelled_row_context(chunks[i])) for i in rows]
            spelled = _encode_batched(encoder, spelled_rows, "rows", progress)
            mixed = chunk_vectors[rows] + spelled
            chunk_vectors[rows] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
        cells = role_cells(chunks)
        cell_vectors = (_encode_batched(encoder, [for_encoder(t) for _, _, t in cells], "cells", progress) if cells
                        else np.zeros((0, encoder.dim), dtype=np.float32))
        sentence_vectors = _encode_batched(encoder, sentence_texts, "sentences", progress)
        aspect_vectors = _encode_batched(encoder, [aspect_text(u, chunks[u.chunk]) for u in units], "units", progress)
        # an item that opens a paragraph is also the topic sentence of that paragraph: matched without its lead-in
        # too ("Here are some key benefits of hiring a CSO." says nothing of how a CSO helps sales scale)
        alone_rows = np.asarray(paragraph_items(units, chunks), dtype=np.int64)
        alone_vectors = (_encode_batched(encoder, [strip_roles(units[i].text) for i in alone_rows], "items", progress)
                         if len(alone_rows) else np.zeros((0, encoder.dim), dtype=np.float32))

        kind = choose_index_type(len(chunks))
        faiss.write_index(_make_faiss(chunk_vectors, kind), str(tmp / "vectors.faiss"))
        np.save(tmp / "sentences.npy", sentence_vectors)
        np.save(tmp / "sentence_offsets.npy", offsets)
        np.save(tmp / "aspects.npy", aspect_vectors)
        np.save(tmp / "alone.npy", alone_vectors)
        np.save(tmp / "alone_rows.npy", alone_rows)
        np.save(tmp / "cells.npy", cell_vectors)
        (tmp / "cells.json").write_text(json.dumps([[row, role] for row, role, _ in cells]), encoding="utf-8")
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(_chunk_to_json(chunk) + "\n")
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
        retriever = bm25s.BM25()
        retriever.index([tokenize(c.context_text(with_title=False)) for c in chunks], show_progress=False)
        retriever.save(str(tmp / "bm25"), show_progress=False)
        # the roles the tokens and role names above were made with: serving recognizes the same ones
        (tmp / "roles.json").write_text(json.dumps(current_roles().to_json(), indent=1, ensure_ascii=False),
                                        encoding="utf-8")

        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        manifest = {
            "format_version": FORMAT_VERSION,
            "build_id": build_id,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "model": encoder.name,
            "dim": encoder.dim,
            # how the vectors were computed (onnx-fp32 / torch give the same vectors) and the model file's hash
            "encoder_runtime": getattr(encoder, "runtime", "unknown"),
            "encoder_sha256": getattr(encoder, "sha256", None),
            "index_type": kind,
            "chunker": cfg.as_dict(),
            "corpus_hash": hash_corpus(articles),
            "roles_hash": current_roles().fingerprint(),
            # in how many chunks each role is named: rare roles in a question matter more
            "role_df": dict(Counter(r for c in chunks for r in set(find_roles(c.context_text(with_title=False))))),
            "chunks": len(chunks),
            "sentences": len(sentence_texts),
            "articles": {a.id: {"title": a.title, "author": a.author, "source": a.source,
                                "published": a.published} for a in articles},
            "files": {str(p.relative_to(tmp)): sha256_file(p) for p in files},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _make_read_only(tmp)
        final = builds / build_id
        tmp.rename(final)
        _publish(index_dir, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune_builds(index_dir)
    seconds = time.perf_counter() - started
    logger.info("built index %s: %d chunks, %d sentences in %.1fs", build_id, len(chunks), len(sentence_texts), seconds)
    return BuildReport(final, len(chunks), len(sentence_texts), seconds)


def _make_read_only(build: Path) -> None:
    """A published build is never written again: its files are read-only (0444), so an in-place
    write (which would SIGBUS a server that memory-maps them) fails instead. Folders stay writable
    by the owner so that old builds can be pruned."""
    for path in build.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


def _publish(index_dir: Path, build: Path) -> None:
    link = index_dir / "current"
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(build.relative_to(index_dir))
    os.replace(tmp_link, link)  # atomic: readers see the old build or the new one, never a mix


def _prune_builds(index_dir: Path) -> None:
    current = resolve_index_path(index_dir)
    builds = sorted((p for p in (index_dir / "builds").iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    finished = [p for p in builds if not p.name.startswith(".tmp-")]
    for old in finished[:-KEEP_BUILDS]:
        if old.resolve() != current.resolve():
            shutil.rmtree(old, ignore_errors=True)


def resolve_index_path(index_dir: Path) -> Path:
    """The build directory an index dir points at (`current`), or the dir itself if it holds a manifest."""
    if (index_dir / "manifest.json").is_file():
        return index_dir
    return (index_dir / "current").resolve()


def read_manifest(path: Path) -> dict:
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise IndexMissingError(f"no index found at {path.parent if path.name != 'current' else path}; {REBUILD_HINT}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"the index manifest {manifest_path} is unreadable ({exc}); {REBUILD_HINT}") from exc
    if not isinstance(manifest, dict):
        raise IndexCorruptError(f"the index manifest {manifest_path} is not an object; {REBUILD_HINT}")
    return manifest


def read_chunks(index_dir: Path) -> list[Chunk]:
    """The chunks of the published index, without loading vectors or a model (for suite checks)."""
    path = resolve_index_path(index_dir)
    if not (path / "chunks.jsonl").is_file():
        raise IndexMissingError(f"no index found in {index_dir}; {REBUILD_HINT}")
    try:
        return [_chunk_from_json(line) for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(f"the index in {path} cannot be read ({exc}); {REBUILD_HINT}") from exc


def load_index(index_dir: Path, encoder: Encoder, articles: list[Article] | None = None,
               roles: RoleSet | None = None) -> Index:
    """Load and check an index, and install the roles it was built with.

    `articles` and `roles` (the corpus's, when given) must be those the index was built from.

    Raises:
        IndexMissingError: nothing built yet.
        IndexStaleError: built with another model, format or corpus.
        IndexCorruptError: files missing, changed or unreadable.
    """
    path = resolve_index_path(index_dir)
    if not path.is_dir():
        raise IndexMissingError(f"no index found in {index_dir}; {REBUILD_HINT}")
    manifest = read_manifest(path)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStaleError(
            f"the index uses format {manifest.get('format_version')}, this roleqa reads format {FORMAT_VERSION}; "
            f"{REBUILD_HINT}"
        )
    if manifest.get("model") != encoder.name or manifest.get("dim") != encoder.dim:
        raise IndexStaleError(
            f"the index was built with {manifest.get('model')} ({manifest.get('dim')} dims) but the service uses "
            f"{encoder.name} ({encoder.dim} dims); {REBUILD_HINT}"
        )
    if articles is not None and manifest.get("corpus_hash") != hash_corpus(articles):
        raise IndexStaleError(f"the corpus changed since the index was built; {REBUILD_HINT}")
    if roles is not None and manifest.get("roles_hash", default_role_set().fingerprint()) != roles.fingerprint():
        raise IndexStaleError(f"the roles (roles.yaml or an article's `roles:`) changed since the index was built; "
                              f"{REBUILD_HINT}")
    for name, digest in (manifest.get("files") or {}).items():
        file = path / name
        if not file.is_file():
            raise IndexCorruptError(f"index file {name} is missing from {path}; {REBUILD_HINT}")
        if sha256_file(file) != digest:
            raise IndexCorruptError(f"index file {name} in {path} is damaged (checksum mismatch); {REBUILD_HINT}")
    try:
        chunks = [_chunk_from_json(line) for line in (path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
        vectors = faiss.read_index(str(path / "vectors.faiss"))
        if isinstance(vectors, faiss.IndexIVF):
            vectors.nprobe = IVF_NPROBE
            vectors.make_direct_map()  # BM25-only hits need their vectors back (reconstruct)
        # memory-mapped (workers share the pages), as plain arrays: a np.memmap slice costs ~20 us of
        # subclass bookkeeping, and the answerer slices per passage (5.8% of a worker's samples, py-spy)
        sentence_vectors = np.asarray(np.load(path / "sentences.npy", mmap_mode="r"))
        offsets = np.load(path / "sentence_offsets.npy")
        aspect_vectors = np.asarray(np.load(path / "aspects.npy", mmap_mode="r"))
        alone_vectors = np.load(path / "alone.npy")
        alone_rows = np.load(path / "alone_rows.npy")
        cell_vectors = np.load(path / "cells.npy")
        cell_meta = json.loads((path / "cells.json").read_text(encoding="utf-8"))
        cell_chunks = np.asarray([int(row) for row, _ in cell_meta], dtype=np.int64)
        cell_roles = tuple(str(role) for _, role in cell_meta)
        bm25 = bm25s.BM25.load(str(path / "bm25"))
        # a build from before roles were data recognized the project's built-in roles
        built_roles = (RoleSet.from_json(json.loads((path / "roles.json").read_text(encoding="utf-8")))
                       if (path / "roles.json").is_file() else default_role_set())
    except Exception as exc:  # any parse failure means the same thing to the user
        raise IndexCorruptError(f"the index in {path} cannot be read ({exc}); {REBUILD_HINT}") from exc
    # answer units are found with the build's roles; a build that fails to load leaves the served one's roles
    previous = current_roles()
    install(built_roles)
    try:
        units = build_units(chunks)
        if (vectors.ntotal != len(chunks) or len(offsets) != len(chunks) + 1 or vectors.d != encoder.dim
                or len(units) != len(sentence_vectors) or aspect_vectors.shape != sentence_vectors.shape
                or len(alone_rows) != len(alone_vectors) or (len(alone_rows) and alone_rows.max() >= len(units))
                or len(cell_vectors) != len(cell_roles) or (len(cell_chunks) and cell_chunks.max() >= len(chunks))):
            raise IndexCorruptError(f"the index files in {path} disagree with each other; {REBUILD_HINT}")
    except BaseException:
        install(previous)
        raise
    vocabulary = frozenset(w for c in chunks for w in words(c.context_text()))
    logger.info("loaded index %s: %d chunks (%s)", manifest.get("build_id"), len(chunks), manifest.get("index_type"))
    return Index(path, manifest, chunks, vectors, sentence_vectors, offsets, aspect_vectors, units, bm25, vocabulary,
                 manifest.get("articles", {}), cell_vectors, cell_chunks, cell_roles, alone_vectors, alone_rows)
