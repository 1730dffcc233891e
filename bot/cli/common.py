"""Shared helpers for CLI commands: errors, settings, clinics, the database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError

from bot.core.clinic_config import ClinicRegistry, ConfigError, load_clinics
from bot.core.services import Services
from bot.core.settings import Settings
from bot.runtime import BotRuntime

RuntimeBuilder = Callable[[Services], BotRuntime]
"""``bot.wiring.build_runtime``, handed to the commands that start the bot as Click's ``ctx.obj``."""


class CliError(Exception):
    """A problem with the user's input or environment, phrased for a person."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"aftercare: {message}", file=sys.stderr)
    sys.exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "AFTERCARE_" + "_".join(str(p) for p in first["loc"]).upper()
        raise CliError(f"{name}: {first['msg']}", code=2) from None


def load_registry(path: Path | None = None, settings: Settings | None = None) -> ClinicRegistry:
    settings = settings or load_settings()
    try:
        return load_clinics(path or settings.clinic_config_path)
    except ConfigError as exc:
        raise CliError(str(exc), code=2) from None


def runtime_builder(ctx: typer.Context) -> RuntimeBuilder:
    """The wiring's runtime builder (``run`` and ``demo`` start the whole bot)."""
    found = ctx.obj
    if not callable(found):
        raise RuntimeError("the command line was started without the wiring (use bot.wiring.main)")
    builder: RuntimeBuilder = found
    return builder
