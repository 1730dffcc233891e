"""The load benchmark's baseline: the smallest sensible PTB bot making the same Bot API calls as a check-in.

    python bench/echo_bot.py --api http://127.0.0.1:PORT --token 123:abc

Per button press it answers the callback query and edits the pressed message
(keeping the same buttons), and for the last step of a check-in ("Skip",
callback data ending in ``:k``) it also sends a new message: exactly the
calls the aftercare bot makes for the same presses (answerCallbackQuery,
editMessageText, and sendMessage for the outcome), with no database, no
clinic logic and no rendering. Text messages are echoed. It uses the same
concurrency as the aftercare bot (64 updates at a time, polling with no
pause) so the ratio measures the application, not PTB's settings.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters

BUTTONS = (("3", "e:s"), ("Mild", "e:w"), ("✅ None of these · Done", "e:d"), ("Skip", "e:k"))
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)] for label, data in BUTTONS])
QUESTION = "How sore is the treated area right now? (echo baseline)"


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer()
    await query.edit_message_text(f"echo: {query.data}", reply_markup=KEYBOARD)
    if (query.data or "").endswith(":k"):
        await context.bot.send_message(query.message.chat.id, "Thank you (echo)")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text[:4096])


def build(token: str, api: str) -> Application[Any, Any, Any, Any, Any, Any]:
    application = (
        ApplicationBuilder().token(token).base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
        .concurrent_updates(64).build()
    )
    application.add_handler(CallbackQueryHandler(on_press))
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    return application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="Bot API root, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", default="123456:ECHO")
    args = parser.parse_args(argv)
    application = build(args.token, args.api.rstrip("/"))
    print("echo_bot_started", flush=True)  # the benchmark waits for this line
    application.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES,
                            drop_pending_updates=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
