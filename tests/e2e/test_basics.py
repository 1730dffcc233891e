"""The real Application answers /start and /help through the sandbox, as a patient sees it."""

from __future__ import annotations

from tests.support.harness import Harness


async def test_start_without_invite_explains_how_to_join(harness: Harness) -> None:
    patient = harness.patient()
    await patient.send_text("/start")
    reply = await patient.wait_for_message(timeout=10)
    assert "invite link" in reply.text
    assert "/help" in reply.text


async def test_help_lists_commands_and_disclaimer(harness: Harness) -> None:
    patient = harness.patient()
    await patient.send_text("/help")
    reply = await patient.wait_for_message(timeout=10)
    for command in ("/status", "/pause", "/stop", "/delete", "/export"):
        assert command in reply.text
    assert "not a substitute for professional medical advice" in reply.text


async def test_help_in_spanish_for_spanish_telegram_users(harness: Harness) -> None:
    patient = harness.patient(user_id=5002, language_code="es")
    await patient.send_text("/help")
    reply = await patient.wait_for_message(timeout=10)
    assert "Comandos" in reply.text
    assert "no sustituye" in reply.text


async def test_unknown_command_and_sticker_get_friendly_replies(harness: Harness) -> None:
    patient = harness.patient()
    await patient.send_text("/frobnicate")
    reply = await patient.wait_for_message(timeout=10)
    assert "don't know that command" in reply.text
    await patient.send_sticker()
    reply = await patient.wait_for_message(timeout=10)
    assert "only read text" in reply.text


async def test_someone_not_enrolled_who_reports_a_red_flag_is_pointed_to_emergency_care(harness: Harness) -> None:
    visitor = harness.patient(user_id=5003)
    await visitor.send_text("my lips are swelling and I can't breathe")
    reply = await visitor.wait_for_message(timeout=10)
    assert "call your local emergency number now" in reply.text
    await visitor.send_text("hello there")
    reply = await visitor.wait_for_message("not sure what you mean", timeout=10)
    assert "emergency" not in reply.text
