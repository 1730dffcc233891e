"""/status, /history, /language and /cancel end to end, in English and Spanish."""

from __future__ import annotations

import asyncio
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import select

from bot.core.models import AuditEvent, Patient
from bot.ptb.commands_menu import CommandMenu
from messages.render import format_when
from tests.support.harness import Harness
from tests.support.selfservice_seed import seed_patient

WAIT = 10.0
LANGUAGES = ["en", "es"]
NOT_ENROLLED = {"en": "not enrolled", "es": "no está inscrito"}


def _when(moment: object, language: str) -> str:
    return format_when(moment, ZoneInfo("America/New_York"), language)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_status_shows_next_session_checkin_last_answers_and_advice(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/status")
    reply = await user.wait_for_message(timeout=WAIT)
    words = {"en": ("Next session", "2 of 4", "Next check-in", "soreness 4/10", "swelling mild", "expected course"),
             "es": ("Próxima sesión", "2 de 4", "Próximo seguimiento", "dolor 4/10", "hinchazón leve",
                    "evolución esperada")}[language]
    for expected in words:
        assert expected in reply.text
    assert _when(seeded.next_session_at, language) in reply.text
    assert "Knee <b>stiff</b> & sore_ish *today*" in reply.text  # the note, shown as typed (escaped)
    assert harness.clinic.contact.phone in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_status_when_not_enrolled_says_how_to_join(harness: Harness, language: str) -> None:
    user = harness.patient(user_id=5099, language_code=language)
    await user.send_text("/status")
    reply = await user.wait_for_message(timeout=WAIT)
    assert NOT_ENROLLED[language] in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_status_before_any_answer_says_so(harness: Harness, language: str) -> None:
    await seed_patient(harness.services, language=language, with_answers=False)
    user = harness.patient(language_code=language)
    await user.send_text("/status")
    reply = await user.wait_for_message(timeout=WAIT)
    assert {"en": "no answers yet", "es": "aún sin respuestas"}[language] in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_history_lists_sessions_and_answers_and_sends_a_chart(harness: Harness, language: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/history")
    text = await user.wait_for_message(timeout=WAIT)
    done, planned = {"en": ("done", "planned"), "es": ("hecha", "prevista")}[language]
    assert f"1. {_when(seeded.done_at, language)} – {done}" in text.text
    assert f"2. {_when(seeded.next_session_at, language)} – {planned}" in text.text
    assert {"en": "soreness 6/10", "es": "dolor 6/10"}[language] in text.text
    chart = await user.wait_for_message(lambda m: m.kind == "photo", timeout=WAIT)
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(chart.photo)).size == (800, 450)
    assert {"en": "Dashed lines", "es": "líneas discontinuas"}[language] in chart.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_history_without_answers_promises_a_chart_later(harness: Harness, language: str) -> None:
    await seed_patient(harness.services, language=language, with_answers=False)
    user = harness.patient(language_code=language)
    await user.send_text("/history")
    await user.wait_for_message(timeout=WAIT)
    later = await user.wait_for_message(timeout=WAIT)
    assert {"en": "chart appears after", "es": "gráfico aparecerá"}[language] in later.text
    assert not any(m.kind == "photo" for m in user.messages())


@pytest.mark.parametrize("language", LANGUAGES)
async def test_history_when_not_enrolled(harness: Harness, language: str) -> None:
    user = harness.patient(user_id=5098, language_code=language)
    await user.send_text("/history")
    assert NOT_ENROLLED[language] in (await user.wait_for_message(timeout=WAIT)).text


@pytest.mark.parametrize(("language", "other", "button", "confirmation"), [
    ("en", "es", "Español", "le escribiré en español"),
    ("es", "en", "English", "write to you in English"),
])
async def test_language_switch_with_buttons(harness: Harness, language: str, other: str, button: str,
                                           confirmation: str) -> None:
    seeded = await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/language")
    prompt = await user.wait_for_message(timeout=WAIT)
    assert prompt.buttons == [["English", "Español"]]
    await user.press(button)
    assert confirmation in (await user.wait_for_message(confirmation, timeout=WAIT)).text
    async with harness.db.session() as session:
        row = await session.get(Patient, seeded.patient.id)
        events = (await session.exec(select(AuditEvent).where(AuditEvent.event == "language_changed"))).all()
    assert row is not None and row.language == other
    assert [e.details for e in events] == [{"language": other}]
    await user.send_text("/status")
    status = await user.wait_for_message(timeout=WAIT)
    assert {"en": "Next session", "es": "Próxima sesión"}[other] in status.text
    menu = harness.sandbox.commands({"type": "chat", "chat_id": user.id})
    assert menu and menu[0]["command"] == "status"
    assert menu[0]["description"] == {"en": "Your next session and check-in",
                                      "es": "Su próxima sesión y seguimiento"}[other]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_language_typed_code_and_same_language(harness: Harness, language: str) -> None:
    await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text(f"/language {language}")
    same = await user.wait_for_message(timeout=WAIT)
    assert {"en": "already writing to you in English", "es": "Ya le estoy escribiendo en español"}[language] \
        in same.text
    other = "es" if language == "en" else "en"
    await user.send_text(f"/language {other}")
    done = await user.wait_for_message(timeout=WAIT)
    assert {"en": "write to you in English", "es": "le escribiré en español"}[other] in done.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_language_when_not_enrolled(harness: Harness, language: str) -> None:
    user = harness.patient(user_id=5097, language_code=language)
    await user.send_text("/language")
    reply = await user.wait_for_message(timeout=WAIT)
    assert {"en": "once you're enrolled", "es": "cuando esté inscrito"}[language] in reply.text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_cancel_with_nothing_to_cancel(harness: Harness, language: str) -> None:
    await seed_patient(harness.services, language=language)
    user = harness.patient(language_code=language)
    await user.send_text("/cancel")
    reply = await user.wait_for_message(timeout=WAIT)
    assert {"en": "nothing to cancel", "es": "No hay nada que cancelar"}[language] in reply.text


async def test_command_menus_are_set_per_language_and_scope(harness: Harness) -> None:
    private = {"type": "all_private_chats"}
    staff_chat = {"type": "chat", "chat_id": harness.clinic.staff.chat_id}
    menu = next(c for c in harness.runtime.components if isinstance(c, CommandMenu))
    assert menu.task is not None
    assert await asyncio.wait_for(menu.task, WAIT) == 6  # published in the background at start-up
    english, spanish = harness.sandbox.commands(private, "en"), harness.sandbox.commands(private, "es")
    assert [c["command"] for c in english] == [c["command"] for c in spanish] == [
        "status", "history", "pause", "resume", "language", "export", "stop", "delete", "cancel", "help"]
    assert english[2]["description"] == "Pause reminders" and spanish[2]["description"] == "Pausar recordatorios"
    assert harness.sandbox.commands(private) == english  # anyone else: English
    staff_es = harness.sandbox.commands(staff_chat, "es")
    assert staff_es[0] == {"command": "invite",
                           "description": "Enlace de invitación y código QR para un paciente nuevo"}
    assert harness.sandbox.commands(staff_chat)[0]["description"].startswith("Invite link")
    assert "invite" not in [c["command"] for c in english]
