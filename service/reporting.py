"""Evaluation reports: a terminal table, TREC/JSON files and a self-contained HTML page with plots."""

from __future__ import annotations

import base64
import html
import io
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from service import comparison
from service.evaluation import CATEGORIES, PRIMARY, TurnResult
from service.triage import CLASSES, Failure, classify, count, triage

logger = logging.getLogger(__name__)

# a paired comparison of two runs: its metrics, and the labels of run A and run B
Comparison = tuple[list[comparison.Paired], str, str]

TABLE_METRICS = (("retrieval.single", "hit_rate@1"), ("retrieval.single", "hit_rate@5"),
                 ("retrieval.single", "mrr@10"), ("retrieval.single", "ndcg@10"),
                 ("retrieval.followup", "hit_rate@1"), ("retrieval.followup", "hit_rate@5"),
                 ("retrieval.all", "hit_rate@1"), ("retrieval.all", "hit_rate@5"), ("retrieval.all", "mrr@10"),
                 ("answers", "facts_present"), ("answers", "concise"),
                 ("answers", "citation_correct"), ("answers", "abstention_recall"),
                 ("answers", "false_abstention"), ("answers", "latency_p50_ms"))


def significance(data: dict[str, dict]) -> dict[str, dict[str, float]]:
    """p-values (paired t-test, ranx) of each config against the primary one, per metric."""
    from ranx import compare

    if PRIMARY not in data or len(data) < 2 or not data[PRIMARY]:
        return {}
    names = [PRIMARY] + [n for n in data if n != PRIMARY and data[n]]
    report = compare(data[PRIMARY]["qrels"], runs=[data[n]["run"] for n in names],
                     metrics=["hit_rate@1", "hit_rate@5", "mrr@10"], max_p=0.05, stat_test="student")
    raw = report.to_dict()
    return {n: {m: float(p) for m, p in raw[PRIMARY]["comparisons"].get(n, {}).items()} for n in names[1:]}


def terminal_table(summaries: dict[str, dict], pvalues: dict[str, dict[str, float]]) -> str:
    from tabulate import tabulate

    header = ["metric"] + list(summaries)
    rows = []
    for group, metric in TABLE_METRICS:
        row = [f"{group.split('.')[-1]} {metric}"]
        for name, summary in summaries.items():
            value = summary.get(group, {}).get(metric)
            cell = "-" if value is None else (f"{value:.1f}" if metric.endswith("_ms") else f"{value:.3f}")
            if pvalues.get(name, {}).get(metric, 1.0) < 0.05 and group == "retrieval.all":
                cell += " *"
            row.append(cell)
        rows.append(row)
    note = f"\n* differs from {PRIMARY} with p < 0.05 (paired t-test over all judged turns)"
    return tabulate(rows, headers=header, tablefmt="github") + note


def triage_table(results: dict[str, list[TurnResult]]) -> str:
    """Failing questions per triage class (rows) and configuration (columns)."""
    from tabulate import tabulate

    counts = {name: count(triage(rows)) for name, rows in results.items()}
    rows = [[kind] + [counts[name][kind] for name in results] for kind in CLASSES]
    rows.append(["failing questions"] + [sum(c.values()) for c in counts.values()])
    return "Failure triage (report.html lists each one):\n" + tabulate(
        rows, headers=["class"] + list(results), tablefmt="github")


def save_outputs(out: Path, results: dict[str, list[TurnResult]], summaries: dict[str, dict],
                 data: dict[str, dict], pvalues: dict[str, dict[str, float]], changes: list[Any] | None = None,
                 provenance: dict[str, Any] | None = None, paired: Comparison | None = None) -> None:
    """Per-question JSON, summary JSON, TREC qrels/runs and report.html into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in results.items():
        safe = name.replace("+", "_")
        (out / f"results-{safe}.json").write_text(json.dumps(
            [{**asdict(r), "first_hit": r.first_hit, "triage": (classify(r) or ("", ""))[0]} for r in rows],
            indent=2, ensure_ascii=False), encoding="utf-8")
        if data.get(name):
            data[name]["run"].save(str(out / f"run-{safe}.trec"), kind="trec")
    if data.get(PRIMARY):
        data[PRIMARY]["qrels"].save(str(out / "qrels.trec"), kind="trec")
    (out / "summary.json").write_text(json.dumps({"configs": summaries, "p_values_vs_primary": pvalues,
                                                  "provenance": provenance or {},
                                                  "changes": [asdict(c) for c in changes or []],
                                                  "paired": comparison.as_json(*paired) if paired else None},
                                                 indent=2), encoding="utf-8")
    (out / "report.html").write_text(render_html(results, summaries, pvalues, changes, provenance, paired),
                                     encoding="utf-8")


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _plots(results: dict[str, list[TurnResult]]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots = []
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, rows in results.items():
        judged = [r for r in rows if r.relevant and not r.gold_abstain]
        if judged:
            curve = [sum(r.first_hit is not None and r.first_hit < k for r in judged) / len(judged)
                     for k in range(1, 11)]
            ax.plot(range(1, 11), curve, marker="o", label=name)
    ax.set(xlabel="k", ylabel="hit@k", title="hit@k (all judged turns)", ylim=(0, 1.02))
    ax.legend()
    plots.append(("hit@k by configuration", _png(fig)))
    plt.close(fig)

    shown = PRIMARY if PRIMARY in results else next(iter(results))
    rows = results[shown]
    cats = [c for c in CATEGORIES if any(r.category == c for r in rows)]
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    hit5, facts = [], []
    for c in cats:
        subset = [r for r in rows if r.category == c]
        judged = [r for r in subset if r.relevant]
        hit5.append(sum(r.first_hit is not None and r.first_hit < 5 for r in judged) / len(judged) if judged else 0)
        if c == "out_of_scope":
            facts.append(sum(r.abstained for r in subset) / len(subset))
        else:
            facts.append(sum(not r.facts_missing and not r.abstained for r in subset) / len(subset))
    xs = range(len(cats))
    ax.bar([x - 0.2 for x in xs], hit5, width=0.4, label="hit@5")
    ax.bar([x + 0.2 for x in xs], facts, width=0.4, label="facts present (abstained, for out_of_scope)")
    ax.set_xticks(list(xs), cats, rotation=15)
    ax.set(ylim=(0, 1.05), title=f"per category ({shown})")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    plots.append(("per category", _png(fig)))
    plt.close(fig)
    return plots


def render_html(results: dict[str, list[TurnResult]], summaries: dict[str, dict],
                pvalues: dict[str, dict[str, float]], changes: list[Any] | None = None,
                provenance: dict[str, Any] | None = None, paired: Comparison | None = None) -> str:
    e = html.escape
    paired_html = comparison.render_html(*paired) if paired else ""
    diff_rows = "".join(f"<tr><td>{e(c.kind)}</td><td>{e(c.qid)}</td><td>{e(c.question)}</td><td>{e(c.before)}</td>"
                        f"<td>{e(c.after)}</td></tr>" for c in changes or [])
    diff_html = ("" if changes is None else "<h2>Against the baseline</h2>" + (
        f"<table><tr><th>change</th><th>id</th><th>question</th><th>before</th><th>after</th></tr>{diff_rows}</table>"
        if changes else "<p>No question changed.</p>"))
    prov = "".join(f"<li>{e(str(k))}: {e(json.dumps(v))}</li>" for k, v in (provenance or {}).items())
    head = "".join(f"<th>{e(n)}</th>" for n in summaries)
    body = ""
    for group, metric in TABLE_METRICS:
        cells = ""
        for name, s in summaries.items():
            v = s.get(group, {}).get(metric)
            star = " *" if pvalues.get(name, {}).get(metric, 1.0) < 0.05 and group == "retrieval.all" else ""
            cells += f"<td>{'-' if v is None else f'{v:.3f}'}{star}</td>"
        body += f"<tr><th>{e(group)} {e(metric)}</th>{cells}</tr>"
    plots = "".join(f"<figure><img alt='{e(t)}' src='data:image/png;base64,{p}'><figcaption>{e(t)}</figcaption>"
                    f"</figure>" for t, p in _plots(results))
    shown = PRIMARY if PRIMARY in results else next(iter(results), PRIMARY)
    rows = results.get(shown, [])
    failures = _triage_html(triage(rows))
    others = ""
    for r in rows:  # passed, but retrieval or citations were wrong
        if classify(r) is None and (r.citation_problems or (r.relevant and r.first_hit is None)):
            top = "".join(f"<li>{e(cid)}</li>" for cid, _ in r.retrieved[:3])
            rank = "-" if r.first_hit is None else r.first_hit + 1
            others += (f"<tr><td>{e(r.qid)}<br><small>{e(r.category)}</small></td><td>{e(r.question)}<br>"
                       f"<small>standalone: {e(r.standalone)}</small></td><td>{e(r.answer)}</td>"
                       f"<td>{e('; '.join(r.citation_problems))}</td><td>{rank}</td><td><ul>{top}</ul></td></tr>")
    others_html = ("" if not others else "<h2>Other problems (the answer passed)</h2><table><tr><th>id</th>"
                   "<th>question</th><th>answer</th><th>citation problems</th><th>first relevant rank</th>"
                   f"<th>retrieved top 3</th></tr>{others}</table>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>roleqa evaluation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1f2430}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #d8dce6;padding:.35rem .6rem;text-align:left;vertical-align:top;font-size:.9rem}}
figure{{display:inline-block;margin:0 1rem 1rem 0}}small{{color:#667}}</style></head><body>
<h1>roleqa evaluation</h1><table><tr><th>metric</th>{head}</tr>{body}</table>
<p>* differs from {PRIMARY} with p &lt; 0.05 (paired t-test).</p><ul>{prov}</ul>{paired_html}{diff_html}{plots}
<h2>Failure triage ({e(shown)})</h2>{failures}{others_html}</body></html>"""


def _triage_html(failures: list[Failure]) -> str:
    """Counts per class, then one row per failing question with the evidence a maintainer needs."""
    e = html.escape
    counts = count(failures)
    summary = "".join(f"<tr><th>{e(k)}</th><td>{n}</td></tr>" for k, n in counts.items())
    rows = ""
    for f in failures:
        evidence = "".join(f"<li>{e(q)}</li>" for q in f.evidence)
        passage = (f"<small>rank {f.relevant_rank or 'quoted'}</small><br>{e(f.relevant_passage)}"
                   if f.relevant_passage else "-" if not f.evidence else "<small>not retrieved</small>")
        rows += (f"<tr><td>{e(f.qid)}<br><small>{e(f.category)}</small></td><td><b>{e(f.kind)}</b><br>"
                 f"<small>{e(f.failed)}: {e(f.note)}</small></td><td>{e(f.question)}<br><small>standalone: "
                 f"{e(f.standalone)}</small></td><td><ul>{evidence}</ul></td><td>{passage}</td><td>{e(f.answer)}</td>"
                 f"<td>{e(f.reason) or '-'}</td><td>{f.support:.2f}</td></tr>")
    return (f"<table class='triage-counts'><tr><th>class</th><th>failing questions</th></tr>{summary}</table>"
            + ("<p>No question failed.</p>" if not failures else
               "<table class='triage'><tr><th>id</th><th>class</th><th>question</th><th>gold evidence</th>"
               "<th>relevant passage</th><th>answer</th><th>abstention reason</th><th>support</th></tr>"
               f"{rows}</table>"))
