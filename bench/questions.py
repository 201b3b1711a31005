"""Distinct, realistic questions for load tests: roles x topics x phrasings, deterministic order.

    from bench.questions import generate; generate(5000)
"""

from __future__ import annotations

import itertools
import random

ROLES = ["the CRO", "a Chief Revenue Officer", "the CSO", "a chief sales officer", "the VP of Sales",
         "a vice president of sales", "a VP Sales", "our head of revenue"]
TOPICS = [
    ("report to", "Who does {r} report to?"), ("salary", "How much does {r} earn?"),
    ("salary", "what's the typical pay for {r}"), ("metrics", "What metrics does {r} track?"),
    ("skills", "What skills does {r} need?"), ("experience", "How many years of experience does {r} need?"),
    ("benefits", "What are the benefits of hiring {r}?"), ("drawbacks", "What are the drawbacks of {r}?"),
    ("hire", "When should a company hire {r}?"), ("day", "What does {r} do day to day?"),
    ("teams", "Which teams does {r} manage?"), ("strategy", "Does {r} own the go-to-market strategy?"),
    ("degree", "What degree does {r} usually have?"), ("ceo", "How does {r} work with the CEO?"),
    ("cfo", "What does {r} do with the CFO?"), ("career", "How do you become {r}?"),
    ("compensation", "What is the total compensation of {r}?"), ("first 90", "What should {r} do first?"),
    ("ai", "How can {r} use AI tools?"), ("pricing", "Is {r} responsible for pricing?"),
]
SUFFIXES = ["", " in a startup", " in a large company", " at a SaaS business", " today", " usually",
            " in 2026", " in a small team", " in our org", " when we scale", " at a B2B company",
            " in Europe", " in a mid-sized firm", " in a subscription business", " after a merger",
            " at a 50-person company", " in a public company", " at a series B startup", " in a family business",
            " in retail"]
PREFIXES = ["", "quick question: ", "hey, ", "can you tell me: ", "for our hiring plan: "]
PAIRS = ["the CRO and the CSO", "the CSO and the VP of Sales", "a VP of Sales and a CRO"]
COMPARE = ["How do {p} differ?", "Who earns more, {p}?", "Who reports to whom between {p}?",
           "Which should we hire first, {p}?"]


# only used past the first 17,200 (the soak's 20k), so shorter runs keep the questions they always had
MORE_PREFIXES = ["I'm curious: ", "one more thing: ", "as a founder, I wonder: "]


def _phrasings(prefixes: list[str]) -> list[str]:
    out = {p + t.format(r=r).rstrip("?") + s + "?"
           for p, (_, t), r, s in itertools.product(prefixes, TOPICS, ROLES, SUFFIXES)}
    out |= {pre + c.format(p=p).rstrip("?") + s + "?"
            for pre, c, p, s in itertools.product(prefixes, COMPARE, PAIRS, SUFFIXES)}
    return sorted(out)


def generate(n: int, seed: int = 7) -> list[str]:
    """`n` distinct questions (raises if fewer can be made), shuffled deterministically."""
    questions = _phrasings(PREFIXES)
    random.Random(seed).shuffle(questions)
    if n > len(questions):
        more = _phrasings(MORE_PREFIXES)
        random.Random(seed).shuffle(more)
        questions += more
    if n > len(questions):
        raise ValueError(f"only {len(questions)} distinct questions can be generated")
    return questions[:n]
