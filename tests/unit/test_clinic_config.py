"""Clinic YAML validation: the shipped example passes, every mistake is one clear line."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.clinic_config import EXAMPLE_CONFIG, ConfigError, load_clinics

EXAMPLE: dict[str, Any] = yaml.safe_load(EXAMPLE_CONFIG.read_text())


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _mutated(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    edit(data)
    return data


def _clinic(data: dict[str, Any]) -> dict[str, Any]:
    return data["clinics"][0]  # type: ignore[no-any-return]


def test_example_config_is_valid() -> None:
    registry = load_clinics(EXAMPLE_CONFIG)
    clinic = registry["riverside"]
    assert set(clinic.protocols) == {"knee", "low_back", "shoulder"}
    knee = clinic.protocols["knee"]
    assert (knee.sessions.min, knee.sessions.max) == (3, 6)
    assert [str(o) for o in knee.reminders_before] == ["P2D", "PT2H"]
    assert clinic.languages == ["en", "es"]


BAD_CONFIGS: list[tuple[str, Any, str]] = [
    ("wrong type", lambda d: _clinic(d).update(emergency_number=["911"]),
     "clinics[0](riverside).emergency_number"),
    ("unknown key", lambda d: _clinic(d).update(colour="blue"), "clinics[0](riverside).colour: unknown key"),
    ("negative offset", lambda d: _clinic(d)["protocols"]["knee"].update(interval="-P4W"),
     "protocols.knee.interval: '-P4W' is negative"),
    ("unparsable offset", lambda d: _clinic(d)["protocols"]["knee"]["checkins_after"].append("6 hours"),
     "protocols.knee.checkins_after[4]: '6 hours' is not an ISO 8601 duration"),
    ("unknown timezone", lambda d: _clinic(d).update(timezone="Mars/Olympus"), "timezone: unknown timezone"),
    ("min > max sessions", lambda d: _clinic(d)["protocols"]["knee"]["sessions"].update(min=7, max=6, default=None),
     "min (7) is greater than max (6)"),
    ("duplicate clinic id", lambda d: d["clinics"].append(copy.deepcopy(_clinic(d))),
     "duplicate clinic id 'riverside'"),
    ("missing contact", lambda d: _clinic(d).pop("contact"),
     "clinics[0](riverside).contact: is required but missing"),
    ("missing phone", lambda d: _clinic(d)["contact"].pop("phone"), "contact.phone: is required but missing"),
    ("unsupported language", lambda d: _clinic(d).update(languages=["en", "fr"]), "unsupported language 'fr'"),
    ("contact hours without the first language", lambda d: _clinic(d)["contact"].update(hours={"es": "lun-vie"}),
     "contact.hours: per-language texts need one in the clinic's first language ('en')"),
    ("contact in an unsupported language",
     lambda d: _clinic(d)["contact"].update(after_hours={"en": "+1 555 0100", "fr": "+33 1 00"}),
     "contact.after_hours: unsupported language 'fr'"),
    ("empty per-language contact", lambda d: _clinic(d)["contact"].update(hours={}), "contact.hours: give a text"),
    ("bad quiet hours", lambda d: _clinic(d)["quiet_hours"].update(start="25:00"), "quiet_hours.start"),
    ("no staff", lambda d: _clinic(d)["staff"].update(user_ids=[]), "staff.user_ids"),
    ("no protocols", lambda d: _clinic(d).update(protocols={}), "protocols"),
    ("default outside range", lambda d: _clinic(d)["protocols"]["knee"]["sessions"].update(default=9),
     "default (9) is outside min..max"),
    ("zero offset", lambda d: _clinic(d)["protocols"]["knee"].update(interval="PT0S"), "is zero"),
    ("bad clinic id", lambda d: _clinic(d).update(id="River Side"), "clinics[0](River Side).id: must be"),
    ("wording for an unknown sign", lambda d: _clinic(d)["triage"].update(wordings={"hot_sight": {"en": ["toasty"]}}),
     "triage.wordings: hot_sight: unknown sign 'hot_sight' (known: allergic_reaction, "),
    ("wording in an unsupported language",
     lambda d: _clinic(d)["triage"].update(wordings={"hot_site": {"fr": ["chaud"]}}),
     "triage.wordings: hot_site.fr: unsupported language 'fr'"),
    ("wording with no words", lambda d: _clinic(d)["triage"].update(wordings={"pus": {"en": ["!!!"]}}),
     "triage.wordings: pus.en[0]: phrase '!!!' has no words to match"),
    ("wording too long", lambda d: _clinic(d)["triage"].update(wordings={"pus": {"es": ["pus " * 30]}}),
     "triage.wordings: pus.es[0]: phrase longer than 80 characters"),
    # Texts: each of these used to pass check-config and then fail every time the text was sent.
    ("misspelled text key", lambda d: _clinic(d)["texts"]["en"].update({"checkin.outcome_urgnt": "Call us."}),
     "texts.en.checkin.outcome_urgnt: unknown text key (did you mean checkin.outcome_urgent?)"),
    ("unknown placeholder", lambda d: _clinic(d)["texts"]["en"].update(
        {"checkin.outcome_urgent": "Call {phone_number} now."}),
     "texts.en.checkin.outcome_urgent: unknown placeholder {phone_number} (this text takes {after_hours}, "),
    ("lone brace", lambda d: _clinic(d)["texts"]["es"].update({"checkin.outcome_urgent": "Llame {phone"}),
     "texts.es.checkin.outcome_urgent: a lone '{' or '}'"),
    ("format spec", lambda d: _clinic(d)["texts"]["en"].update({"checkin.outcome_urgent": "Call {phone:>20}"}),
     "texts.en.checkin.outcome_urgent: placeholder {phone} must be written plainly"),
    ("unclosed tag", lambda d: _clinic(d)["texts"]["en"].update({"checkin.outcome_urgent": "<b>Call {phone}"}),
     "texts.en.checkin.outcome_urgent: not valid Telegram HTML: <b> is never closed"),
    ("unsupported tag", lambda d: _clinic(d)["texts"]["en"].update({"common.disclaimer_extra": "a<br>b"}),
     "texts.en.common.disclaimer_extra: not valid Telegram HTML: <br> is not a tag Telegram accepts"),
    ("bare less-than", lambda d: _clinic(d)["texts"]["en"].update({"common.disclaimer_extra": "if pain < 5"}),
     "texts.en.common.disclaimer_extra: not valid Telegram HTML: a '<' that starts no tag"),
    ("empty text", lambda d: _clinic(d)["texts"]["en"].update({"checkin.outcome_urgent": "  "}),
     "texts.en.checkin.outcome_urgent: is empty"),
    ("text too long", lambda d: _clinic(d)["texts"]["en"].update({"common.disclaimer_extra": "x" * 4100}),
     "texts.en.common.disclaimer_extra: too long: 4100 characters once filled in (Telegram allows 4096)"),
    ("toast too long", lambda d: _clinic(d)["texts"]["en"].update({"alerts.ack_done": "Thanks! " * 30}),
     "texts.en.alerts.ack_done: too long"),
    ("text never overridden", lambda d: _clinic(d)["texts"]["en"].update({"common.error": "Oops."}),
     "texts.en.common.error: this text is always the default"),
    ("plural forms on a plain text", lambda d: _clinic(d)["texts"]["en"].update(
        {"checkin.outcome_urgent": {"one": "a", "other": "b"}}),
     "texts.en.checkin.outcome_urgent: this text has no plural forms: give one string"),
    ("plural form the language lacks", lambda d: _clinic(d)["texts"]["en"].update(
        {"enrolment.unit_week": {"few": "a", "other": "b"}}),
     "texts.en.enrolment.unit_week: plural form 'few' is not used in en"),
    ("plural forms without other", lambda d: _clinic(d)["texts"]["es"].update(
        {"enrolment.unit_week": {"one": "{count} semana"}}),
     "texts.es.enrolment.unit_week: plural forms need 'other'"),
    ("text that is not a string", lambda d: _clinic(d)["texts"]["en"].update({"checkin.outcome_urgent": 5}),
     "texts.en.checkin.outcome_urgent: Input should be a valid string"),
    # Durations: sane bounds instead of overflowing dates at the first enrolment.
    ("absurd interval", lambda d: _clinic(d)["protocols"]["knee"].update(interval="P99999999999D"),
     "protocols.knee.interval: 'P99999999999D' is longer than 100 years"),
    ("interval too long", lambda d: _clinic(d)["protocols"]["knee"].update(interval="P40W"),
     "protocols.knee.interval: 'P40W' is longer than P26W"),
    ("interval too short", lambda d: _clinic(d)["protocols"]["knee"].update(interval="PT6H"),
     "protocols.knee.interval: 'PT6H' is shorter than P1D"),
    ("offset beyond a year", lambda d: _clinic(d)["protocols"]["knee"].update(followups_after_last=["P13M"]),
     "protocols.knee.followups_after_last[0]: 'P1Y1M' is longer than a year"),
    ("too many offsets", lambda d: _clinic(d)["protocols"]["knee"].update(checkins_after=["PT1H"] * 13),
     "protocols.knee.checkins_after: List should have at most 12 items"),
    ("re-alert too rare", lambda d: _clinic(d)["timing"].update(realert_every="P1D"),
     "timing.realert_every: 'P1D' is longer than PT4H"),
    ("late limit too long", lambda d: _clinic(d)["timing"].update(checkin_late_limit="P30D"),
     "timing.checkin_late_limit: 'P30D' is longer than P7D"),
    # Telegram ids: at most 52 significant bits; user ids positive, chat ids non-zero.
    ("user id too large", lambda d: _clinic(d)["staff"].update(user_ids=[111, 2**52]),
     "staff.user_ids[1]: 4503599627370496 is not a Telegram user id"),
    ("user id negative", lambda d: _clinic(d)["staff"].update(user_ids=[-5]), "staff.user_ids[0]: -5 is not"),
    ("user id as a boolean", lambda d: _clinic(d)["staff"].update(user_ids=[True]),
     "staff.user_ids[0]: Input should be a valid integer"),
    ("chat id zero", lambda d: _clinic(d)["staff"].update(chat_id=0), "staff.chat_id: 0 is not a Telegram chat id"),
    ("chat id too large", lambda d: _clinic(d)["staff"].update(chat_id=-(2**60)),
     "staff.chat_id: -1152921504606846976"),
]


def test_clinic_wordings_are_read_with_the_same_context_rules(tmp_path: Path) -> None:
    from bot.core.triage_wordings import clinic_wordings
    from bot.domain.triage import Level, Report, triage

    data = _mutated(lambda d: _clinic(d)["triage"].update(
        wordings={"hot_site": {"en": ["knee is a toaster"], "es": ["echa fuego"]}}))
    clinic = load_clinics(_write(tmp_path, data))["riverside"]
    rules = clinic_wordings(clinic)

    def level(text: str, language: str = "en") -> Level:
        return triage(Report(text=text, language=language), wordings=rules).level

    assert level("my KNEE is a toaster today") is Level.URGENT
    assert level("la rodilla echa fuego", "es") is Level.URGENT
    assert level("the knee is a toaster? no, it's fine now") is Level.OK
    assert level("la rodilla ya no echa fuego", "es") is Level.OK
    assert triage(Report(text="my knee is a toaster")).level is Level.OK, "other clinics keep their own words"


@pytest.mark.parametrize(("name", "edit", "expected"), BAD_CONFIGS, ids=[case[0] for case in BAD_CONFIGS])
def test_bad_config_gives_one_line(tmp_path: Path, name: str, edit: Any, expected: str) -> None:
    path = _write(tmp_path, _mutated(edit))
    with pytest.raises(ConfigError) as caught:
        load_clinics(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert expected in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("clinics: [\n  - id: a\n", "YAML syntax error"),
        ("", "must be a mapping"),
        ("- just\n- a list\n", "must be a mapping"),
        ("clinics: []\n", "clinics"),
    ],
)
def test_bad_yaml_gives_one_line(tmp_path: Path, content: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_clinics(_write(tmp_path, content))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60)


def test_check_config_cli_accepts_example() -> None:
    result = _cli("check-config", str(EXAMPLE_CONFIG))
    assert result.returncode == 0, result.stderr
    assert "OK, 1 clinic" in result.stdout


def test_contact_texts_per_language_with_a_plain_string_still_working(tmp_path: Path) -> None:
    data = _mutated(lambda d: _clinic(d)["contact"].update(hours={"en": "Mon-Fri 8-18", "es": "lun-vie 8-18"}))
    clinic = load_clinics(_write(tmp_path, data))["riverside"]
    assert clinic.contact_in("es").hours == "lun-vie 8-18" and clinic.contact_in("en").hours == "Mon-Fri 8-18"
    assert clinic.contact_in("es").after_hours == EXAMPLE["clinics"][0]["contact"]["after_hours"]  # a plain string
    only_english = _mutated(lambda d: _clinic(d)["contact"].update(hours={"en": "Mon-Fri 8-18"}))
    assert load_clinics(_write(tmp_path, only_english))["riverside"].contact_in("es").hours == "Mon-Fri 8-18"
    assert _cli("check-config", str(_write(tmp_path, data))).returncode == 0


def test_check_config_cli_rejects_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, _mutated(lambda d: _clinic(d).update(timezone="Nowhere/City")))
    result = _cli("check-config", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "clinics[0](riverside).timezone: unknown timezone 'Nowhere/City'" in lines[0]


def test_a_plural_text_may_be_overridden_with_its_forms(tmp_path: Path) -> None:
    from messages.render import render

    forms = {"one": "{count} wk", "other": "{count} wks"}
    data = _mutated(lambda d: _clinic(d)["texts"]["en"].update({"enrolment.unit_week": forms}))
    clinic = load_clinics(_write(tmp_path, data))["riverside"]
    assert render("enrolment.unit_week", "en", clinic.texts, count=1) == "1 wk"
    assert render("enrolment.unit_week", "en", clinic.texts, count=3) == "3 wks"


def test_a_protocol_that_leaves_out_its_lists_gets_the_clinical_defaults(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        knee = _clinic(data)["protocols"]["knee"]
        for name in ("reminders_before", "checkins_after", "followups_after_last"):
            knee.pop(name)
        _clinic(data)["protocols"]["shoulder"].update(checkins_after=[])

    clinic = load_clinics(_write(tmp_path, _mutated(edit)))["riverside"]
    knee = clinic.protocols["knee"]
    assert [str(o) for o in knee.reminders_before] == ["P2D", "PT2H"]
    assert [str(o) for o in knee.checkins_after] == ["PT6H", "P1D", "P3D", "P1W"]
    assert [str(o) for o in knee.followups_after_last] == ["P6W", "P3M", "P6M"]
    assert clinic.protocols["shoulder"].checkins_after == [], "an explicit empty list still means none"


def test_staff_ids_at_telegrams_limits_are_accepted(tmp_path: Path) -> None:
    data = _mutated(lambda d: _clinic(d)["staff"].update(chat_id=-(2**52 - 1), user_ids=[1, 2**52 - 1]))
    assert load_clinics(_write(tmp_path, data))["riverside"].staff.user_ids == [1, 2**52 - 1]


def test_staff_roles_default_to_clinician_and_a_viewer_only_reads(tmp_path: Path) -> None:
    data = _mutated(lambda d: _clinic(d)["staff"].update(user_ids=[11, {"id": 22, "role": "viewer"},
                                                                   {"id": 33, "role": "clinician"}, {"id": 44}]))
    clinic = load_clinics(_write(tmp_path, data))["riverside"]
    assert clinic.staff.user_ids == [11, 22, 33, 44]
    assert [clinic.staff.role_of(i) for i in (11, 22, 33, 44)] == ["clinician", "viewer", "clinician", "clinician"]
    assert [clinic.can_act(i) for i in (11, 22, 33, 44, 55)] == [True, False, True, True, False]
    assert clinic.is_staff(22), "a viewer is staff: reads every staff page and command"


def test_the_example_lists_a_viewer() -> None:
    clinic = load_clinics(EXAMPLE_CONFIG)["riverside"]
    assert [clinic.staff.role_of(i) for i in clinic.staff.user_ids] == ["clinician", "clinician", "viewer"]


@pytest.mark.parametrize(("entry", "expected"), [
    ({"id": 22, "role": "boss"}, "staff: user_ids[1].role: 'boss' is not a role (use clinician or viewer)"),
    ({"id": 22, "rol": "viewer"}, "staff: user_ids[1]: write a number, or {id: <number>, role: clinician|viewer}"),
    ({"role": "viewer"}, "staff: user_ids[1]: write a number, or {id: <number>, role: clinician|viewer}"),
    ({"id": -5, "role": "viewer"}, "staff.user_ids[1]: -5 is not a Telegram user id"),
])
def test_check_config_rejects_a_bad_role_in_one_line_with_exit_2(tmp_path: Path, entry: dict[str, Any],
                                                                  expected: str) -> None:
    path = _write(tmp_path, _mutated(lambda d: _clinic(d)["staff"].update(user_ids=[11, entry])))
    result = _cli("check-config", str(path))
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert expected in lines[0]
