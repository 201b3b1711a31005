"""The worker pins glibc's mmap threshold, so per-request tensors do not fragment the heap (bench/soak.py)."""

import ctypes

import pytest
from fastapi.testclient import TestClient

from service import heap
from service.api import create_app
from service.assistant import Assistant
from service.config import Settings


class FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[int, ...]]] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", (param, value)))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", (pad,)))
        return 1


def test_the_app_pins_the_mmap_threshold_at_startup(fake_settings: Settings, fake_assistant: Assistant,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    libc = FakeLibc()
    monkeypatch.setattr(heap, "_libc", lambda: libc)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with TestClient(create_app(fake_settings, fake_assistant)) as client:
        assert client.get("/healthz").status_code == 200
    assert ("mallopt", (heap.M_MMAP_THRESHOLD, 128 * 1024)) in libc.calls
    assert ("malloc_trim", (0,)) in libc.calls


def test_an_operators_malloc_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    libc = FakeLibc()
    monkeypatch.setattr(heap, "_libc", lambda: libc)
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    heap.pin_mmap_threshold()
    assert libc.calls == []


def test_pinning_works_on_this_libc() -> None:
    # the real call: glibc accepts the parameter (mallopt returns 1 on success)
    libc = ctypes.CDLL("libc.so.6")
    assert libc.mallopt(heap.M_MMAP_THRESHOLD, heap.MMAP_THRESHOLD_BYTES) == 1
