"""What the commands share: settings from the environment, the loaded assistant, the exit-2 error."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from service.config import Settings
from service.corpus import CorpusError

if TYPE_CHECKING:
    from service.assistant import Assistant


class InvalidInput(click.ClickException):
    """A suite, thresholds file or setting that cannot be used: exit code 2, like a usage error."""

    exit_code = 2


def _settings(**overrides: object) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except Exception as exc:  # pydantic's ValidationError, shown without a trace
        raise click.UsageError(f"invalid settings: {exc}") from exc


def _load_assistant(settings: Settings) -> Assistant:
    from service.assistant import Assistant
    from service.index import IndexLoadError

    try:
        return Assistant.load(settings)
    except (IndexLoadError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from exc
