"""Clinic staff in their staff chat: /invite with a QR code, /patients, /patient with the chart, /alerts.

Runs after the check-in scene, on the patient it left (``R-0001``). Marking
sessions done (``/done``) is shown in the course scene, on each session day.
"""

from __future__ import annotations

from bot.core import patients
from bot.demo.director import Director


async def staff_scene(demo: Director) -> None:
    demo.transcript.heading("Clinic staff: /invite with a QR code, /patients, /patient with the chart, /alerts")
    async with demo.services.db.session() as session:
        patient = await patients.current_for_user(session, demo.patient.id)
    label = patient.label if patient is not None else "R-0001"
    await demo.say(demo.staff, "/invite knee", chat=demo.staff_chat, expect=lambda m: m.kind == "photo")
    await demo.say(demo.staff, "/patients", chat=demo.staff_chat, expect="Patients ·")
    await demo.say(demo.staff, f"/patient {label}", chat=demo.staff_chat, expect=lambda m: m.kind == "photo")
    await demo.say(demo.staff, "/alerts", chat=demo.staff_chat)
