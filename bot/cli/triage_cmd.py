"""``aftercare triage``: run the triage rules on one message, or on a clinic's file of wordings.

For clinicians reviewing the rules and for operators checking what the bot
would do with a message: the level on the first line, then one matched sign a
line (doubtful ones marked), or one JSON object with ``--json`` that also shows,
per mention of a sign, the words matched and what their context made of them.
``--file FILE.tsv`` triages every line of a file (``triage_file``) and exits 1
when an urgent or emergency line comes out lower. Without ``--clinic`` the
default thresholds apply and no config is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, load_registry
from bot.cli.triage_file import read_cases, report_json, report_lines, result_json, run_cases
from bot.core.clinic_config import SUPPORTED_LANGUAGES
from bot.core.triage_wordings import clinic_wordings
from bot.domain.triage import Report, Thresholds, TriageResult, describe, triage
from bot.domain.triage_lexicon import Rule

UNSURE_MARK = " [unsure: ask the patient]"
GUIDANCE_NOTE = "(asks when to call: the patient gets the clinic's when-to-call guidance)"


def triage_command(
    text: Annotated[str | None, typer.Argument(help="The patient's message, quoted.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Message language: en or es.")] = "en",
    clinic: Annotated[
        str | None, typer.Option("--clinic", help="Use this clinic's thresholds and wordings from the config.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A TSV of language, expected level, text: report every miss.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Triage a message: level (ok, watch, urgent, emergency), then the matched signs."""
    thresholds, wordings = _clinic_rules(clinic)
    if file is not None:
        if text is not None:
            raise CliError("give either TEXT or --file, not both", code=2)
        _file(file, thresholds, wordings, as_json)
        return
    if lang not in SUPPORTED_LANGUAGES:
        supported = ", ".join(SUPPORTED_LANGUAGES)
        raise CliError(f"unsupported language {lang!r} (supported: {supported})", code=2)
    if text is None:
        raise CliError("nothing to triage: give TEXT or --file FILE.tsv", code=2)
    if not text.strip():
        raise CliError("nothing to triage: TEXT is empty", code=2)
    result = triage(Report(text=text, language=lang), thresholds, wordings)
    typer.echo(json.dumps(result_json(result), ensure_ascii=False) if as_json else _as_lines(result, thresholds))


def _file(path: Path, thresholds: Thresholds, wordings: tuple[Rule, ...], as_json: bool) -> None:
    outcomes = run_cases(read_cases(path), thresholds, wordings)
    if as_json:
        typer.echo(json.dumps(report_json(outcomes), ensure_ascii=False))
    else:
        typer.echo("\n".join(report_lines(outcomes)))
    if any(o.dangerous for o in outcomes):
        raise typer.Exit(1)


def _clinic_rules(clinic_id: str | None) -> tuple[Thresholds, tuple[Rule, ...]]:
    if clinic_id is None:
        return Thresholds(), ()
    registry = load_registry()
    clinic = registry.get(clinic_id)
    if clinic is None:
        known = ", ".join(registry.ids)
        raise CliError(f"unknown clinic {clinic_id!r} (known: {known})", code=2)
    return clinic.triage.thresholds(), clinic_wordings(clinic)


def _as_lines(result: TriageResult, thresholds: Thresholds) -> str:
    lines = [str(result.level)]
    for sign in result.signs:
        mark = UNSURE_MARK if sign in result.doubtful_signs else ""
        lines.append(describe(sign, thresholds) + mark)
    if result.asks_when_to_call and not result.escalates:
        lines.append(GUIDANCE_NOTE)
    return "\n".join(lines)

