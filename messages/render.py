"""Every patient- and staff-facing text, rendered in the reader's language.

Texts live in ``messages/locales/<lang>/<area>.yaml``; the key ``area.name``
is ``name`` in ``<area>.yaml``. A value is a string, or a mapping of CLDR plural
forms (``one``, ``other``, ...) chosen by the ``count`` parameter. Messages are
sent with Telegram's HTML parse mode, so parameters are HTML-escaped unless
wrapped in ``Safe`` (text the code built itself from other rendered pieces).
Parameters are where patients' own words, names and captions enter a text, so
their bidirectional control characters are made visible here too
(``messages.bidi``): one place, for every reader.
Clinics may override any key per language in their config (``texts``),
except those sent before the bot knows the clinic (``NO_CLINIC_OVERRIDES``);
what a clinic may write is checked at start (``bot.core.clinic_texts``) with
the facts below.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from datetime import datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.dates import format_date, format_skeleton, format_time

from messages.bidi import neutralise_bidi

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("en", "es")
FALLBACK = "en"

Template = str | dict[str, str]
Overrides = Mapping[str, Mapping[str, Template]]
"""A clinic's ``texts``: ``{language: {key: text or plural forms}}``."""

NO_CLINIC_OVERRIDES = frozenset({
    "common.start_no_invite", "common.unknown_command", "common.not_understood", "common.text_only",
    "common.error", "common.expired_button", "common.cancelled", "common.nothing_to_cancel",
    "common.red_flag_no_patient", "common.red_flag_not_enrolled", "enrolment.language_name",
    "checkin.superseded", "checkin.already_done", "staff.refused",
    *(f"menu.{name}" for name in ("status", "history", "pause", "resume", "language", "export", "stop",
                                  "delete", "cancel", "help")),
})
"""Sent before the bot knows whose clinic it is (or the same for every clinic): always the defaults."""

TOASTS = frozenset({
    "common.expired_button", "reminders.confirmed_toast", "reminders.already_confirmed_toast",
    "reminders.session_gone", "reminders.session_started", "checkin.superseded", "checkin.already_done",
    "alerts.ack_done", "alerts.already_acknowledged", "alerts.only_staff",
})
CAPTIONS = frozenset({"selfservice.history_chart_caption", "selfservice.export_caption", "staff.invite_caption",
                      "staff.chart_caption",
                      *(f"media.staff_{name}" for name in ("photo", "video", "video_note", "voice", "audio",
                                                           "document", "caption", "caption_alert", "words",
                                                           "no_caption"))})


def length_limit(key: str) -> int:
    """Telegram's limit on the text of ``key`` once filled in: a toast, a caption, a menu entry, a message."""
    if key in TOASTS:
        return 200
    if key in CAPTIONS:
        return 1024
    if key.startswith("menu."):
        return 256
    return 4096


def plural_forms(language: str) -> frozenset[str]:
    """The CLDR plural forms of ``language`` (``one``, ``other``, ``many``, ...)."""
    return frozenset(Locale.parse(language).plural_form.tags) | {"other"}


class Safe(str):
    """Already-escaped HTML that must be inserted as is."""

    __slots__ = ()


class MissingMessage(KeyError):
    """A key with no text in any language: a bug, caught by the catalog tests."""


def _load_language(directory: Path) -> dict[str, Template]:
    entries: dict[str, Template] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in data.items():
            entries[f"{path.stem}.{key}"] = value
    return entries


class Catalog:
    """All languages' texts, loaded once."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        self.entries: dict[str, dict[str, Template]] = {
            language: _load_language(root / language) for language in LANGUAGES
        }

    def template(self, key: str, language: str) -> Template:
        for candidate in (language, FALLBACK):
            found = self.entries.get(candidate, {}).get(key)
            if found is not None:
                return found
        raise MissingMessage(key)

    def keys(self, language: str) -> set[str]:
        return set(self.entries[language])

    def all_keys(self) -> set[str]:
        return set().union(*(self.keys(language) for language in LANGUAGES))

    def is_plural(self, key: str) -> bool:
        return any(isinstance(self.entries[language].get(key), dict) for language in LANGUAGES)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return Catalog()


def placeholders(template: Template) -> set[str]:
    forms = template.values() if isinstance(template, dict) else [template]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


def _plural_form(template: dict[str, str], language: str, count: Any) -> str:
    form = Locale.parse(language).plural_form(count if isinstance(count, int | float) else 0)
    return template.get(form) or template["other"]


def render(
    key: str,
    language: str,
    overrides: Overrides | None = None,
    catalog: Catalog | None = None,
    **params: Any,
) -> str:
    """The text for ``key`` in ``language`` with ``params`` filled in (HTML-escaped)."""
    language = language if language in LANGUAGES else FALLBACK
    clinic_text = (overrides or {}).get(language, {}).get(key)
    template: Template = (
        clinic_text if clinic_text is not None else (catalog or default_catalog()).template(key, language)
    )
    if isinstance(template, dict):
        template = _plural_form(template, language, params.get("count"))
    safe = {name: value if isinstance(value, Safe) else html.escape(neutralise_bidi(str(value)), quote=False)
            for name, value in params.items()}
    return template.format_map(safe).strip()


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def format_when(moment: datetime, zone: tzinfo, language: str) -> str:
    """A date and time as people of ``language`` write it: "Thu, Dec 3, 2026, 10:30 AM"."""
    locale = language if language in LANGUAGES else FALLBACK
    local = moment.astimezone(zone)
    day = format_skeleton("yMMMEd", local, locale=locale)
    return f"{day}, {format_time(local.time(), format='short', locale=locale)}"


def format_day(moment: datetime, zone: tzinfo, language: str) -> str:
    return format_date(moment.astimezone(zone).date(), format="medium", locale=language)


def format_clock(moment: datetime, zone: tzinfo, language: str) -> str:
    return format_time(moment.astimezone(zone).time(), format="short", locale=language)
