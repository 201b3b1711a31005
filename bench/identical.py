"""Per-question answers, citations and rankings of every eval suite, saved or compared with a saved run.

A performance change must leave every answer as it was: this asks every turn of every suite in
eval/*.jsonl under every configuration (as `service.evaluation.run_config` does: follow-ups get the
earlier turns as history, the embedding cache is cleared per configuration) and keeps what the user
sees and what retrieval ranked.

    python bench/identical.py --save /tmp/before      # at the starting commit
    python bench/identical.py --compare /tmp/before   # after the change; exit 1 on any difference
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# compared exactly; the floats behind them (cosines, support) are reported, since they may move in the
# last bits without changing any choice
EXACT = ("standalone", "answer", "abstained", "reason", "citations", "ranking")
FLOATS = ("support", "dense")


def run_suites(suites: list[Path]) -> dict[str, dict]:
    """{suite/config/qid: what was answered and retrieved} for every turn."""
    from service.assistant import Assistant
    from service.config import Settings
    from service.conversation import Turn
    from service.evaluation import CONFIGS
    from service.suites import load_suite

    assistant = Assistant.load(Settings(torch_threads=1))
    out: dict[str, dict] = {}
    for suite in suites:
        items = load_suite(suite)
        for name, config in CONFIGS.items():
            assistant.retriever.clear_cache()
            for item in items:
                history: list[Turn] = []
                for i, gold in enumerate(item.turns):
                    answer = assistant.ask(gold.question, history if config.rewrite else (), top_k=10,
                                           mode=config.mode)
                    out[f"{suite.stem}/{name}/{item.id}.{i + 1}"] = {
                        "standalone": answer.standalone_question, "answer": answer.answer,
                        "abstained": answer.abstained, "reason": answer.reason,
                        "citations": [asdict(c) for c in answer.citations],
                        # rank order with the fused and BM25 scores (RRF: functions of ranks and role matches)
                        "ranking": [[p.chunk.id, p.rank, round(p.score, 9), round(p.bm25, 5)] for p in answer.passages],
                        "support": answer.support, "dense": [p.dense for p in answer.passages],
                    }
                    history += [Turn("user", gold.question), Turn("assistant", answer.answer)]
    return out


def compare(before: dict[str, dict], after: dict[str, dict]) -> tuple[list[str], float]:
    """Differences in what is compared exactly, and the largest change of a float behind them."""
    problems = [f"{key}: missing after" for key in before if key not in after]
    problems += [f"{key}: new" for key in after if key not in before]
    drift = 0.0
    for key in before.keys() & after.keys():
        b, a = before[key], after[key]
        problems += [f"{key}: {field} {b[field]!r} -> {a[field]!r}" for field in EXACT if b[field] != a[field]]
        drift = max(drift, abs(b["support"] - a["support"]))
        if len(b["dense"]) == len(a["dense"]):
            drift = max([drift, *(abs(x - y) for x, y in zip(b["dense"], a["dense"], strict=True))])
    return sorted(problems), drift


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--save", type=Path, help="write this run's results to this folder")
    parser.add_argument("--compare", type=Path, help="a folder written by --save: report every difference")
    parser.add_argument("--suites", type=Path, nargs="+", default=sorted(Path("eval").glob("*.jsonl")))
    args = parser.parse_args()
    results = run_suites(args.suites)
    turns = len({k.split("/", 1)[0] + "/" + k.split("/", 2)[2] for k in results})
    print(f"{len(results)} answers ({turns} turns x {len(results) // max(turns, 1)} configurations, "
          f"{len(args.suites)} suites)")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "identical.json").write_text(json.dumps(results, indent=0, ensure_ascii=False))
    if args.compare:
        before = json.loads((args.compare / "identical.json").read_text())
        problems, drift = compare(before, results)
        print(f"largest change of a cosine or support: {drift:.3g}")
        if problems:
            print(f"{len(problems)} difference(s):\n  " + "\n  ".join(problems[:200]))
            sys.exit(1)
        print("identical: every answer, citation and ranking")


if __name__ == "__main__":
    main()
