"""Pausing reminders: how long a patient asked for, and what a pause holds back.

A patient types ``/pause 3 days`` (or "3d", "1 week", "12 hours", "3 días",
"una semana") or presses a button. The reading is deliberately small and
forgiving: one number (or "a"/"un"/"una") and one unit, in English or
Spanish, accents and case ignored. Anything else is ``None`` so the handler can
ask again instead of guessing.

What a pause means for the scheduler (``holds``): reminders, check-ins, nudges
and follow-ups addressed to the patient are skipped while the pause lasts.
Escalations (re-alerts to staff) and the staff digest are never held, and
replies to a patient's own report are not scheduled messages at all, so an
urgent report is always answered (docs/CLINICAL.md, "rules the bot never breaks").
A pause with ``paused_until`` in the past is over even before anyone writes
``status = active`` back: every reader uses ``is_paused`` rather than the
stored status alone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from bot.domain.message_plan import CHECKIN, FOLLOWUP, NUDGE, REMINDER

PAUSED = "paused"
MIN_PAUSE = timedelta(hours=1)
MAX_PAUSE = timedelta(days=90)
HELD_KINDS = frozenset({REMINDER, CHECKIN, NUDGE, FOLLOWUP})
"""Patient-facing scheduled kinds a pause skips; REALERT and DIGEST go to staff and never wait."""

_UNITS: dict[str, timedelta] = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "hora", "horas"), timedelta(hours=1)),
    **dict.fromkeys(("d", "day", "days", "dia", "dias"), timedelta(days=1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "semana", "semanas", "sem"), timedelta(weeks=1)),
}
_ONE = {"a", "an", "one", "un", "una", "uno"}
_PATTERN = re.compile(r"^(?:for |durante |por )?(?P<count>\d{1,3}|[a-z]+)\s*(?P<unit>[a-z]+)$")


def _fold(text: str) -> str:
    """Lower case without accents, single spaces: "3 Días" -> "3 dias"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.strip(".!,;").split())


def parse_pause(text: str) -> timedelta | None:
    """The pause length typed by a patient, or ``None`` if unreadable or out of range."""
    match = _PATTERN.match(_fold(text))
    if match is None:
        return None
    count_text, unit = match.group("count"), match.group("unit")
    if count_text.isdigit():
        count = int(count_text)
    elif count_text in _ONE:
        count = 1
    else:
        return None
    length = _UNITS.get(unit)
    if length is None:
        return None
    total = length * count
    return total if MIN_PAUSE <= total <= MAX_PAUSE else None


def is_paused(status: str, paused_until: datetime | None, now: datetime) -> bool:
    """Whether a pause is in force at ``now`` (an open-ended pause lasts until /resume)."""
    if status != PAUSED:
        return False
    return paused_until is None or now < paused_until


def holds(kind: str, status: str, paused_until: datetime | None, now: datetime) -> bool:
    """Whether the scheduler must skip a message of ``kind`` due at ``now`` for this patient."""
    return kind in HELD_KINDS and is_paused(status, paused_until, now)
