"""Clinic configuration: the YAML a clinic edits, validated before anything runs.

A bad file must never surface as a traceback at 3 a.m.: every problem becomes
one line naming the file, the field path and what is wrong (``ConfigError``).
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.core.clinic_texts import first_problem
from bot.core.config_fields import ClockTime, Offset, Offsets, within
from bot.domain.durations import IsoDuration
from bot.domain.triage import Thresholds
from bot.domain.triage_wordings import Wording, phrase_problem, wordings_of
from messages.render import Template, default_catalog

SUPPORTED_LANGUAGES = ("en", "es")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietHours(_Strict):
    """No reminders or check-ins between ``start`` and ``end`` (patient's local time)."""

    start: ClockTime = time(21, 0)
    end: ClockTime = time(8, 0)


PerLanguage = str | dict[str, str]
"""A text a clinic may give once (every reader sees it) or per language: ``{en: ..., es: ...}``."""


def _per_language(value: PerLanguage, min_length: int) -> PerLanguage:
    texts = {"": value} if isinstance(value, str) else value
    if not texts:
        raise ValueError("give a text, or one per language such as {en: ..., es: ...}")
    for language, text in texts.items():
        if language and language not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported language {language!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})")
        if len(text.strip()) < min_length:
            raise ValueError(f"{language + ': ' if language else ''}must be at least {min_length} characters")
    return value


def _in_language(value: PerLanguage, language: str, fallback: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(language) or value.get(fallback) or next(iter(value.values()))


class ContactText(_Strict):
    """The contact details in one reader's language."""

    phone: str
    hours: str
    after_hours: str


class Contact(_Strict):
    """How patients reach a person. ``hours`` and ``after_hours`` may be given per language."""

    phone: str = Field(min_length=3)
    hours: PerLanguage
    after_hours: PerLanguage

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: PerLanguage) -> PerLanguage:
        return _per_language(value, 1)

    @field_validator("after_hours")
    @classmethod
    def _after_hours(cls, value: PerLanguage) -> PerLanguage:
        return _per_language(value, 3)

    def missing(self, language: str) -> list[str]:
        """The per-language fields that have no text in ``language`` (the clinic's default must have one)."""
        return [name for name in ("hours", "after_hours")
                if isinstance(value := getattr(self, name), dict) and language not in value]

    def shown(self, language: str, fallback: str) -> ContactText:
        """For a reader of ``language``; a language the clinic gave no text for gets ``fallback``'s."""
        return ContactText(phone=self.phone, hours=_in_language(self.hours, language, fallback),
                           after_hours=_in_language(self.after_hours, language, fallback))


TELEGRAM_ID_LIMIT = 2**52
"""Telegram user and chat ids have at most 52 significant bits (Bot API: "safe in a double")."""


def _user_id(value: int) -> int:
    if not 0 < value < TELEGRAM_ID_LIMIT:
        raise ValueError(f"{value} is not a Telegram user id (1 to 2^52 - 1)")
    return value


class Role(StrEnum):
    """What a staff member may do: a clinician everything, a viewer only read."""

    CLINICIAN = "clinician"
    VIEWER = "viewer"


def _entries_with_roles(data: Any) -> Any:
    """``user_ids`` entries may be ``{id: 123, role: viewer}``: split them into ids and roles.

    A plain number stays a clinician, so files written before roles existed
    keep working. A bad role is one line naming the entry and the two roles.
    """
    if not isinstance(data, dict) or not isinstance(data.get("user_ids"), list):
        return data
    if "roles" in data:
        raise ValueError("roles: unknown key (give each person's role in user_ids: {id: <number>, role: viewer})")
    ids: list[Any] = []
    roles: dict[Any, str] = {}
    for index, entry in enumerate(data["user_ids"]):
        if not isinstance(entry, dict):
            ids.append(entry)
            continue
        unknown = sorted(set(entry) - {"id", "role"})
        if unknown or "id" not in entry:
            raise ValueError(f"user_ids[{index}]: write a number, or {{id: <number>, role: clinician|viewer}}")
        role = entry.get("role", Role.CLINICIAN)
        if role not in {r.value for r in Role}:
            raise ValueError(f"user_ids[{index}].role: {role!r} is not a role (use clinician or viewer)")
        ids.append(entry["id"])
        roles[entry["id"]] = str(role)
    return {**data, "user_ids": ids, "roles": roles}


class Staff(_Strict):
    """The staff group (a group or supergroup id is negative), who may act as staff, and in which role."""

    chat_id: int = Field(strict=True)
    user_ids: list[Annotated[int, Field(strict=True), AfterValidator(_user_id)]] = Field(min_length=1,
                                                                                          max_length=200)
    roles: dict[int, Role] = Field(default_factory=dict)  # from ``{id:, role:}`` entries; absent: clinician

    _split = model_validator(mode="before")(_entries_with_roles)

    @field_validator("chat_id")
    @classmethod
    def _chat_id_range(cls, value: int) -> int:
        if value == 0 or abs(value) >= TELEGRAM_ID_LIMIT:
            raise ValueError(f"{value} is not a Telegram chat id (non-zero, within ±2^52)")
        return value

    def role_of(self, user_id: int) -> Role:
        return self.roles.get(user_id, Role.CLINICIAN)


class SessionCount(_Strict):
    min: int = Field(ge=1, le=12)
    max: int = Field(ge=1, le=12)
    default: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SessionCount:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.default is not None and not self.min <= self.default <= self.max:
            raise ValueError(f"default ({self.default}) is outside min..max ({self.min}..{self.max})")
        return self

    @property
    def planned(self) -> int:
        return self.default if self.default is not None else self.min


def _offsets(*texts: str) -> list[IsoDuration]:
    """A list left out of a protocol gets the clinical defaults (docs/CLINICAL.md); ``[]`` means none."""
    return [IsoDuration.parse(text) for text in texts]


class Protocol(_Strict):
    """How one treated area is run: how many sessions, how far apart, what is sent when."""

    name: dict[str, str]
    sessions: SessionCount
    interval: Annotated[Offset, within("P1D", "P26W")]
    reminders_before: Offsets = Field(default_factory=lambda: _offsets("P2D", "PT2H"))
    checkins_after: Offsets = Field(default_factory=lambda: _offsets("PT6H", "P1D", "P3D", "P7D"))
    followups_after_last: Offsets = Field(default_factory=lambda: _offsets("P6W", "P3M", "P6M"))


class Triage(_Strict):
    """Clinic-tunable thresholds of the triage rules, and the clinic's own wordings of signs.

    ``wordings``: ``{sign: {language: [phrase, ...]}}``, e.g. local slang for a
    hot injection site; matched as whole words after the same normalising and
    context rules as the built-in wordings (``bot.domain.triage_wordings``).
    """

    fever_celsius: float = Field(default=38.0, ge=37.0, le=40.0)
    high_soreness: int = Field(default=7, ge=1, le=10)
    early_window: Annotated[Offset, within(None, "P4W")] = IsoDuration(days=3)
    day7_soreness: int = Field(default=7, ge=1, le=10)
    wordings: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    def thresholds(self) -> Thresholds:
        """These numbers as the pure triage rules take them."""
        return Thresholds(
            fever_celsius=self.fever_celsius,
            high_soreness=self.high_soreness,
            early_window_hours=self.early_window.approx_timedelta().total_seconds() / 3600,
            day7_soreness=self.day7_soreness,
        )

    @field_validator("wordings")
    @classmethod
    def _known_signs_and_languages(cls, value: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        for sign, by_language in value.items():
            for language, phrases in by_language.items():
                if language not in SUPPORTED_LANGUAGES:
                    supported = ", ".join(SUPPORTED_LANGUAGES)
                    raise ValueError(f"{sign}.{language}: unsupported language {language!r} (supported: {supported})")
                for index, phrase in enumerate(phrases):
                    problem = phrase_problem(sign, phrase)
                    if problem is not None:
                        where = sign if problem.startswith("unknown sign") else f"{sign}.{language}[{index}]"
                        raise ValueError(f"{where}: {problem}")
        return value

    def wording_rows(self) -> tuple[Wording, ...]:
        return wordings_of(self.wordings)


class Timing(_Strict):
    """Delays for nudges, re-alerts, the daily digest and extra check-ins."""

    nudge_after: Annotated[Offset, within(None, "P2D")] = IsoDuration(seconds=4 * 3600)
    realert_every: Annotated[Offset, within(None, "PT4H")] = IsoDuration(seconds=15 * 60)
    watch_recheck_after: Annotated[Offset, within(None, "P7D")] = IsoDuration(seconds=18 * 3600)
    digest_at: ClockTime = time(8, 0)
    checkin_late_limit: Annotated[Offset, within(None, "P7D")] = IsoDuration(seconds=12 * 3600)


class Clinic(_Strict):
    id: str
    name: str = Field(min_length=1)
    timezone: str
    languages: list[str] = Field(min_length=1)
    quiet_hours: QuietHours = QuietHours()
    contact: Contact
    emergency_number: str = Field(min_length=2)
    staff: Staff
    timing: Timing = Timing()
    triage: Triage = Triage()
    label_prefix: str = Field(default="P", pattern=r"^[A-Z]{1,3}$")
    protocols: dict[str, Protocol] = Field(min_length=1)
    texts: dict[str, dict[str, Template]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be 1-32 lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Europe/Madrid)") from None
        return value

    @field_validator("languages")
    @classmethod
    def _supported_languages(cls, value: list[str]) -> list[str]:
        for language in value:
            if language not in SUPPORTED_LANGUAGES:
                raise ValueError(f"unsupported language {language!r} (supported: {', '.join(SUPPORTED_LANGUAGES)})")
        if len(set(value)) != len(value):
            raise ValueError("lists a language twice")
        return value

    @field_validator("protocols")
    @classmethod
    def _area_ids(cls, value: dict[str, Protocol]) -> dict[str, Protocol]:
        for area in value:
            if not _ID.match(area):
                raise ValueError(f"area id {area!r} must be lowercase letters, digits, '-' or '_'")
        return value

    @field_validator("texts")
    @classmethod
    def _text_languages(cls, value: dict[str, dict[str, Template]]) -> dict[str, dict[str, Template]]:
        for language in value:
            if language not in SUPPORTED_LANGUAGES:
                raise ValueError(f"texts for unsupported language {language!r}")
        return value

    @model_validator(mode="after")
    def _contact_in_default_language(self) -> Clinic:
        missing = self.contact.missing(self.default_language)
        if missing:
            raise ValueError(f"contact.{missing[0]}: per-language texts need one in the clinic's first language "
                             f"({self.default_language!r}), which readers of other languages fall back to")
        return self

    def contact_in(self, language: str) -> ContactText:
        """Phone, hours and after-hours line for a reader of ``language``."""
        return self.contact.shown(language, self.default_language)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def protocol(self, area: str) -> Protocol:
        return self.protocols[area]

    def area_name(self, area: str, language: str) -> str:
        names = self.protocols[area].name
        return names.get(language) or names.get(self.default_language) or area

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.staff.user_ids

    def can_act(self, user_id: int | None) -> bool:
        """Staff who may change something (a clinician); a viewer only reads."""
        return self.is_staff(user_id) and self.staff.role_of(user_id or 0) == Role.CLINICIAN


class ClinicsFile(_Strict):
    clinics: list[Clinic] = Field(min_length=1)

    @field_validator("clinics")
    @classmethod
    def _unique_ids(cls, value: list[Clinic]) -> list[Clinic]:
        seen: set[str] = set()
        for clinic in value:
            if clinic.id in seen:
                raise ValueError(f"duplicate clinic id {clinic.id!r}")
            seen.add(clinic.id)
        return value


class ConfigError(Exception):
    """A clinic file problem, already phrased as the one line a person should read."""


class ClinicRegistry:
    """The loaded clinics, looked up by id; the rest of the app only sees this."""

    def __init__(self, clinics: list[Clinic], source: Path | None = None) -> None:
        self._by_id = {clinic.id: clinic for clinic in clinics}
        self.source = source

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, clinic_id: str) -> Clinic | None:
        return self._by_id.get(clinic_id)

    def __getitem__(self, clinic_id: str) -> Clinic:
        return self._by_id[clinic_id]

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def staff_clinics(self, user_id: int | None, chat_id: int | None = None) -> list[Clinic]:
        """Clinics where this user is staff (and, if given, the chat is theirs or private)."""
        found = []
        for clinic in self._by_id.values():
            if not clinic.is_staff(user_id):
                continue
            if chat_id is None or chat_id == user_id or chat_id == clinic.staff.chat_id:
                found.append(clinic)
        return found

    def clinic_for_staff_chat(self, chat_id: int) -> Clinic | None:
        return next((c for c in self._by_id.values() if c.staff.chat_id == chat_id), None)


def _field_path(loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic location as ``clinics[0](riverside).protocols.knee.interval``."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            try:
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    out += f"({node['id']})"
            except (IndexError, KeyError, TypeError):
                node = None
        else:
            if part.startswith("function-") or part in {"constrained-str", "str", "dict[str,str]"}:
                continue
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling against config/clinic.example.yaml)"
    if error["type"] == "missing":
        return "is required but missing"
    return message


def parse_clinics(data: Any, source: Path | str = "<config>") -> ClinicRegistry:
    """Validate already-loaded YAML data; raise ``ConfigError`` with one line on failure."""
    try:
        parsed = ClinicsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = _field_path(tuple(first["loc"]), data)
        more = exc.error_count() - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{source}: {path}: {_describe(dict(first))}{suffix}") from None
    for index, clinic in enumerate(parsed.clinics):
        found = first_problem(clinic.texts, default_catalog())
        if found is not None:
            raise ConfigError(f"{source}: clinics[{index}]({clinic.id}).{found.path}: {found.problem}")
    return ClinicRegistry(parsed.clinics, Path(source) if isinstance(source, str) else source)


def load_clinics(path: Path) -> ClinicRegistry:
    """Read and validate a clinic YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read file ({exc.__class__.__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: {where}YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: (top level): must be a mapping with a 'clinics' list")
    return parse_clinics(data, path)


EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "clinic.example.yaml"


def default_config_path(configured: Path | None) -> Path:
    """``AFTERCARE_CLINIC_CONFIG``, else ``./clinic.yaml``, else the shipped example."""
    if configured is not None:
        return configured
    local = Path("clinic.yaml")
    return local if local.exists() else EXAMPLE_CONFIG
