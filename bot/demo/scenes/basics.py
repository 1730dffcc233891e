"""The first contact: /start without an invite, and /help."""

from __future__ import annotations

from bot.demo.director import Director


async def basics_scene(demo: Director) -> None:
    demo.transcript.heading("First contact: /start without an invite, and /help")
    await demo.say(demo.patient, "/start")
    await demo.say(demo.patient, "/help")
