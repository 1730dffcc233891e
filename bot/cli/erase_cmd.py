"""``aftercare erase LABEL...``: erase patients by label, as ``/delete`` does, from the command line.

For the operator, not for daily use: after a backup is restored, the
patients who erased their data since that backup was taken are back in the
database, and their labels (the ``patient_deleted`` events of the audit trail,
listed before restoring) are erased again with this command. Every label is
checked before anything is erased; a label that is already a tombstone is
reported and left alone. The audit actor is ``cli``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.cli.common import CliError
from bot.cli.staff_cmds import ClinicOption, run_with_services
from bot.core.clinic_config import Clinic
from bot.core.services import Services
from bot.domain.staff_input import normalise_label
from bot.selfservice import privacy

ACTOR = "cli"


def erase(
    labels: Annotated[list[str], typer.Argument(help="Clinic labels, e.g. R-0042 R-0107")],
    clinic: ClinicOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Erase patients' data by label (as /delete does); for re-erasing after a backup is restored."""
    wanted = [_label(text) for text in labels]
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("add --yes to erase without being asked (erasure cannot be undone)", code=2)
        if not typer.confirm(f"Erase {', '.join(wanted)} for good?", default=False):
            raise CliError("nothing was erased", code=1)
    for line in run_with_services(clinic, lambda services, chosen: _erase(services, chosen, wanted)):
        typer.echo(line)


def _label(text: str) -> str:
    label = normalise_label(text)
    if label is None:
        raise CliError(f"{text[:20]!r} is not a patient label (like R-0042)", code=2)
    return label


async def _erase(services: Services, clinic: Clinic, labels: list[str]) -> list[str]:
    now = services.clock.now()
    lines = []
    async with services.db.session() as session:
        results = [await privacy.erase_label(session, clinic.id, label, now, actor=ACTOR) for label in labels]
        unknown = [label for label, result in zip(labels, results, strict=True) if result is None]
        if unknown:
            raise CliError(f"no patient {', '.join(unknown)} at {clinic.id}; nothing was erased", code=2)
        for result in results:
            assert result is not None
            lines.append(f"{result.label}: {'already erased' if result.already else 'erased'}")
    if not await services.db.forget_erased():
        lines.append("(the SQLite write-ahead log is busy; it is cleared as soon as it is free)")
        await services.db.settle()
    return lines
