import json
from pathlib import Path

import numpy as np
import pytest

from service.corpus import load_corpus
from service.embedding import FakeEncoder
from service.index import (
    IndexCorruptError,
    IndexMissingError,
    IndexStaleError,
    build_index,
    load_index,
    resolve_index_path,
)
from tests.conftest import FIXTURE_CORPUS


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), tmp_path)
    return tmp_path


def test_build_then_load_round_trips(built: Path) -> None:
    articles = load_corpus(FIXTURE_CORPUS)
    index = load_index(built, FakeEncoder(), articles)
    manifest = index.manifest
    assert manifest["model"] == FakeEncoder.name and manifest["dim"] == 384
    assert manifest["index_type"] == "flat" and manifest["chunks"] == len(index.chunks) == index.vectors.ntotal
    assert set(manifest["articles"]) == {"alpha", "beta"}
    assert index.sentence_vectors.shape == (manifest["sentences"], 384)
    by_id = {a.id: a for a in articles}
    for chunk in index.chunks:
        assert by_id[chunk.article_id].text[chunk.start : chunk.end] == chunk.text
    for name in ("vectors.faiss", "chunks.jsonl", "manifest.json", "sentences.npy"):
        assert (built / "current" / name).is_file()


def test_sentence_vectors_are_memory_mapped_plain_arrays(built: Path) -> None:
    index = load_index(built, FakeEncoder())
    for vectors in (index.sentence_vectors, index.aspect_vectors):
        # plain ndarrays (slicing a np.memmap costs subclass bookkeeping) over the file's pages (shared by workers)
        assert type(vectors) is np.ndarray and isinstance(vectors.base, np.memmap)
        assert not vectors.flags.writeable


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="roleqa index"):
        load_index(tmp_path, FakeEncoder())


def test_changed_corpus_is_stale(built: Path) -> None:
    articles = load_corpus(FIXTURE_CORPUS)
    changed = [articles[0].__class__(**{**articles[0].__dict__, "text": "new text"})] + articles[1:]
    with pytest.raises(IndexStaleError, match="corpus changed.*roleqa index"):
        load_index(built, FakeEncoder(), changed)


def test_other_model_is_refused(built: Path) -> None:
    with pytest.raises(IndexStaleError, match="built with fake-hashing-encoder"):
        load_index(built, FakeEncoder(dim=128))


def test_other_format_version_is_refused(built: Path) -> None:
    path = resolve_index_path(built) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 999
    path.chmod(0o644)  # published files are read-only; a test (or an admin) has to mean it
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexStaleError, match="format 999"):
        load_index(built, FakeEncoder())


@pytest.mark.parametrize("name", ["vectors.faiss", "chunks.jsonl", "sentences.npy"])
def test_corrupted_file_is_refused(built: Path, name: str) -> None:
    target = resolve_index_path(built) / name
    data = target.read_bytes()
    target.chmod(0o644)
    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match=f"{name}.*roleqa index"):
        load_index(built, FakeEncoder())


def test_unreadable_manifest_is_refused(built: Path) -> None:
    (resolve_index_path(built) / "manifest.json").chmod(0o644)
    (resolve_index_path(built) / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="manifest"):
        load_index(built, FakeEncoder())


class ExplodingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("killed mid-build")
        return super().encode(texts, batch_size)


def test_published_files_are_read_only(built: Path) -> None:
    files = [p for p in resolve_index_path(built).rglob("*") if p.is_file()]
    assert files and all(p.stat().st_mode & 0o222 == 0 for p in files)


def test_failed_build_leaves_served_index_intact(built: Path) -> None:
    before = resolve_index_path(built)
    with pytest.raises(RuntimeError, match="killed mid-build"):
        build_index(load_corpus(FIXTURE_CORPUS), ExplodingEncoder(), built)
    assert resolve_index_path(built) == before
    assert not [p for p in (built / "builds").iterdir() if p.name.startswith(".tmp-")]
    load_index(built, FakeEncoder(), load_corpus(FIXTURE_CORPUS))


def test_rebuild_publishes_new_build_and_prunes_old(built: Path) -> None:
    first = resolve_index_path(built)
    for _ in range(3):
        build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), built)
    assert resolve_index_path(built) != first
    assert len([p for p in (built / "builds").iterdir() if p.is_dir()]) <= 2


def test_large_indexes_use_ivf_and_search_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.index as index_module
    from service.assistant import Assistant
    from service.config import Settings

    monkeypatch.setattr(index_module, "APPROXIMATE_THRESHOLD", 5)
    build_index(load_corpus(FIXTURE_CORPUS), FakeEncoder(), tmp_path)
    index = load_index(tmp_path, FakeEncoder())
    assert index.manifest["index_type"] == "ivf"
    assert index.vectors.nprobe == index_module.IVF_NPROBE == 64  # bench/scale.py: recall@10 0.99 at 100k
    settings = Settings(index_dir=tmp_path, corpus_dir=FIXTURE_CORPUS, encoder="fake", min_support=0.15)
    answer = Assistant.load(settings, FakeEncoder()).ask("How much does a VP of Sales earn?", mode="hybrid")
    assert "$100,000" in answer.answer


def test_a_killed_builds_leftovers_are_removed_by_the_next_build(tmp_path: Path) -> None:
    corpus = FIXTURE_CORPUS
    build_index(load_corpus(corpus), FakeEncoder(), tmp_path)
    leftover = tmp_path / "builds" / ".tmp-killed"
    leftover.mkdir()
    (leftover / "vectors.faiss").write_bytes(b"half")
    build_index(load_corpus(corpus), FakeEncoder(), tmp_path)
    assert not leftover.exists()
    assert [p.name for p in (tmp_path / "builds").iterdir() if p.name.startswith(".tmp-")] == []


def test_a_rows_cells_under_role_columns_are_embedded_one_by_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "table.md").write_text(
        "---\nid: table\ntitle: Roles side by side\n---\n# Roles side by side\n\nHow the two roles compare.\n\n"
        "Aspect | Chief Sales Officer (CSO) | VP of Sales |\n---|---|---|\n"
        "Company stage | Ideal for large enterprises | Suited for mid-sized companies |\n", encoding="utf-8")
    build_index(load_corpus(corpus), FakeEncoder(), tmp_path / "index")
    index = load_index(tmp_path / "index", FakeEncoder())
    assert index.cell_roles == ("cso", "vpsales")
    row = index.chunks[int(index.cell_chunks[0])]
    assert row.kind == "table_row" and "Company stage" in row.text
    assert int(index.cell_chunks[1]) == index.chunks.index(row)
    assert index.cell_vectors is not None and index.cell_vectors.shape == (2, 384)
    # each cell reads "<label>: <cell>": the VP of Sales' cell is not the CSO's
    expected = FakeEncoder().encode(["Company stage: Suited for mid-sized companies"])[0]
    assert np.allclose(index.cell_vectors[1], expected)
