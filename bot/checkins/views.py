"""What a check-in looks like at each step: the one message's text and its buttons.

The scheduler's first send, a button press and a restart all render the same
``CheckIn`` row through ``view``, so the message a patient sees is always a
function of the stored state (no in-memory conversation). Buttons carry the
check-in id and the step they answer, so a stale or doubled press is
recognised by comparing with the row (``bot.checkins.handlers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.checkins.queries import About, CheckInKind, Step
from bot.core.callbacks import Action, encode
from bot.core.clinic_config import Clinic
from bot.core.models import CheckIn
from bot.core.services import Services
from bot.domain.durations import DurationError, IsoDuration
from bot.domain.enrolment import duration_parts
from bot.domain.triage import CHECKLIST_SIGNS, Sign, Swelling, Thresholds
from messages.render import Safe

CHECKED = "☑️ "
UNCHECKED = "▫️ "
FUNCTIONS = ("better", "same", "worse")

# Short step codes carried in callback data: ``1:ci:<id>:<code>:<value>``.
SORE, SWELL, TOGGLE, DONE, SKIP, CONFIRM = "s", "w", "t", "d", "k", "c"
PAIN, FUNCTION = "p", "f"


@dataclass(frozen=True)
class View:
    text: str
    keyboard: InlineKeyboardMarkup | None


def contact_params(clinic: Clinic | None, language: str) -> dict[str, str]:
    """The clinic's phone, hours and after-hours line in the reader's language (clinics may give them per language)."""
    if clinic is None:
        return {"phone": "", "hours": "", "after_hours": "", "emergency": ""}
    contact = clinic.contact_in(language)
    return {"phone": contact.phone, "hours": contact.hours, "after_hours": contact.after_hours,
            "emergency": clinic.emergency_number}


def _button(label: str, checkin_id: int, *args: str | int) -> InlineKeyboardButton:
    action = Action.FOLLOWUP if args and args[0] in (PAIN, FUNCTION) else Action.CHECKIN
    return InlineKeyboardButton(label, callback_data=encode(action, checkin_id, *args))


def _scale(checkin_id: int, code: str) -> InlineKeyboardMarkup:
    buttons = [_button(str(n), checkin_id, code, n) for n in range(11)]
    return InlineKeyboardMarkup([buttons[:6], buttons[6:]])


class Texts:
    """Renders check-in texts for one reader (language and clinic overrides)."""

    def __init__(self, svc: Services, clinic: Clinic | None, language: str) -> None:
        self.svc, self.clinic, self.language = svc, clinic, language
        self.limits = clinic.triage.thresholds() if clinic else Thresholds()

    def __call__(self, key: str, **params: object) -> str:
        return self.svc.text(f"checkin.{key}", self.language, self.clinic, **params)

    def sign(self, sign: Sign) -> str:
        return self(f"sign_{sign.value}", celsius=f"{self.limits.fever_celsius:g}",
                    fahrenheit=f"{self.limits.fever_fahrenheit:g}")

    def swelling(self, value: str) -> str:
        return self(f"swelling_{value}")

    def function(self, value: str) -> str:
        return self(f"function_{value}")

    def contact(self) -> str:
        return f"<i>{self('contact_line', **contact_params(self.clinic, self.language))}</i>"

    def when_to_call(self) -> str:
        """The clinic's red-flag list with its numbers: the answer to "should I call if ...?"."""
        return self("when_to_call", celsius=f"{self.limits.fever_celsius:g}",
                    fahrenheit=f"{self.limits.fever_fahrenheit:g}", **contact_params(self.clinic, self.language))


def offset_words(t: Texts, offset: str | None) -> str:
    """``P3M`` -> "3 months", as the clinic configured it and the enrolment plan announced it.

    Counting weeks since the injection instead turned three months into "12
    weeks" and six into "25 weeks". Empty when the offset is unknown (a
    follow-up planned before offsets were stored), so the caller counts weeks.
    """
    if offset is None:
        return ""
    try:
        duration = IsoDuration.parse(offset)
    except DurationError:
        return ""
    return " ".join(t.svc.text(f"enrolment.unit_{unit}", t.language, t.clinic, count=count)
                    for unit, count in duration_parts(duration))


def header(t: Texts, checkin: CheckIn, about: About, zone: ZoneInfo) -> str:
    days = about.days_since(checkin.created_at, zone)
    if checkin.kind == CheckInKind.FOLLOWUP:
        weeks = offset_words(t, about.followup_offset) or t("followup_weeks", count=max((days or 0) // 7, 1))
        return t("followup_header", area=area_name(t.clinic, about, t.language), weeks=Safe(weeks))
    day = t("day_today") if not days else t("day_n", count=days)
    return t("header", area=area_name(t.clinic, about, t.language), session=about.session_number or "?",
             day=Safe(day))


def button_answers(t: Texts, checkin: CheckIn) -> list[str]:
    """Soreness (or pain), swelling and function as answered, in ``t``'s language.

    Shared by the patient's check-in message and the staff alert so both read the same.
    """
    lines: list[str] = []
    if checkin.soreness is not None:
        key = "answered_pain" if checkin.kind == CheckInKind.FOLLOWUP else "answered_soreness"
        lines.append(t(key, value=checkin.soreness))
    if checkin.swelling:
        lines.append(t("answered_swelling", value=t.swelling(checkin.swelling)))
    if checkin.function:
        lines.append(t("answered_function", value=t.function(checkin.function)))
    return lines


def answered_lines(t: Texts, checkin: CheckIn) -> list[str]:
    """The answers given so far, as the patient will see them above the next question."""
    lines = button_answers(t, checkin)
    past_signs = checkin.step in (Step.NOTE, Step.DONE) and checkin.kind == CheckInKind.CHECKIN
    if past_signs:
        names = [t.sign(sign) for sign in known_signs(checkin.signs)]
        lines.append(t("answered_signs", value=", ".join(names)) if names else t("answered_no_signs"))
    if checkin.note and checkin.step == Step.DONE:
        lines.append(t("answered_note", value=_short(checkin.note)))
    return lines


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _question(t: Texts, checkin: CheckIn, checkin_id: int) -> tuple[str | None, InlineKeyboardMarkup | None]:
    step = checkin.step
    if step == Step.SORENESS:
        return t("ask_soreness"), _scale(checkin_id, SORE)
    if step == Step.PAIN:
        return t("ask_pain"), _scale(checkin_id, PAIN)
    if step == Step.SWELLING:
        rows = [[_button(t.swelling(v.value), checkin_id, SWELL, v.value) for v in pair]
                for pair in ((Swelling.NONE, Swelling.MILD), (Swelling.MODERATE, Swelling.SEVERE))]
        return t("ask_swelling"), InlineKeyboardMarkup(rows)
    if step == Step.FUNCTION:
        return t("ask_function"), InlineKeyboardMarkup(
            [[_button(t.function(f), checkin_id, FUNCTION, f)] for f in FUNCTIONS])
    if step == Step.SIGNS:
        return t("ask_signs"), _checklist(t, checkin, checkin_id)
    if step == Step.NOTE:
        return t("ask_note"), InlineKeyboardMarkup([[_button(t("skip_button"), checkin_id, SKIP)]])
    return None, None


def _checklist(t: Texts, checkin: CheckIn, checkin_id: int) -> InlineKeyboardMarkup:
    chosen = set(checkin.signs)
    rows = [[_button((CHECKED if sign.value in chosen else UNCHECKED) + t.sign(sign), checkin_id,
                     TOGGLE, sign.value)] for sign in CHECKLIST_SIGNS]
    done = t("done_button") if chosen else t("done_none_button")
    rows.append([_button("✅ " + done, checkin_id, DONE)])
    return InlineKeyboardMarkup(rows)


def view(svc: Services, clinic: Clinic | None, language: str, zone: ZoneInfo,
         checkin: CheckIn, about: About) -> View:
    """The check-in message for the row's current step (a summary once it is done)."""
    t = Texts(svc, clinic, language)
    checkin_id = checkin.id or 0
    parts = [header(t, checkin, about, zone)]
    answers = answered_lines(t, checkin)
    if answers:
        parts.append("\n".join(answers))
    question, keyboard = _question(t, checkin, checkin_id)
    if question is not None:
        parts.append(question)
        parts.append(t.contact())
    else:
        parts.append(t("thanks"))
    return View("\n\n".join(parts), keyboard)


def confirm_view(svc: Services, clinic: Clinic | None, language: str, checkin_id: int,
                 doubtful: list[Sign]) -> View:
    """The follow-up question for signs read from vague wording: Yes / No / Not sure."""
    t = Texts(svc, clinic, language)
    names = "\n".join(f"• {_staff_or_patient_sign(t, sign)}" for sign in doubtful)
    keyboard = InlineKeyboardMarkup([[
        _button(t("follow_up_yes"), checkin_id, CONFIRM, "yes"),
        _button(t("follow_up_no"), checkin_id, CONFIRM, "no"),
        _button(t("follow_up_unsure"), checkin_id, CONFIRM, "unsure"),
    ]])
    return View(f"{t('follow_up_question')}\n{names}\n\n{t.contact()}", keyboard)


def _staff_or_patient_sign(t: Texts, sign: Sign) -> str:
    """Checklist wording where the patient has one, else the staff name of the sign."""
    if sign in CHECKLIST_SIGNS:
        return t.sign(sign)
    return t.svc.text(f"alerts.sign_{sign.value}", t.language, t.clinic)


def known_signs(values: list[str]) -> list[Sign]:
    """Stored sign names that this version knows (a renamed sign is ignored, not a crash)."""
    known = {sign.value: sign for sign in Sign}
    return [known[value] for value in values if value in known]


def area_name(clinic: Clinic | None, about: About, language: str) -> str:
    if clinic is not None and about.area_id in clinic.protocols:
        return clinic.area_name(about.area_id, language)
    return about.area_id
