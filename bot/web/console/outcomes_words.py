"""How the outcomes page words its figures: numbers, rates, waits and offsets in the reader's language.

Texts are ``outcomes.*`` (``messages/locales/*/outcomes.yaml``), already
HTML-escaped by ``messages.render`` and so handed to Jinja as ``Markup``.
Numbers go through Babel (``5.5`` in English is ``5,5`` in Spanish); figures
are shown to one decimal, which is as precise as a 0-10 answer deserves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from markupsafe import Markup

from bot.domain.durations import DurationError, IsoDuration
from bot.domain.periods import Period
from bot.outcomes.figures import Offset, Rate
from bot.outcomes.queries import Spread
from bot.web.console.page import Texts
from bot.web.console.preview import describe


class OutcomeWords:
    """The page's phrasing helper, passed to the template as ``o``."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.language = texts.language

    def t(self, key: str, **params: Any) -> Markup:
        return Markup(self.texts.svc.text(f"outcomes.{key}", self.language, self.texts.clinic, **params))

    def number(self, value: float | None) -> str:
        if value is None:
            return str(self.t("no_value"))
        return format_decimal(round(value, 1), format="#,##0.#", locale=self.language)

    def spread(self, spread: Spread | None) -> Markup:
        if spread is None:
            return self.t("no_value")
        return self.t("spread", median=self.number(spread.median), q1=self.number(spread.q1),
                      q3=self.number(spread.q3))

    def answers(self, count: int) -> Markup:
        return self.t("answers", count=count)

    def rate(self, rate: Rate) -> Markup:
        if rate.percent is None:
            return self.t("rate_none")
        percent = format_percent(rate.percent / 100, format="#,##0%", locale=self.language)
        return self.t("rate", answered=rate.answered, sent=rate.sent, percent=percent)

    def wait(self, seconds: float | None) -> str:
        """A time to acknowledge: seconds under two minutes, minutes under two hours, else hours."""
        if seconds is None:
            return str(self.t("no_value"))
        if seconds < 120:
            return format_unit(round(seconds), "duration-second", length="short", locale=self.language)
        if seconds < 7200:
            return format_unit(round(seconds / 60), "duration-minute", length="short", locale=self.language)
        return format_unit(round(seconds / 3600, 1), "duration-hour", length="short", locale=self.language)

    def offset(self, text: str) -> str:
        """``P6W`` -> "6 weeks"; an offset that does not parse (old data) as stored."""
        try:
            return describe(IsoDuration.parse(text), self.language)
        except DurationError:
            return text

    def column(self, item: Offset) -> Markup | str:
        """A check-in offset as a column heading: "Day 3 · 3 days" ("Day 0 · 6 hours")."""
        if item.day is None:
            return item.offset
        return self.t("day", day=item.day, after=self.offset(item.offset))

    def day(self, value: date) -> str:
        return format_date(value, format="medium", locale=self.language)

    def period(self, period: Period) -> Markup:
        if period.since and period.until:
            return self.t("period_between", since=self.day(period.since), until=self.day(period.until))
        if period.since:
            return self.t("period_since", since=self.day(period.since))
        if period.until:
            return self.t("period_until", until=self.day(period.until))
        return self.t("period_all")
