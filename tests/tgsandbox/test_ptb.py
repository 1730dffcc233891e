"""python-telegram-bot itself accepts the sandbox's wire format, both as Bot and Application."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tgsandbox import Sandbox

TOKEN = "123:abc"


async def test_bot_calls_return_proper_objects(sandbox: Sandbox) -> None:
    patient = sandbox.user(7, "Ann")
    bot = Bot(TOKEN, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url)
    async with bot:
        me = await bot.get_me()
        assert me.id == 1000001 and me.is_bot and me.username == "aftercare_sandbox_bot"
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Fine", callback_data="c:ok")]])
        sent = await bot.send_message(7, "<b>Day 1</b> check-in", parse_mode=ParseMode.HTML, reply_markup=keyboard)
        assert isinstance(sent, Message)
        assert sent.text == "Day 1 check-in" and sent.text_html == "<b>Day 1</b> check-in"
        assert sent.chat.id == 7 and sent.from_user is not None and sent.from_user.is_bot
        assert sent.reply_markup == keyboard
        edited = await bot.edit_message_text("Thanks!", chat_id=7, message_id=sent.message_id)
        assert isinstance(edited, Message) and edited.text == "Thanks!" and edited.edit_date
        assert patient.last_message() is not None
        assert patient.last_message().text == "Thanks!"  # type: ignore[union-attr]

        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Thanks!", chat_id=7, message_id=sent.message_id)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(99, "x")
        patient.block()
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(7, "x")
        patient.unblock()
        sandbox.inject("429", retry_after=4)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(7, "x")
        retry = caught.value.retry_after  # int, or timedelta under PTB's future flag
        assert (retry if isinstance(retry, int) else retry.total_seconds()) == 4

        photo = await bot.send_photo(7, b"\x89PNG-bytes", caption="Your plan")
        assert photo.caption == "Your plan" and photo.photo
        file = await bot.get_file(photo.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == b"\x89PNG-bytes"
        document = await bot.send_document(7, b"a,b\n1,2\n", filename="export.csv")
        assert document.document is not None and document.document.file_name == "export.csv"
        assert patient.messages()[-1].document == b"a,b\n1,2\n"

        await bot.set_my_commands([("status", "Your course")], language_code="en")
        assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["status"]


async def test_bot_times_out_on_an_injected_delay(sandbox: Sandbox) -> None:
    sandbox.user(7)
    request = HTTPXRequest(read_timeout=0.2, connect_timeout=1)
    async with Bot(TOKEN, base_url=sandbox.base_url, request=request) as bot:
        sandbox.inject("timeout", delay=0.6, method="sendMessage")
        with pytest.raises(TimedOut):
            await bot.send_message(7, "slow")


async def test_application_polling_echoes_and_handles_buttons(sandbox: Sandbox) -> None:
    patient = sandbox.user(7, "Ann")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        payload = " ".join(context.args or [])
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
        await update.effective_message.reply_text(f"welcome {payload}", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("noted")
        await query.edit_message_text(f"you pressed {query.data}")

    app = ApplicationBuilder().token(TOKEN).base_url(sandbox.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await patient.send_text("/start inv-123")
            welcome = await patient.wait_for_message(timeout=5)
            assert welcome.text == "welcome inv-123" and welcome.buttons == [["OK"]]
            await patient.send_text("my knee hurts")
            reply = await patient.wait_for_message(timeout=5)
            assert reply.text == "echo: my knee hurts"
            query_id = await patient.press("OK")
            assert (await patient.wait_for_callback_answer(query_id, timeout=5))["text"] == "noted"
            edited = await patient.wait_for_message(edits=True, timeout=5)
            assert edited.message_id == welcome.message_id and edited.text == "you pressed ok"
        finally:
            await app.updater.stop()
            await app.stop()
    assert sandbox.stats()["pending_updates"] == 0  # PTB confirmed every update on shutdown


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_application_webhook_mode_receives_updates(sandbox: Sandbox) -> None:
    patient = sandbox.user(7, "Ann")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"hooked: {update.effective_message.text}")

    port = _free_port()
    app = ApplicationBuilder().token(TOKEN).base_url(sandbox.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="hook",
            secret_token="s3cret",
            webhook_url=f"http://127.0.0.1:{port}/hook",
        )
        try:
            assert sandbox.core.webhook.url == f"http://127.0.0.1:{port}/hook"
            await patient.send_text("via webhook")
            reply = await patient.wait_for_message(timeout=5)
            assert reply.text == "hooked: via webhook"
        finally:
            await app.updater.stop()
            await app.stop()
