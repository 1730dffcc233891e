"""Today: what needs a person now, on one page.

Open alerts first (emergencies, then urgent, then watch; each with
Acknowledge and a link to its page, ``views_alert``), then check-ins answered today with their triage level, the
check-ins still waiting for an answer since yesterday, and the sessions of
today and tomorrow. Everything is on the clinic's clock.

Acknowledging here is the same act as the staff chat's button: the same
conditional UPDATE (the first of two staff wins), the same cancelled
re-alerts, the same ``alert_acknowledged`` audit event, and the alert's posts
in the staff chat are edited to say who took it, so nobody there picks it up
twice.

The page is live (``views_events``, ``static/live.js``): new alerts and the
count in the window title arrive without a reload; without JavaScript the
page reloads itself every minute instead.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.checkins import alert_handling as handling
from bot.checkins import alert_queries as alerts
from bot.checkins.alert_handlers import refresh_posts
from bot.checkins.alert_handling import Staffer
from bot.core.models import Patient
from bot.web.console import today_data
from bot.web.console.live_feed import Mark
from bot.web.console.page import Console, known_path, message_page, script, see_other, staff_only
from bot.web.console.views_events import window_title


@staff_only
async def today_page(console: Console) -> web.StreamResponse:
    clinic = console.home_clinic
    async with console.svc.db.session() as session:
        data = await today_data.today(session, clinic.id, clinic.tz, console.now)
        console.record(session, "console_today_viewed", alerts=len(data.alerts), sessions=len(data.sessions))
    today = [s for s in data.sessions if s.at.astimezone(clinic.tz).date() == data.day]
    tomorrow = [s for s in data.sessions if s.at.astimezone(clinic.tz).date() != data.day]
    return console.render("today.html", nav="today", data=data, today_sessions=today,
                          tomorrow_sessions=tomorrow, tomorrow=data.day + timedelta(days=1),
                          window_title=window_title(console, len(data.alerts)), mark=Mark.of(data.alerts).token,
                          script=script(console.request, "live.js"))


@staff_only
async def acknowledge(console: Console) -> web.StreamResponse:
    """Take an alert of this clinic; another clinic's alert id is simply not found."""
    alert_id = int(console.request.match_info["alert_id"])
    back = known_path((await console.request.post()).get("back"))  # read before anything is saved
    now = console.now
    async with console.svc.db.session() as session:
        alert = await alerts.get(session, alert_id)
        if alert is None or alert.clinic_id != console.home_clinic.id:
            return message_page(console.request, 404, "alert_unknown_title", "alert_unknown_body", texts=console)
        patient = await session.get(Patient, alert.patient_id)
        label = patient.label if patient is not None else "–"
        name = console.staff_session.name or str(console.t("someone_on_staff"))
        won = await handling.acknowledge(session, alert, Staffer(console.staff_session.staff_user_id, name, "console"),
                                         now)
    if not won:
        console.notice(console.t("ack_already", label=label))
        return see_other(back)
    console.notice(console.t("ack_done", label=label))
    application = console.state.ctx.application
    application.create_task(refresh_posts(console.svc, application.bot, alert_id), name=f"console-ack-{alert_id}")
    return see_other(back)
