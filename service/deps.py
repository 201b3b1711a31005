"""FastAPI dependencies: the heavy objects loaded in the lifespan, reached through Annotated aliases.

They are `async def` although they never wait: FastAPI runs a plain `def` dependency on the thread pool, a
round trip to a worker thread and back per dependency and request (three per answer) for an attribute read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from service.assistant import Assistant
from service.config import Settings
from service.store import OwnedStore, Store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_assistant(request: Request) -> Assistant:
    assistant = getattr(request.app.state, "assistant", None)
    if assistant is None:
        reason = getattr(request.app.state, "load_error", None) or "the index is still loading"
        raise HTTPException(status_code=503, detail=f"roleqa is not ready: {reason}")
    return assistant


async def get_store(request: Request) -> OwnedStore | None:
    """The store as the caller's owner sees it (set by the access middleware; "api" without it)."""
    store: Store | None = getattr(request.app.state, "store", None)
    return store.for_owner(getattr(request.state, "owner", "api")) if store is not None else None


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[OwnedStore | None, Depends(get_store)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
