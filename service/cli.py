"""Command line: `roleqa index`, `roleqa ask`, `roleqa search`, `roleqa serve`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from service.config import Settings
from service.corpus import CorpusError

if TYPE_CHECKING:
    from service.assistant import Assistant

logger = logging.getLogger(__name__)


def _settings(**overrides: object) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except Exception as exc:  # pydantic's ValidationError, shown without a trace
        raise click.UsageError(f"invalid settings: {exc}") from exc


def _load_assistant(settings: Settings) -> Assistant:
    from service.assistant import Assistant
    from service.index import IndexLoadError

    try:
        return Assistant.load(settings)
    except (IndexLoadError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def cli(verbose: bool) -> None:
    """roleqa: cited answers about CRO, CSO and VP of Sales roles."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@cli.command("index")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), help="Articles folder (default corpus/).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder (default index/).")
@click.option("--encoder", type=click.Choice(["minilm", "fake"]), help="Encoder (fake is for tests).")
def index_cmd(corpus_dir: Path | None, index_dir: Path | None, encoder: str | None) -> None:
    """Chunk and embed the corpus into a new index, published atomically."""
    from service.corpus import load_corpus
    from service.embedding import load_encoder
    from service.index import build_index

    settings = _settings(corpus_dir=corpus_dir, index_dir=index_dir, encoder=encoder)
    try:
        articles = load_corpus(Path(settings.corpus_dir))
    except CorpusError as exc:
        raise click.ClickException(f"{exc}\nHint: see corpus/README.md for the article format.") from exc
    click.echo(f"Indexing {len(articles)} articles from {settings.corpus_dir} ...", err=True)
    model = load_encoder(settings.encoder, settings.torch_threads)

    def progress(what: str, done: int, total: int) -> None:
        click.echo(f"\r  embedding {what}: {done}/{total}", err=True, nl=done >= total)

    report = build_index(articles, model, Path(settings.index_dir), progress=progress)
    click.echo(f"Built {report.path} : {report.chunks} chunks, {report.sentences} sentences "
               f"in {report.seconds:.1f}s")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (the API's shape).")
@click.option("--top-k", type=click.IntRange(1, 20), help="Passages to retrieve.")
def ask(question: str, as_json: bool, top_k: int | None) -> None:
    """Answer QUESTION with citations."""
    if not question.strip():
        raise click.UsageError("the question is empty")
    assistant = _load_assistant(_settings())
    answer = assistant.ask(question, top_k=top_k)
    if as_json:
        from service.api import answer_payload

        click.echo(json.dumps(answer_payload(answer, "cli").model_dump(), indent=2, ensure_ascii=False))
        return
    click.echo(answer.answer)
    for c in answer.citations:
        where = f" — {c.section}" if c.section else ""
        click.echo(f"\n[{c.n}] {c.title}{where}\n    \"{c.quote}\"")


@cli.command()
@click.argument("query")
@click.option("-k", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def search(query: str, k: int, mode: str, as_json: bool) -> None:
    """Show the passages retrieval finds for QUERY."""
    assistant = _load_assistant(_settings())
    _, passages = assistant.search(query, k=k, mode=mode)
    if as_json:
        click.echo(json.dumps([{"chunk_id": p.chunk.id, "score": p.score, "dense": p.dense, "bm25": p.bm25,
                                "section": p.chunk.section, "text": p.chunk.text} for p in passages], indent=2))
        return
    for p in passages:
        click.echo(f"{p.rank + 1}. {p.chunk.id}  score={p.score:.4f} dense={p.dense:.3f} bm25={p.bm25:.2f}")
        click.echo("   " + p.chunk.text[:160].replace("\n", " "))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API and chat page with uvicorn."""
    import uvicorn

    _settings()  # fail fast on bad settings
    uvicorn.run("service.app:app", host=host, port=port, workers=workers, log_level="info")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
