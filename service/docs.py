"""The API docs page: Swagger UI from a local package's files (fastapi-offline), never a CDN, under the CSP.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script; this page loads the
same bundle from this server and starts it from web/static/docs.js, so the strict CSP holds here too.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

SWAGGER_DIR = Path(str(files("fastapi_offline") / "static"))
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "web" / "templates"))
router = APIRouter(include_in_schema=False)

@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return TEMPLATES.TemplateResponse(request, "docs.html", {"root": root,
                                                             "openapi_url": f"{root}{request.app.openapi_url}"})


def mount_docs(app: FastAPI) -> None:
    """Serve /docs and its assets (the app is built with FastAPI's own docs turned off)."""
    app.mount("/docs/static", StaticFiles(directory=str(SWAGGER_DIR)), name="docs-static")
    app.include_router(router)
