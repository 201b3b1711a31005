"""Memoized role matching gives what matching the role regex afresh gives, for the roles installed now."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from service import roles
from service.corpus import load_corpus
from service.lexicon import canonicalize_roles, find_roles, role_spans
from tests.conftest import REAL_CORPUS

QUESTIONS = ["Who does the VP of Sales report to?", "cro vs cso: who earns more", "What does a Head of Growth do?",
             "heads of sales' teams and the Chief Revenue Officer (CRO)'s remit", "nothing about roles here", ""]


def _fresh_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.lastgroup.rsplit("_", 1)[0]) for m in roles.current().regex.finditer(text)
            if m.lastgroup]


def _fresh_canonical(text: str, style: str) -> str:
    by_key = roles.current().by_key

    def repl(m: re.Match[str]) -> str:
        role = by_key[m.lastgroup.rsplit("_", 1)[0]] if m.lastgroup else None
        if role is None:
            return m.group(0)
        return f" {role.key} " if style == "key" else role.name

    return roles.current().regex.sub(repl, text)


@pytest.fixture()
def restore_roles() -> Iterator[None]:
    before = roles.current()
    yield
    roles.install(before)


def test_memoized_spans_and_canonical_forms_equal_a_fresh_match() -> None:
    texts = QUESTIONS + [a.text for a in load_corpus(REAL_CORPUS)]
    for text in texts * 2:  # the second round is answered from the cache
        assert role_spans(text) == _fresh_spans(text)
        for style in ("key", "name"):
            assert canonicalize_roles(text, style) == _fresh_canonical(text, style)


def test_the_cache_follows_the_installed_roles(restore_roles: None) -> None:
    text = "What does a Chief Growth Officer (CGO) do with the CRO?"
    assert find_roles(text) == ["cro"]
    growth = roles.Role("cgo", "Chief Growth Officer (CGO)", roles.make_patterns("Chief Growth Officer", "CGO"))
    roles.install(roles.RoleSet((*roles.default_roles().roles, growth)))
    assert find_roles(text) == ["cgo", "cro"]
    assert canonicalize_roles(text, "key") == _fresh_canonical(text, "key")
    roles.install(None)
    assert find_roles(text) == ["cro"]


def test_a_returned_list_is_the_callers_own() -> None:
    spans = role_spans(QUESTIONS[0])
    spans.clear()
    assert role_spans(QUESTIONS[0]) == _fresh_spans(QUESTIONS[0]) != []
