"""``aftercare triage "TEXT"``: run the free-text triage rules on one message.

For clinicians reviewing the rules and for operators checking what the bot
would do with a message: the level on the first line, then one matched sign a
line (doubtful ones marked), or one JSON object with ``--json``. Without
``--clinic`` the CLINICAL.md default thresholds apply and no config is read.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.cli.common import CliError, load_registry
from bot.clinic_config import SUPPORTED_LANGUAGES
from bot.domain.triage import Report, Thresholds, TriageResult, describe, triage

UNSURE_MARK = " [unsure: ask the patient]"


def triage_command(
    text: Annotated[str, typer.Argument(help="The patient's message, quoted.")],
    lang: Annotated[str, typer.Option("--lang", help="Message language: en or es.")] = "en",
    clinic: Annotated[
        str | None, typer.Option("--clinic", help="Use this clinic's thresholds from the config.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Triage a message: level (ok, watch, urgent, emergency), then the matched signs."""
    if lang not in SUPPORTED_LANGUAGES:
        supported = ", ".join(SUPPORTED_LANGUAGES)
        raise CliError(f"unsupported language {lang!r} (supported: {supported})", code=2)
    if not text.strip():
        raise CliError("nothing to triage: TEXT is empty", code=2)
    thresholds = _thresholds(clinic)
    result = triage(Report(text=text, language=lang), thresholds)
    typer.echo(_as_json(result) if as_json else _as_lines(result, thresholds))


def _thresholds(clinic_id: str | None) -> Thresholds:
    if clinic_id is None:
        return Thresholds()
    registry = load_registry()
    clinic = registry.get(clinic_id)
    if clinic is None:
        known = ", ".join(registry.ids)
        raise CliError(f"unknown clinic {clinic_id!r} (known: {known})", code=2)
    return Thresholds.from_config(clinic.triage)


def _as_lines(result: TriageResult, thresholds: Thresholds) -> str:
    lines = [str(result.level)]
    for sign in result.signs:
        mark = UNSURE_MARK if sign in result.doubtful_signs else ""
        lines.append(describe(sign, thresholds) + mark)
    return "\n".join(lines)


def _as_json(result: TriageResult) -> str:
    return json.dumps(
        {
            "level": str(result.level),
            "signs": [str(s) for s in result.signs],
            "needs_follow_up": result.needs_follow_up,
            "doubtful_signs": [str(s) for s in result.doubtful_signs],
        },
        ensure_ascii=False,
    )


def register(app: typer.Typer) -> None:
    app.command("triage")(triage_command)
