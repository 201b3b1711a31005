"""What the commands share: settings from the environment, the loaded assistant, the exit-2 error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from service.config import Settings
from service.corpus import CorpusError

if TYPE_CHECKING:
    from service.assistant import Assistant


class InvalidInput(click.ClickException):
    """A suite, thresholds file or setting that cannot be used: exit code 2, like a usage error."""

    exit_code = 2


def _settings(**overrides: object) -> Settings:
    from pydantic import ValidationError

    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValidationError as exc:  # shown without a trace, one line per setting, named as it is set
        raise InvalidInput("invalid settings:\n  " + "\n  ".join(_setting_problem(e) for e in exc.errors())) from None
    except Exception as exc:
        raise InvalidInput(f"invalid settings: {exc}") from None


def _setting_problem(error: Any) -> str:
    name = str(error["loc"][0]) if error.get("loc") else "settings"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"ROLEQA_{name.upper()}: {message}"


def _load_assistant(settings: Settings) -> Assistant:
    from service.assistant import Assistant
    from service.index import IndexLoadError

    try:
        return Assistant.load(settings)
    except (IndexLoadError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from exc
