"""Admin commands that act on the database without Telegram (added by feature modules)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Nothing yet: invite, patients, book, done arrive with their features."""
