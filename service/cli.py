"""Command line: `roleqa index`, `roleqa ask`, `roleqa search`, `roleqa serve`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from service.cli_base import InvalidInput, _load_assistant, _settings
from service.cli_eval import eval_cmd
from service.config import Settings, available_cores
from service.corpus import CorpusError, RolesError

logger = logging.getLogger(__name__)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def cli(verbose: bool) -> None:
    """roleqa: cited answers about sales leadership roles, from the articles in corpus/."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@cli.command("index")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), help="Articles folder (default corpus/).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder (default index/).")
@click.option("--encoder", type=click.Choice(["minilm", "minilm-torch", "minilm-int8", "fake"]),
              help="Encoder (default minilm: fp32 ONNX; fake is for tests).")
def index_cmd(corpus_dir: Path | None, index_dir: Path | None, encoder: str | None) -> None:
    """Chunk and embed the corpus into a new index, published atomically."""
    from service.corpus import ignored_files, load_corpus
    from service.embedding import load_encoder
    from service.index import build_index
    from service.roles import load_roles

    settings = _settings(corpus_dir=corpus_dir, index_dir=index_dir, encoder=encoder)
    for path, what in ignored_files(Path(settings.corpus_dir)):
        click.echo(f"warning: ignoring {path}: {what}", err=True)
    try:
        articles = load_corpus(Path(settings.corpus_dir))
        roles = load_roles(Path(settings.corpus_dir), articles)
    except RolesError as exc:
        raise InvalidInput(f"{exc}\nHint: see corpus/README.md (Roles) for the roles.yaml and `roles:` format; "
                           f"the index was not changed.") from None
    except CorpusError as exc:
        raise click.ClickException(f"{exc}\nHint: see corpus/README.md for the article format.") from exc
    click.echo(f"Indexing {len(articles)} articles from {settings.corpus_dir} ...", err=True)
    model = load_encoder(settings.encoder, settings.encoder_threads(), Path(settings.model_dir))

    def progress(what: str, done: int, total: int) -> None:
        click.echo(f"\r  embedding {what}: {done}/{total}", err=True, nl=done >= total)

    report = build_index(articles, model, Path(settings.index_dir), progress=progress, roles=roles)
    click.echo(f"Built {report.path} : {report.chunks} chunks, {report.sentences} sentences "
               f"in {report.seconds:.1f}s")


@cli.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), help="Articles folder (default corpus/).")
@click.option("--id", "article_id", help="The new article's id and file name (one PATH only; default: from the title).")
@click.option("--title", help="The new article's title (one PATH only; default: found in the file).")
@click.option("--role", "roles", multiple=True, metavar="NAME[:ABBREVIATION]",
              help='A role the articles are about, e.g. "Chief Growth Officer:CGO" (repeatable); see corpus/README.md.')
def add_cmd(paths: tuple[Path, ...], corpus_dir: Path | None, article_id: str | None, title: str | None,
            roles: tuple[str, ...]) -> None:
    """Convert .md, .txt, .html and .pdf files into corpus articles (cleaned Markdown with front matter).

    Nothing is added unless every file converts and none repeats an article; existing files are never
    overwritten. Exit code 2 when a file is refused.
    """
    from service.ingestion import IngestError, check_drafts, convert_file, parse_role_option, write_drafts

    if (article_id or title) and len(paths) > 1:
        raise InvalidInput("--id and --title name one article; give one PATH with them")
    corpus = Path(_settings(corpus_dir=corpus_dir).corpus_dir)
    if not corpus.is_dir():
        raise InvalidInput(f"corpus folder {corpus} does not exist\nHint: create it or pass --corpus DIR")
    try:
        declared = [parse_role_option(r) for r in roles]
    except IngestError as exc:
        raise InvalidInput(str(exc)) from None
    drafts, problems = [], []
    for path in paths:
        try:
            drafts.append(convert_file(path, article_id, title, declared))
        except IngestError as exc:
            problems.append(str(exc))
    problems += check_drafts(drafts, corpus)
    if problems:
        raise InvalidInput("nothing was added:\n  " + "\n  ".join(p.replace("\n", "\n    ") for p in problems))
    try:
        written = write_drafts(drafts, corpus)
    except FileExistsError as exc:
        raise InvalidInput(f"{exc.filename} appeared while adding; it was not overwritten") from exc
    for draft, target in zip(drafts, written, strict=True):
        click.echo(f"Added {target} ({draft.title!r}, {len(draft.body.split())} words) from {draft.path}")
    click.echo("Run `roleqa index` to make the new article(s) searchable: the served index does not have them yet.")


@cli.command("export-encoder")
def export_encoder() -> None:
    """Write the installed all-MiniLM-L6-v2 weights out as fp32 ONNX in models/ (needs onnx, downloads nothing)."""
    from service.embedding import EncoderUnavailableError, export_onnx

    settings = _settings()
    try:
        path = export_onnx(Path(settings.model_dir))
    except EncoderUnavailableError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Exported {path}")


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


def _open_store(settings: Settings) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from service.store import Store

    try:
        return Store(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"cannot open the conversation store {settings.database_url}: {exc}\n"
                                   "Hint: check ROLEQA_DATABASE_URL") from exc


def _since(value: str | None) -> Any:
    if value is None:
        return None
    from datetime import UTC, datetime

    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"--since {value!r} is not a date; give it as YYYY-MM-DD") from None


@cli.command("gaps")
@click.option("--json", "as_json", is_flag=True, help="Print the topics as JSON.")
@click.option("--html", "html_file", type=click.Path(path_type=Path), help="Also write the topics as an HTML page.")
@click.option("--since", help="Only questions asked on or after this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="Topics shown as text.")
@click.option("--min-similarity", type=click.FloatRange(0.0, 1.0),
              help="Average cosine similarity within a topic (default: service.gaps.MIN_SIMILARITY).")
def gaps_cmd(as_json: bool, html_file: Path | None, since: str | None, limit: int,
             min_similarity: float | None) -> None:
    """Group stored questions that were abstained on or rated down into topics, the most asked first."""
    from service.embedding import EncoderUnavailableError, load_encoder
    from service.gaps import MIN_SIMILARITY, find_gaps, gap_turns, render_html, render_text

    settings = _settings()
    start = _since(since)
    if html_file and not html_file.parent.is_dir():
        raise InvalidInput(f"cannot write {html_file}: folder {html_file.parent} does not exist")
    store = _open_store(settings)
    try:
        review = store.review_turns(since=start)
    finally:
        store.close()
    topics = []
    if gap_turns(review):
        try:
            encoder = load_encoder(settings.encoder, settings.encoder_threads(), Path(settings.model_dir))
        except EncoderUnavailableError as exc:
            raise click.ClickException(str(exc)) from exc
        topics = find_gaps(review, encoder, MIN_SIMILARITY if min_similarity is None else min_similarity)
    if html_file:
        html_file.write_text(render_html(topics), encoding="utf-8")
    if as_json:
        click.echo(json.dumps({"since": since, "questions": sum(t.count for t in topics),
                               "topics": [t.as_dict() for t in topics]}, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(topics, limit))
    if html_file:
        click.echo(f"Wrote {html_file}", err=True)


@cli.group("feedback")
def feedback_group() -> None:
    """Work with the ratings users gave to answers."""


@feedback_group.command("export")
@click.option("--out", type=click.Path(path_type=Path), help="Write the drafts to this new file (default: stdout).")
@click.option("--since", help="Only turns asked on or after this date (YYYY-MM-DD).")
@click.option("--rating", type=click.Choice(["up", "down"]), help="Only turns rated up, or only down (default both).")
def feedback_export(out: Path | None, since: str | None, rating: str | None) -> None:
    """Draft suite items (JSONL, eval/README.md's format) from rated turns, their cited quotes as evidence.

    Items rated down, or with unrated earlier turns, carry a `review` field that the suite reader refuses
    until a maintainer has checked them; no item has facts yet.
    """
    from service.feedback import draft_items

    settings = _settings()
    start = _since(since)
    if out is not None and out.exists():
        raise InvalidInput(f"{out} exists; it was not overwritten\nHint: choose a new file name")
    if out is not None and not out.parent.is_dir():
        raise InvalidInput(f"cannot write {out}: folder {out.parent} does not exist")
    store = _open_store(settings)
    try:
        review = store.review_turns(since=start)
        history = {cid: store.turns(cid) for cid in {t.conversation_id for t in review if t.rating and t.turn > 1}}
    finally:
        store.close()
    drafts = draft_items(review, history, rating)
    lines = "".join(json.dumps(d.item, ensure_ascii=False) + "\n" for d in drafts)
    if out is None:
        click.echo(lines, nl=False)
    else:
        with open(out, "x", encoding="utf-8") as f:
            f.write(lines)
    marked = sum(d.needs_review for d in drafts)
    click.echo(f"{len(drafts)} item(s) drafted{f' to {out}' if out else ''}: {len(drafts) - marked} from answers "
               f"rated up, {marked} marked `review` (rated down or not fully rated). Add facts, resolve and delete "
               f"each review field, then check with `roleqa eval --check --suite FILE`.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: one per core).")
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the API and chat page with uvicorn."""
    import os

    import uvicorn

    settings = _settings()  # fail fast on bad settings
    if settings.encoder == "minilm":  # export once here, not in every worker
        from service.embedding import EncoderUnavailableError, ensure_onnx_model

        try:
            ensure_onnx_model(Path(settings.model_dir))
        except EncoderUnavailableError as exc:
            raise click.ClickException(str(exc)) from exc
    if workers is None:
        workers = available_cores()
    if settings.torch_threads is None:
        # each worker gets its share of the cores (one thread each with one worker per core); the workers
        # read their settings from this environment
        os.environ["ROLEQA_TORCH_THREADS"] = str(serve_threads(workers))
    uvicorn.run("service.app:app", host=host, port=port, workers=workers, log_level="info",
                **proxy_options(settings))


def serve_threads(workers: int, cores: int | None = None) -> int:
    """Encoder threads per serving worker: the cores shared among the workers, at least one."""
    return max(1, (cores or available_cores()) // workers)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn trusts X-Forwarded-* from 127.0.0.1 by default; roleqa reads X-Forwarded-For itself, only
    from ROLEQA_TRUSTED_PROXIES (service.security), and keeps the real peer for the proxy-identity check."""
    return {"proxy_headers": False}


cli.add_command(eval_cmd)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
