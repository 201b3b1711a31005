"""The worker's C heap (glibc malloc): what it keeps after loading, and where large temporaries come from."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os

logger = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
# Allocations at least this large get their own mapping, returned to the OS on free. glibc starts at this
# value but raises it (up to 32 MB) each time a mapped block is freed, and loading the model frees many, so a
# serving worker carved onnxruntime's per-request tensors (attention and feed-forward buffers, ~0.1-2 MB)
# from the heap, where freed holes were kept: soak (bench/soak.py, unique questions, 1 worker) RSS went
# 283 -> 313 MB over requests 1k -> 4k, 41 MB of it free heap that malloc_trim gave back. Pinned at 128 KB:
# 262 -> 268 MB, no CPU change per answer over HTTP (26.4 vs 27.1 ms, within this machine's noise).
MMAP_THRESHOLD_BYTES = 128 * 1024


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return None


def release_freed_heap() -> None:
    """Hand the heap that loading freed back to the OS (glibc keeps it otherwise): onnxruntime parses the
    90 MB model into buffers it drops after building the session, ~30 MB of a worker's RSS."""
    libc = _libc()
    with contextlib.suppress(AttributeError):
        if libc is not None:
            libc.malloc_trim(0)


def pin_mmap_threshold() -> None:
    """Keep large temporaries out of the heap for the life of the worker (see MMAP_THRESHOLD_BYTES);
    an operator's MALLOC_MMAP_THRESHOLD_ wins."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    libc = _libc()
    with contextlib.suppress(AttributeError):
        if libc is not None and not libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES):
            logger.warning("could not pin glibc's mmap threshold; RSS may creep under sustained load")
