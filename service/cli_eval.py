"""`roleqa eval`: measure a suite per configuration, compare runs (--baseline, --ab, --set, --index), gate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from service.cli_base import InvalidInput, _load_assistant, _settings
from service.config import Settings
from service.corpus import CorpusError

if TYPE_CHECKING:
    from service.assistant import Assistant


@click.command("eval")
@click.option("--suite", type=click.Path(path_type=Path), default=Path("eval/dev.jsonl"), show_default=True)
@click.option("--config", "configs", multiple=True, help="Configurations to compare (default: all).")
@click.option("--gate", type=click.Path(path_type=Path), help="Thresholds TOML; exit 1 when a metric falls below.")
@click.option("--out", type=click.Path(path_type=Path), help="Report folder (default eval/reports/<time>).")
@click.option("--check", is_flag=True, help="Only validate the suite (and --gate thresholds) against the index.")
@click.option("--baseline", type=click.Path(path_type=Path), help="An earlier report folder: list what changed.")
@click.option("--no-regressions", is_flag=True, help="With --baseline/--ab: exit 1 when a question that passed fails.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="Change a setting for this run, e.g. --set min_support=0.5 (repeatable; keys in eval/README.md).")
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Evaluate another index build (a folder written by `roleqa index --index DIR`).")
@click.option("--ab", is_flag=True, help="A/B in one run: A = the defaults, B = --set/--index; paired tests.")
@click.option("--perturb", "perturbations", metavar="NAMES",
              help="Ask the suite's questions changed: typo, lower, chatter, thanks (comma-separated).")
def eval_cmd(suite: Path, configs: tuple[str, ...], gate: Path | None, out: Path | None, check: bool,
             baseline: Path | None, no_regressions: bool, sets: tuple[str, ...], index_dir: Path | None,
             ab: bool, perturbations: str | None) -> None:
    """Measure retrieval and answers on SUITE, side by side per configuration.

    With --baseline DIR or --ab, the run (B) is compared with another (A) question by question, with a
    paired significance test per metric. With --perturb, every question is asked as typed with a slip, in lower
    case, wrapped in chatter or after thanks (service.perturb), the same way on every run. Exit codes: 0 done,
    1 the gate failed, 2 invalid input (suite, thresholds, config, settings, index, baseline, perturbation).
    """
    import time
    from dataclasses import asdict

    from service.evaluation import CONFIGS, PRIMARY, EvalError, run_config, summarize
    from service.suites import load_thresholds, read_suite
    from service.variants import Overrides, VariantError, parse_overrides, valid_keys

    problems, hints = [], []
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        raise InvalidInput(f"unknown config {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    settings = _settings()
    try:
        variant, overrides = parse_overrides(sets, settings)
    except VariantError as exc:
        problems += str(exc).splitlines()
        hints.append(f"Hint: valid --set keys (current value): {valid_keys(settings)}")
        variant, overrides = settings, Overrides()
    if index_dir is not None:
        variant = variant.model_copy(update={"index_dir": index_dir})
    compared = configs[0] if len(configs) == 1 else PRIMARY
    if (baseline or ab) and configs and compared not in configs:
        problems.append(f"--baseline and --ab compare {PRIMARY} (or the one --config given); add --config {PRIMARY}")
    if ab:
        if baseline:
            problems.append("--ab and --baseline both name run A; give one of them")
        if not (overrides or index_dir):
            problems.append("--ab compares the defaults (A) with --set/--index (B); give at least one of them")
    elif no_regressions and not baseline:
        problems.append("--no-regressions needs --baseline DIR or --ab")
    items, suite_problems = read_suite(suite)
    problems += suite_problems
    if perturbations:
        from service.perturb import perturb

        try:
            items = perturb(items, [n.strip() for n in perturbations.split(",") if n.strip()])
        except ValueError as exc:
            problems.append(f"--perturb: {exc}")
    if gate:
        try:
            load_thresholds(gate)
        except EvalError as exc:
            problems += str(exc).splitlines()
    problems += _check_evidence(suite, items, Path(variant.index_dir), index_dir is not None)
    if any(p.startswith("--index") for p in problems):
        hints.append(_INDEX_HINT.format(dir=index_dir, encoder=settings.encoder))
    if ab and index_dir is not None:
        problems += _check_evidence(suite, items, Path(settings.index_dir), False)
    before = None
    if baseline:
        from service.regressions import BaselineError, load_baseline

        try:
            before = load_baseline(baseline, compared)
        except BaselineError as exc:
            problems.append(str(exc))
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)
                           + "".join(f"\n{h}" for h in hints))
    if check:
        turns = sum(len(i.turns) for i in items)
        click.echo(f"{suite}: {len(items)} items, {turns} turns, every evidence quote matches the index "
                   f"({variant.index_dir}): OK")
        return
    names = list(configs) or ([compared] if ab else list(CONFIGS))
    if gate and PRIMARY not in names:
        names.append(PRIMARY)
    out = out or Path("eval/reports") / time.strftime("%Y%m%dT%H%M%S")
    a_label, base = f"baseline {baseline}", None
    if ab:
        base = _load_assistant(settings)
        a_results = {compared: run_config(base, items, CONFIGS[compared])}
        a_summary, a_data = summarize(a_results[compared], compared)
        from service.reporting import save_outputs

        save_outputs(out / "a", a_results, {compared: a_summary}, {compared: a_data}, {}, None,
                     _provenance(settings, suite, base))
        before = {r.qid: {**asdict(r), "first_hit": r.first_hit} for r in a_results[compared]}
        a_label = f"the defaults ({compared}; report in {out / 'a'})"
    assistant = _variant_assistant(variant, overrides, base, index_dir)
    b_label = f"this run ({', '.join([compared, *sets] + ([f'index {index_dir}'] if index_dir else []))})"
    provenance = _provenance(variant, suite, assistant, overrides.as_dict())
    if perturbations:
        provenance["perturb"] = perturbations
    _run_and_report(assistant, items, names, compared, out, before, (a_label, b_label), gate, no_regressions,
                    provenance)


_INDEX_HINT = ("Hint: --index takes a build made by `roleqa index --index {dir}` with this run's encoder "
               "(ROLEQA_ENCODER={encoder}); to compare encoders, run each with its own and compare with --baseline")


def _check_evidence(suite: Path, items: list[Any], index_dir: Path, chosen: bool) -> list[str]:
    """Evidence quotes that match no chunk of the index in `index_dir` (a --index DIR is `chosen`)."""
    from service.index import IndexLoadError, read_chunks
    from service.suites import unmatched_evidence

    try:
        chunks = read_chunks(index_dir)
    except IndexLoadError as exc:
        if chosen:
            return [f"--index {index_dir}: {exc}"]  # the hint for it is _INDEX_HINT
        raise click.ClickException(str(exc)) from exc
    found = unmatched_evidence(suite, items, [c.context_text(with_title=False) for c in chunks])
    return [f"{p} [--index {index_dir}]" for p in found] if chosen else found


def _variant_assistant(settings: Settings, overrides: Any, base: Assistant | None,
                       index_dir: Path | None) -> Assistant:
    """The assistant run B measures: `base`'s index (or the --index build) with the overrides applied."""
    from service.variants import configure

    if index_dir is None:
        base = base or _load_assistant(settings)
        return configure(base.index, base.encoder, settings, overrides)
    from service.assistant import Assistant
    from service.index import IndexLoadError

    try:  # another build is used as built: its chunks and roles, not checked against corpus/
        loaded = Assistant.load(settings, base.encoder if base else None, check_corpus=False)
    except (IndexLoadError, CorpusError) as exc:
        raise InvalidInput(f"--index {index_dir}: {exc}\n{_INDEX_HINT.format(dir=index_dir, encoder=settings.encoder)}"
                           ) from None
    return configure(loaded.index, loaded.encoder, settings, overrides)


def _run_and_report(assistant: Assistant, items: list[Any], names: list[str], compared: str, out: Path,
                    before: dict[str, Any] | None, labels: tuple[str, str], gate: Path | None,
                    no_regressions: bool, provenance: dict[str, object]) -> None:
    """Run every configuration, write the report folder, print the tables and apply the gate."""
    from service.comparison import compare_runs, describe, rows_of
    from service.evaluation import CONFIGS, PRIMARY, check_gate, run_config, summarize
    from service.regressions import describe as describe_changes
    from service.regressions import diff
    from service.reporting import save_outputs, significance, terminal_table, triage_table

    results, summaries, data = {}, {}, {}
    for name in names:
        results[name] = run_config(assistant, items, CONFIGS[name])
        summaries[name], data[name] = summarize(results[name], name)
    pvalues = significance(data)
    changes, paired = None, None
    if before is not None:
        changes = diff(before, results[compared])
        paired = (compare_runs(list(before.values()), rows_of(results[compared])), *labels)
    save_outputs(out, results, summaries, data, pvalues, changes, provenance, paired)
    click.echo(terminal_table(summaries, pvalues))
    click.echo("\n" + triage_table(results))
    if paired is not None:
        click.echo("\n" + describe(*paired))
    if changes is not None:
        click.echo("\n" + describe_changes(changes))
    click.echo(f"\nPer-question results, TREC qrels/runs and report.html in {out}")
    failures = []
    if no_regressions and changes:
        failures += [f"{c.qid} regressed: {c.before} -> {c.after}" for c in changes if c.kind == "regressed"]
    if gate:
        failures += check_gate(summaries[PRIMARY], gate)
    if gate or no_regressions:
        if failures:
            click.echo("\nGate FAILED:\n  " + "\n  ".join(failures), err=True)
            sys.exit(1)
        click.echo(f"\nGate passed ({gate or 'no regressions'}).")


def _provenance(settings: Settings, suite: Path, assistant: Assistant,
                overrides: dict[str, object] | None = None) -> dict[str, object]:
    """What a run measured: code, index, corpus, encoder, settings and suite, so two runs can be compared."""
    import hashlib
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                                cwd=Path(__file__).resolve().parent).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    manifest = assistant.index.manifest
    return {"git_commit": commit, "index_build": manifest.get("build_id"), "corpus_hash": manifest.get("corpus_hash"),
            "encoder": settings.encoder, "encoder_runtime": manifest.get("encoder_runtime"),
            "suite": str(suite), "suite_sha256": hashlib.sha256(suite.read_bytes()).hexdigest(),
            "index_dir": str(settings.index_dir), "overrides": overrides or {},
            "settings": {k: v for k, v in settings.model_dump(mode="json").items()
                         if k in ("top_k", "rrf_k", "candidate_k", "min_support", "max_answer_words")}}
