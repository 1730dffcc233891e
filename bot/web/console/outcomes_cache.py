"""The figures an outcomes page just computed, kept briefly for its chart images.

A page shows up to two charts per area, and the browser asks for each right
after the page. Computing the figures again for every image would read all
of a large clinic's check-ins six more times; instead each image reuses the
figures of the page it belongs to (same clinic, area filter and dates) for
``TTL`` seconds, so the charts also show exactly what the table under them
says. An image asked for on its own (a bookmark, after the TTL) computes its
area's figures and keeps them the same way. One cache per console app, a
handful of entries, nothing written anywhere.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field

from aiohttp import web

from bot.domain.periods import Period
from bot.outcomes.figures import AreaOutcomes, ClinicOutcomes

TTL = 120.0
ENTRIES = 32
Key = tuple[str, str | None, Period]  # clinic, area filter (None: all), period


@dataclass
class FiguresCache:
    ttl: float = TTL
    entries: int = ENTRIES
    _items: OrderedDict[Key, tuple[float, ClinicOutcomes]] = field(default_factory=OrderedDict)

    def put(self, key: Key, figures: ClinicOutcomes) -> None:
        self._items[key] = (time.monotonic() + self.ttl, figures)
        self._items.move_to_end(key)
        while len(self._items) > self.entries:
            self._items.popitem(last=False)

    def get(self, key: Key) -> ClinicOutcomes | None:
        found = self._items.get(key)
        if found is None:
            return None
        expires, figures = found
        if time.monotonic() > expires:
            del self._items[key]
            return None
        return figures

    def area(self, clinic_id: str, area: str, period: Period) -> AreaOutcomes | None:
        """One area's figures from a page of all areas or of that area alone, if one was shown lately."""
        for key in ((clinic_id, None, period), (clinic_id, area, period)):
            figures = self.get(key)
            found = next((item for item in figures.areas if item.area == area), None) if figures else None
            if found is not None:
                return found
        return None


CACHE = web.AppKey("aftercare.outcomes_figures", FiguresCache)


def attach(console: web.Application) -> None:
    """Give the console app its cache (called while its routes are set up)."""
    console[CACHE] = FiguresCache()
