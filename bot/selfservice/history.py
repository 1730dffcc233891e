"""``/history``: the sessions and check-ins so far, and a chart of soreness and swelling.

The text lists every session and the latest check-ins (older ones are
counted, not listed, so the message stays within Telegram's 4096 characters
whatever the patient wrote in their notes). The chart is drawn in a worker
thread (matplotlib is CPU work) and sent as a photo.
"""

from __future__ import annotations

import asyncio
import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core.charts import ChartData, ChartLabels, ChartPoint, SessionMark, render_chart, swelling_score
from bot.core.models import CheckIn, TreatmentSession
from bot.selfservice import queries as store
from bot.selfservice.support import Ask, answers_text, enrolled, reply
from messages.render import Safe

MAX_CHECKIN_LINES = 12
TELEGRAM_LIMIT = 4096


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ask = await enrolled(update, context)
    if ask is None or ask.patient is None or ask.patient.id is None:
        return
    async with ask.svc.db.session() as session:
        overview = await store.overview(session, ask.patient.id)
        answered = await store.answered_check_ins(session, ask.patient.id)
    await reply(ask, history_text(ask, overview, answered))
    data = chart_data(ask, overview.sessions, answered)
    if not any(p.soreness is not None or p.swelling is not None for p in data.points):
        await reply(ask, ask.t("history_no_chart"))
        return
    image = await asyncio.to_thread(render_chart, data)
    await context.bot.send_photo(ask.chat_id, image.png, caption=ask.t("history_chart_caption"),
                                 parse_mode=ParseMode.HTML)


def history_text(ask: Ask, overview: store.Overview, answered: list[CheckIn]) -> str:
    """Sessions, then the newest check-ins; trimmed from the oldest until it fits one message."""
    head = [_title(ask, overview), "", ask.t("history_sessions"), *_session_lines(ask, overview.sessions),
            "", ask.t("history_checkins")]
    if not answered:
        return "\n".join([*head, ask.t("history_no_checkins")])
    shown = answered[-MAX_CHECKIN_LINES:]
    while True:
        lines = [ask.t("history_checkin_line", when=ask.when(store.answered_at(c)), answers=answers_text(ask, c))
                 for c in shown]
        earlier = len(answered) - len(shown)
        more = [ask.t("history_more", count=earlier)] if earlier else []
        text = "\n".join([*head, *more, *lines])
        if len(text) <= TELEGRAM_LIMIT or len(shown) <= 1:
            return text
        shown = shown[1:]


def _title(ask: Ask, overview: store.Overview) -> str:
    area = overview.course.area if overview.course else ""
    if ask.clinic is not None and area in ask.clinic.protocols:
        area = ask.clinic.area_name(area, ask.language)
    return ask.t("history_title", area=area)


def _session_lines(ask: Ask, sessions: list[TreatmentSession]) -> list[str]:
    if not sessions:
        return [ask.t("history_no_sessions")]
    return [ask.t("history_session_line", number=s.number, when=ask.when(s.done_at or s.scheduled_at),
                  state=Safe(ask.t(f"session_{s.status}"))) for s in sessions]


def chart_data(ask: Ask, sessions: list[TreatmentSession], answered: list[CheckIn]) -> ChartData:
    """Plain chart input: the answers and the sessions that were given (done)."""
    points = [ChartPoint(store.answered_at(c), c.soreness, swelling_score(c.swelling)) for c in answered]
    marks = [SessionMark(s.done_at or s.scheduled_at, s.number) for s in sessions if s.status == "done"]
    def plain(key: str) -> str:
        return html.unescape(ask.t(key, number="{number}"))

    labels = ChartLabels(
        title=plain("chart_title"), soreness=plain("chart_soreness"), swelling=plain("chart_swelling"),
        swelling_levels=(plain("swelling_none"), plain("swelling_mild"), plain("swelling_moderate"),
                         plain("swelling_severe")),
        session=plain("chart_session"),
    )
    return ChartData(points, marks, ask.tz, ask.language, labels)
