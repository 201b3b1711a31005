"""Hot reload: serve a newly published index without a restart and without dropping requests.

A background task watches `index/current`; when it points at a new build, the new index is loaded
beside the old one (same encoder) and swapped in with one assignment. Requests already running keep
the assistant they started with; a build that fails to load is logged and the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from service.assistant import Assistant
from service.config import Settings
from service.corpus import CorpusError
from service.index import IndexLoadError, read_manifest, resolve_index_path

logger = logging.getLogger(__name__)


def published_build(settings: Settings) -> str | None:
    try:
        return str(read_manifest(resolve_index_path(Path(settings.index_dir))).get("build_id"))
    except IndexLoadError:
        return None


def reload_if_changed(app: FastAPI, settings: Settings) -> bool:
    """Load and swap in the published index if it differs from the served one; True when swapped."""
    current: Assistant | None = app.state.assistant
    build = published_build(settings)
    if build is None or (current is not None and current.index.version == build):
        return False
    try:
        fresh = Assistant.load(settings, encoder=current.encoder if current else None)
    except (IndexLoadError, CorpusError) as exc:
        logger.warning("index %s not loaded, still serving the previous one: %s", build, exc)
        return False
    app.state.assistant = fresh
    app.state.load_error = None
    app.state.metrics.observe_index(fresh.index.version, len(fresh.index.chunks))
    logger.info("now serving index %s (%d chunks)", fresh.index.version, len(fresh.index.chunks))
    return True


async def watch_index(app: FastAPI, settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.reload_interval_seconds)
        try:
            await run_in_threadpool(reload_if_changed, app, settings)
        except Exception:  # the watcher must survive anything a bad build throws at it
            logger.exception("index reload failed")
