"""Generated clinic files (hypothesis): refused on one line, or a bot that runs them enrols and checks in.

Each example starts from the shipped clinic file and changes a few things the
way people get them subtly wrong: overridden texts (unknown keys and
placeholders, broken HTML, lone braces, plural forms, empty text), durations
(absurd, zero, negative, beyond a field's bound, lists left out), staff and
chat ids around Telegram's 52-bit limit, and languages. Then either

- ``aftercare check-config`` refuses it with exit 2 and one line naming the
  file, the field and the problem, or
- it passes, and the real bot with that file enrols a patient (every step
  pressed by its button's data, since the texts may be the clinic's own) and
  runs a check-in to its outcome with no handler error and no apology.

The first test runs many examples through the loader and the pure course
plan; the second drives the bot for a few (each starts a bot). Both are
derandomized, so CI sees the same examples every run.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from bot.core.clinic_config import EXAMPLE_CONFIG, ClinicRegistry, ConfigError, load_clinics
from bot.core.models import Patient
from bot.domain.message_plan import plan_messages
from bot.domain.schedule import DONE, initial_sessions
from bot.staff import staff_actions
from bot.wiring import main
from messages.render import default_catalog
from tests.reliability.ward import ErrorRecorder
from tests.support.checkin_factories import due_message
from tests.support.clock import PINNED_NOW
from tests.support.enrolment import new_invite, stored_patient
from tests.support.factories import wait_until
from tests.support.harness import Harness, running_bot, sqlite_url
from tgsandbox import Message, SandboxUser

EXAMPLE: dict[str, Any] = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
WAIT = 10.0
APOLOGY = ("something went wrong", "algo salió mal")
_KEYS = sorted(key for key in default_catalog().keys("en") if key.split(".")[0] in ("enrolment", "checkin", "common"))

# ---- how clinic files go wrong ------------------------------------------------------------


def _text_value(key: str, kind: str) -> Any:
    names = sorted(re.findall(r"\{(\w+)\}", str(default_catalog().template(key, "en"))))
    some = " ".join(f"{{{name}}}" for name in names[:2])
    return {
        "plain": f"Our own words {some}".strip(),
        "html": f"<b>Riverside</b> &amp; <i>you</i> {some} &gt; 1".strip(),
        "ampersand": f"Tom & Jerry > cats {some}".strip(),
        "unknown placeholder": "Hello {first_nam}",
        "format spec": "Hello {count:d}",
        "lone brace": "Hello {",
        "broken html": "<b>Hello",
        "bare less-than": "pain < 5",
        "other tag": "line<br>break",
        "empty": "   ",
        "plural forms": {"one": f"one {some}", "other": f"many {some}"},
        "forms without other": {"one": "one"},
    }[kind]


TEXT_KINDS = ["plain", "html", "ampersand", "unknown placeholder", "format spec", "lone brace", "broken html",
              "bare less-than", "other tag", "empty", "plural forms", "forms without other"]
DURATIONS = ["P4W", "P1D", "PT6H", "PT1S", "P2D", "P1Y", "P26W", "P27W", "P367D", "P99999999999D", "-P1D", "PT0S",
             "6 hours", "P", "P6M"]
USER_IDS = [1, 900001, 2**52 - 1, 2**52, 0, -5, True, "900001", 10**30]
CHAT_IDS = [-100900, -(2**52 - 1), 5, 0, 2**52, -(2**60), False]
LANGUAGES = [["en"], ["es"], ["es", "en"], ["en", "es"], ["en", "fr"], [], ["en", "en"]]
DURATION_FIELDS = [("protocols", "knee", "interval"), ("protocols", "knee", "checkins_after"),
                   ("protocols", "knee", "reminders_before"), ("timing", "realert_every"), ("timing", "nudge_after"),
                   ("timing", "checkin_late_limit"), ("triage", "early_window")]


@st.composite
def clinic_files(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    clinic = data["clinics"][0]
    for _ in range(draw(st.integers(0, 3), label="changes")):
        change = draw(st.sampled_from(["text", "bad key", "duration", "omit list", "user id", "chat id",
                                       "languages"]), label="change")
        if change == "text":
            key = draw(st.sampled_from(_KEYS), label="key")
            language = draw(st.sampled_from(["en", "es"]), label="text language")
            clinic["texts"].setdefault(language, {})[key] = _text_value(key, draw(st.sampled_from(TEXT_KINDS)))
        elif change == "bad key":
            clinic["texts"]["en"][draw(st.sampled_from(_KEYS)) + "s"] = "Hello"
        elif change == "duration":
            *parents, name = draw(st.sampled_from(DURATION_FIELDS), label="field")
            node = clinic
            for part in parents:
                node = node[part]
            value = draw(st.sampled_from(DURATIONS), label="duration")
            node[name] = [value] if name.endswith(("_after", "_before")) else value
        elif change == "omit list":
            clinic["protocols"]["knee"].pop(draw(st.sampled_from(["checkins_after", "reminders_before",
                                                                   "followups_after_last"])), None)
        elif change == "user id":
            clinic["staff"]["user_ids"] = [draw(st.sampled_from(USER_IDS), label="user id")]
        elif change == "chat id":
            clinic["staff"]["chat_id"] = draw(st.sampled_from(CHAT_IDS), label="chat id")
        else:
            clinic["languages"] = draw(st.sampled_from(LANGUAGES), label="languages")
    return data


def _own_words() -> dict[str, Any]:
    """A file that must pass: the clinic's own HTML texts in Spanish first, check-ins left to the defaults."""
    data = copy.deepcopy(EXAMPLE)
    clinic = data["clinics"][0]
    clinic["languages"] = ["es", "en"]
    clinic["protocols"]["knee"].pop("checkins_after")
    clinic["texts"]["es"]["checkin.ask_soreness"] = "<b>¿Cuánto le duele?</b> 0 = nada &amp; 10 = muchísimo"
    clinic["texts"]["es"]["enrolment.unit_week"] = {"one": "{count} semana", "other": "{count} semanas"}
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


REFUSAL = r"^{path}: clinics\[0\]\(riverside\)\.[\w.\[\]-]+: \S.*$"


def assert_refusal(message: str, path: Path) -> None:
    assert "\n" not in message.strip(), message
    assert re.match(REFUSAL.format(path=re.escape(str(path))), message.strip()), message


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=clinic_files())
def test_a_clinic_file_is_refused_on_one_line_or_plans_whole_courses(tmp_path: Path, data: dict[str, Any]) -> None:
    path = _write(tmp_path, data)
    try:
        clinics = load_clinics(path)
    except ConfigError as exc:
        assert_refusal(str(exc), path)
        event("refused")
        return
    event("accepted")
    clinic = clinics["riverside"]
    for protocol in clinic.protocols.values():
        sessions = initial_sessions(PINNED_NOW + timedelta(days=1), protocol.interval, protocol.sessions.max,
                                    clinic.tz)
        done = [replace(session, status=DONE, done_at=session.scheduled_at) for session in sessions]
        assert plan_messages(1, sessions, protocol, clinic.tz, clinic.quiet_hours, PINNED_NOW) is not None
        assert plan_messages(1, done, protocol, clinic.tz, clinic.quiet_hours, PINNED_NOW) is not None


# ---- the bot with a file check-config passed ---------------------------------------------------


def _check_config(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(["check-config", str(path)])
    _, err = capsys.readouterr()
    return int(exited.value.code or 0), err


def _has_button(prefix: str, suffix: str = "") -> Any:
    def matches(message: Message) -> bool:
        return any(str(b.get("callback_data", "")).startswith(prefix) and str(b.get("callback_data")).endswith(suffix)
                   for row in message.inline_keyboard for b in row)
    return matches


async def _press(user: SandboxUser, prefix: str, suffix: str = "", *, edits: bool = False,
                 after: Message | None = None) -> Message:
    """Wait for a message offering a button whose data starts with ``prefix``, and press it."""
    message = await user.wait_for_message(_has_button(prefix, suffix), timeout=WAIT, edits=edits, after=after)
    data = next(str(b["callback_data"]) for row in message.inline_keyboard for b in row
                if str(b.get("callback_data", "")).startswith(prefix) and str(b["callback_data"]).endswith(suffix))
    await user.press_data(data, message.message_id)
    return message


async def _enrol(harness: Harness, user: SandboxUser, clinic_zone: str, languages: list[str]) -> Patient:
    await user.send_text(f"/start {await new_invite(harness, 'knee')}")
    if len(languages) > 1:
        await _press(user, f"1:lang:{languages[0]}")
    await _press(user, "1:consent:yes")
    for _ in range(3):
        await _press(user, "1:scr:", ":n")
    await _press(user, f"1:tz:{clinic_zone}")
    await _press(user, "1:first:day:")
    await _press(user, "1:first:time:")
    await _press(user, "1:okdate:yes")

    async def enrolled() -> Patient | None:
        found = await stored_patient(harness, user.user.id)
        return found if found is not None and found.status == "active" else None

    patient: Patient = await wait_until(enrolled, within=WAIT)
    return patient


async def _check_in(harness: Harness, user: SandboxUser, patient: Patient) -> None:
    async with harness.db.session() as session:
        await staff_actions.done(session, harness.services, patient, None, harness.services.clock.now(), "test")
    await due_message(harness, patient, "checkin")
    question = await _press(user, "1:ci:", ":s:0")
    for step in (":w:none", ":d", ":k"):
        await _press(user, "1:ci:", step, edits=True, after=question)

    async def answered() -> bool:
        from tests.support.checkin_factories import checkins_of

        return any(row.level is not None for row in await checkins_of(harness, patient))

    await wait_until(answered, within=WAIT)


async def _run_bot(tmp_path: Path, clinics: ClinicRegistry) -> None:
    clinic = clinics["riverside"]
    async with running_bot(sqlite_url(tmp_path), clinics=clinics) as harness:
        errors = ErrorRecorder().install(harness.runtime.application)
        user = harness.patient(user_id=5001, language_code="en")
        patient = await _enrol(harness, user, clinic.timezone, clinic.languages)
        await _check_in(harness, user, patient)
        assert errors.errors == [], errors.errors
        for message in user.messages():
            assert not any(apology in message.text.lower() for apology in APOLOGY), message.text


@settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=clinic_files())
@example(data=_own_words())
async def test_check_config_refuses_or_the_bot_enrols_and_checks_in(
        tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> None:
    tmp_path = tmp_path_factory.mktemp("clinic")
    path = _write(tmp_path, data)
    code, err = _check_config(path, capsys)
    if code != 0:
        assert code == 2, err
        assert_refusal(err.removeprefix("aftercare: "), path)
        event("refused")
        return
    event("ran the bot")
    await _run_bot(tmp_path, load_clinics(path))
