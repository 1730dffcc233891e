"""Self-service: /status, /history with its chart, /pause and /resume in English, then /language to Spanish.

Runs after the check-in scene and uses the patient and answers it left.
"""

from __future__ import annotations

from bot.demo.director import Director


async def selfservice_scene(demo: Director) -> None:
    demo.transcript.heading("Self-service: /status, /history, /pause and /resume, then /language (Spanish)")
    patient = demo.patient
    await demo.say(patient, "/status", expect="Next session")
    await demo.say(patient, "/history", expect=lambda m: m.kind == "photo")
    await demo.say(patient, "/pause", expect="For how long")
    await demo.press(patient, "3 days", expect="Paused until")
    await demo.say(patient, "/status", expect="paused")
    await demo.say(patient, "/resume", expect="Welcome back")
    await demo.say(patient, "/language", expect="Choose your language")
    await demo.press(patient, "Español", expect="español")
    await demo.say(patient, "/status", expect="Próxima sesión")
