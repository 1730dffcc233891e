"""What the bot says at each enrolment step, with its buttons.

Every finite choice is a button (patients on a phone should not have to type
"yes"); typing is offered only where the set is open: a timezone, a date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from babel.dates import format_date, format_skeleton

from bot.core.callbacks import Action, encode
from bot.domain.datetime_input import HELP_EXAMPLES
from bot.domain.durations import resolve_local
from bot.domain.enrolment import SCREENING
from bot.domain.timezones import COMMON_TIMEZONES, utc_offset_label
from bot.enrolment.flow import Buttons, Prompt, Turn
from messages.render import Safe, escape, format_clock, format_when

DAY_BUTTONS = 7
TIME_BUTTONS = tuple(time(hour) for hour in range(8, 18))


def rows(buttons: list[tuple[str, str]], width: int) -> Buttons:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def zone_label(name: str, at: datetime) -> str:
    """How a zone is named to a patient: "Madrid", "New York (ET)", "UTC+02:00"."""
    known = dict(COMMON_TIMEZONES).get(name)
    if known:
        return known
    if name == "UTC" or name.startswith("Etc/"):
        return "UTC" if name == "UTC" else utc_offset_label(name, at)
    return name.rsplit("/", 1)[-1].replace("_", " ")


def language_prompt(turn: Turn) -> Prompt:
    buttons = [(turn.svc.text("enrolment.language_name", language), encode(Action.LANGUAGE, language))
               for language in turn.clinic.languages]
    return Prompt(turn.t("choose_language", clinic_name=turn.clinic.name), rows(buttons, 2))


def consent_prompt(turn: Turn) -> Prompt:
    """Welcome, disclaimer, how to reach a person, what is stored, then the question."""
    contact = turn.clinic.contact_in(turn.flow.language)
    parts = [
        turn.t("welcome", clinic_name=turn.clinic.name),
        turn.common("disclaimer"),
        turn.common("disclaimer_extra"),
        turn.common("contact", phone=contact.phone, hours=contact.hours,
                    after_hours=contact.after_hours, emergency=turn.clinic.emergency_number),
        turn.t("consent_data"),
        turn.t("consent_question"),
    ]
    buttons = [[(turn.t("agree"), encode(Action.CONSENT, "yes")),
                (turn.t("disagree"), encode(Action.CONSENT, "no"))]]
    return Prompt("\n\n".join(part for part in parts if part), buttons)


def screening_prompt(turn: Turn, key: str) -> Prompt:
    number = next(i for i, question in enumerate(SCREENING, 1) if question.key == key)
    lines = [turn.t("screening_intro"), ""] if number == 1 else []
    lines += [f"<i>{turn.t('screening_progress', number=number, total=len(SCREENING))}</i>",
              turn.t(f"screen_{key}")]
    buttons = [[(turn.t("yes"), encode(Action.SCREEN, key, "y")),
                (turn.t("no"), encode(Action.SCREEN, key, "n"))]]
    return Prompt("\n".join(lines), buttons)


def area_prompt(turn: Turn) -> Prompt:
    buttons = [(turn.clinic.area_name(area, turn.flow.language), encode(Action.AREA, area))
               for area in turn.clinic.protocols]
    return Prompt(turn.t("choose_area"), rows(buttons, 2))


def timezone_prompt(turn: Turn, zones: tuple[str, ...] = (), notice: str | None = None) -> Prompt:
    """The clinic's zone first, then common ones (or ``zones`` suggested for what was typed)."""
    now, clinic_zone = turn.now, turn.clinic.timezone
    if zones:
        buttons = [(zone.replace("_", " "), encode(Action.TIMEZONE, zone)) for zone in zones[:8]]
        return Prompt(notice or "", rows(buttons, 2))
    first = [(turn.t("clinic_zone_button", zone=zone_label(clinic_zone, now)),
              encode(Action.TIMEZONE, clinic_zone))]
    others = [(label, encode(Action.TIMEZONE, name))
              for name, label in COMMON_TIMEZONES if name != clinic_zone]
    text = turn.t("choose_timezone", clinic_zone=zone_label(clinic_zone, now),
                  clinic_time=format_clock(now, turn.clinic.tz, turn.flow.language))
    return Prompt(f"{notice}\n\n{text}" if notice else text, [first, *rows(others, 2)])


def _examples(language: str, count: int = 2) -> Safe:
    found = HELP_EXAMPLES.get(language, HELP_EXAMPLES["en"])[:count]
    return Safe(", ".join(f"<code>{escape(example)}</code>" for example in found))


def day_label(turn: Turn, day: date, today: date) -> str:
    if day == today:
        return turn.t("today")
    if day == today + timedelta(days=1):
        return turn.t("tomorrow")
    return format_skeleton("MMMEd", day, locale=turn.flow.language)


def first_session_prompt(turn: Turn) -> Prompt:
    today = turn.now.astimezone(turn.zone).date()
    days = [today + timedelta(days=n) for n in range(DAY_BUTTONS)]
    buttons = [(day_label(turn, day, today), encode(Action.FIRST_SESSION, "day", day.strftime("%Y%m%d")))
               for day in days]
    later = [(turn.t("first_later"), encode(Action.FIRST_SESSION, "later"))]
    text = turn.t("ask_first_session", examples=_examples(turn.flow.language))
    return Prompt(text, [*rows(buttons, 3), later])


def first_time_prompt(turn: Turn) -> Prompt:
    """Hourly buttons for the picked day (only those still ahead), or a typed time."""
    assert turn.flow.day is not None
    day = date.fromisoformat(turn.flow.day)
    now = turn.now
    times = [clock for clock in TIME_BUTTONS
             if resolve_local(datetime.combine(day, clock), turn.zone) > now]
    language = turn.flow.language
    buttons = [(format_clock(datetime.combine(day, clock, turn.zone), turn.zone, language),
                encode(Action.FIRST_SESSION, "time", clock.strftime("%H%M"))) for clock in times]
    back = [(turn.t("other_day"), encode(Action.FIRST_SESSION, "back"))]
    label = format_date(day, format="full", locale=language)
    text = turn.t("ask_time", day=label, example="10:30")
    return Prompt(text, [*rows(buttons, 4), back])


def confirm_prompt(turn: Turn) -> Prompt:
    assert turn.flow.first_at is not None
    when = format_when(turn.flow.first_at, turn.zone, turn.flow.language)
    zone = zone_label(turn.flow.timezone or turn.clinic.timezone, turn.flow.first_at)
    buttons = [[(turn.t("confirm_yes"), encode(Action.CONFIRM_DATE, "yes"))],
               [(turn.t("confirm_change"), encode(Action.CONFIRM_DATE, "change"))]]
    return Prompt(turn.t("confirm_date", when=when, zone=zone), buttons)


_PROMPTS: dict[str, Callable[[Turn], Prompt]] = {
    "language": language_prompt,
    "consent": consent_prompt,
    "area": area_prompt,
    "timezone": timezone_prompt,
    "first_session": first_session_prompt,
    "first_time": first_time_prompt,
    "confirm_date": confirm_prompt,
}


def prompt_for(turn: Turn, step: str) -> Prompt:
    if step.startswith("screen_"):
        return screening_prompt(turn, step.removeprefix("screen_"))
    return _PROMPTS[step](turn)
