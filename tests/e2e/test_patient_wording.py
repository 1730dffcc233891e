"""Around check-ins a patient is thanked once, reads follow-ups as the clinic named them, contacts in their language.

- The last answer edits the check-in into its summary, which ends "your
  answers are saved"; the outcome that follows does not say it again.
- A follow-up configured as ``P3M`` is "3 months after your last session"
  ("3 meses" in Spanish), not weeks counted from the injection.
- A clinic may give its hours and after-hours line per language; a Spanish
  reader gets the Spanish ones, an English reader the English ones.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.models import MessageKind, Patient
from tests.support.checkin_factories import WAIT, checkin_bot, edited_to, first_session_id, patient_scene
from tests.support.clinic import clinic_data, registry
from tests.support.factories import add_message
from tests.support.harness import Harness, sqlite_url

HOURS = {"en": "Mon-Fri 8:00-18:00", "es": "lun-vie 8:00-18:00"}
AFTER_HOURS = {"en": "+1 555 010 2099 (on-call nurse)", "es": "+1 555 010 2099 (enfermera de guardia)"}


def per_language_contact() -> dict[str, object]:
    data = clinic_data(quiet_hours={"start": "00:00", "end": "00:00"})
    data["clinics"][0]["contact"].update(hours=HOURS, after_hours=AFTER_HOURS)
    return data


async def _followup(harness: Harness, patient: Patient, offset: str) -> None:
    """A follow-up due now, planned as the planner plans it (its offset in the payload)."""
    await add_message(harness.db, patient, MessageKind.FOLLOWUP, harness.services.clock.now() + timedelta(seconds=0.2),
                      session_id=await first_session_id(harness, patient), offset=offset)
    assert harness.services.dispatcher is not None
    harness.services.dispatcher.poke()


async def test_the_last_answer_is_thanked_once(tmp_path: Path) -> None:
    async with checkin_bot(sqlite_url(tmp_path)) as h:
        scene = await patient_scene(h)
        question = await scene.send_checkin()
        for label, marker in (("1", "swelling"), ("None", "Do you have any"),
                              ("✅ None of these · Done", "Anything else")):
            await scene.user.press(label, question)
            await scene.user.wait_for_message(edited_to(marker), edits=True, after=question, timeout=WAIT)
        await scene.user.press("Skip", question)
        outcome = await scene.user.wait_for_message("expected course", after=question, timeout=WAIT)
        summary = await scene.user.wait_for_message(edited_to("answers are saved"), edits=True, after=question,
                                                    timeout=WAIT)
        assert "answers are saved" in summary.text
        assert "answers are saved" not in outcome.text and not outcome.text.startswith("Thank you")


async def test_followups_are_named_as_configured_in_each_language(tmp_path: Path) -> None:
    async with checkin_bot(sqlite_url(tmp_path)) as h:
        english = await patient_scene(h, injected_ago=timedelta(days=91))
        await _followup(h, english.patient, "P3M")
        header = await english.user.wait_for_message("How much pain", timeout=WAIT)
        assert "3 months after your last session" in header.text
        spanish = await patient_scene(h, user_id=5002, language="es", injected_ago=timedelta(days=183))
        await _followup(h, spanish.patient, "P6M")
        encabezado = await spanish.user.wait_for_message("después de su última sesión", timeout=WAIT)
        assert "6 meses después de su última sesión" in encabezado.text
        uno = await patient_scene(h, user_id=5003, language="es", injected_ago=timedelta(days=31))
        await _followup(h, uno.patient, "P1M")
        assert "1 mes después" in (await uno.user.wait_for_message("después de su", timeout=WAIT)).text


async def test_contact_lines_in_the_patients_language(tmp_path: Path) -> None:
    async with checkin_bot(sqlite_url(tmp_path), clinics=registry(per_language_contact())) as h:
        for user_id, language in ((5001, "en"), (5002, "es")):
            scene = await patient_scene(h, user_id=user_id, language=language)
            await add_message(h.db, scene.patient, MessageKind.CHECKIN,
                              h.services.clock.now() + timedelta(seconds=0.2),
                              session_id=await first_session_id(h, scene.patient))
            assert h.services.dispatcher is not None
            h.services.dispatcher.poke()
            question = await scene.user.wait_for_message(HOURS[language], timeout=WAIT)
            assert AFTER_HOURS[language] in question.text
            other = "es" if language == "en" else "en"
            assert HOURS[other] not in question.text and AFTER_HOURS[other] not in question.text
