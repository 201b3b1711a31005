"""ASGI entry point for uvicorn workers: `uvicorn service.app:app`."""

from service.api import create_app

app = create_app()
