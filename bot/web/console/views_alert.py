"""One alert: ``GET /console/alerts/<id>`` and its forms Take, Add a note, Resolve.

The page shows what the patient reported in their own words, what the bot
told them, the level and time, and the alert's whole history; the forms run
``bot.checkins.alert_handling``, the same operations as the staff chat's
buttons, so the audit events are the same (``channel=console``) and the
alert's posts in the staff chat are edited to the new state afterwards.

A refused form (someone else took it first, it is resolved already, an empty
note, no outcome) comes back with status 400 and the reason beside that form,
with what was typed kept; success redirects to the page with a notice
(post/redirect/get). Viewers never reach the forms: ``staff_only`` refuses
their POSTs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from markupsafe import Markup
from multidict import MultiMapping

from bot.checkins import alert_handling as handling
from bot.checkins import alert_queries as alerts
from bot.checkins import alert_texts
from bot.checkins.alert_handlers import refresh_posts
from bot.checkins.alert_handling import HandlingError, Staffer
from bot.core.models import AlertOutcome
from bot.web.console import alert_data
from bot.web.console.page import Console, message_page, see_other, staff_only
from bot.web.console.views_patient import FormState

Form = MultiMapping[str | Any]
OUTCOMES = tuple(AlertOutcome)


def _alert_id(console: Console) -> int:
    return int(console.request.match_info["alert_id"])


def _not_found(console: Console) -> web.Response:
    return message_page(console.request, 404, "alert_unknown_title", "alert_unknown_body", texts=console)


async def show_alert(console: Console, alert_id: int, status: int = 200,
                     form: FormState | None = None) -> web.Response:
    async with console.svc.db.session() as session:
        page = await alert_data.alert_page(session, console.home_clinic.id, alert_id)
        if page is not None:
            console.record(session, "console_alert_viewed", patient_label=page.label, alert=alert_id)
    if page is None:
        return _not_found(console)
    told = Markup(alert_texts.patient_text(console.svc, console.home_clinic, page.patient_language,
                                           page.alert.level))
    return console.render("alert.html", status=status, nav="today", page=page, told=told,
                          outcomes=OUTCOMES, form=form or FormState())


@staff_only
async def alert_page(console: Console) -> web.StreamResponse:
    return await show_alert(console, _alert_id(console))


def _staffer(console: Console) -> Staffer:
    name = console.staff_session.name or str(console.t("someone_on_staff"))
    return Staffer(console.staff_session.staff_user_id, name, "console")


async def _take(console: Console, form: Form) -> str:
    async with console.svc.db.session() as session:
        alert = await alerts.get(session, _alert_id(console))
        if alert is None:
            raise web.HTTPNotFound()
        await handling.take(session, alert, _staffer(console), console.now)
    return console.t("alert_taken_notice")


async def _note(console: Console, form: Form) -> str:
    async with console.svc.db.session() as session:
        alert = await alerts.get(session, _alert_id(console))
        if alert is None:
            raise web.HTTPNotFound()
        await handling.add_note(session, alert, _staffer(console), handling.note_of(form.get("note")), console.now)
    return console.t("alert_note_notice")


async def _resolve(console: Console, form: Form) -> str:
    outcome = handling.outcome_of(form.get("outcome"))
    async with console.svc.db.session() as session:
        alert = await alerts.get(session, _alert_id(console))
        if alert is None:
            raise web.HTTPNotFound()
        await handling.resolve(session, alert, _staffer(console), outcome, handling.note_of(form.get("note")),
                               console.now)
    return console.t("alert_resolved_notice")


ACTIONS = {"take": _take, "note": _note, "resolve": _resolve}


@staff_only
async def alert_action(console: Console) -> web.StreamResponse:
    """Take, note or resolve an alert of this clinic; another clinic's alert is simply not found."""
    name = console.request.match_info["action"]
    action = ACTIONS.get(name)
    alert_id = _alert_id(console)
    form = await console.request.post()
    if action is None:
        raise web.HTTPNotFound()
    async with console.svc.db.session() as session:
        alert = await alerts.get(session, alert_id)
    if alert is None or alert.clinic_id != console.home_clinic.id:
        return _not_found(console)
    try:
        notice = await action(console, form)
    except HandlingError as error:
        await console.audit("console_action_refused", level="warning", action=f"alert_{name}", reason=error.key,
                            alert=alert_id)
        typed = {"note": handling.note_of(form.get("note")), "outcome": str(form.get("outcome") or "")}
        return await show_alert(console, alert_id, status=400, form=FormState(name, _error(console, error), typed))
    console.notice(notice)
    _refresh_later(console, alert_id)
    return see_other(f"/console/alerts/{alert_id}")


def _error(console: Console, error: HandlingError) -> str:
    params = {"name": "–", **error.params}
    return str(Markup(console.svc.text(f"alerts.{error.key}", console.language, console.home_clinic, **params)))


def _refresh_later(console: Console, alert_id: int) -> None:
    """Edit the staff chat's posts after the response: a slow Bot API never holds the page."""
    application = console.state.ctx.application
    application.create_task(refresh_posts(console.svc, application.bot, alert_id), name=f"console-alert-{alert_id}")
