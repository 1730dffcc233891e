"""The vocabulary of triage: levels and signs, shared by the rules and the text reader.

Kept apart from ``triage`` so that the free-text reader (``triage_text``) and the
answer rules can both name signs without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Level(StrEnum):
    """docs/CLINICAL.md triage levels, lowest first. Compare with ``rank``, never as strings."""

    OK = "ok"
    WATCH = "watch"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        """0 for ok up to 3 for emergency: the order "highest level wins" uses."""
        return _LEVEL_ORDER.index(self)

    @classmethod
    def highest(cls, levels: Iterable[Level]) -> Level:
        """The most serious of ``levels``; ``OK`` when there are none."""
        return max(levels, key=lambda level: level.rank, default=cls.OK)

    def at_least(self, other: Level) -> bool:
        return self.rank >= other.rank


_LEVEL_ORDER = (Level.OK, Level.WATCH, Level.URGENT, Level.EMERGENCY)


class Sign(StrEnum):
    """Why a level was given. Values are stable identifiers (stored, sent as JSON)."""

    # emergency (docs/CLINICAL.md red flags)
    ALLERGIC_REACTION = "allergic_reaction"
    CHEST_PAIN = "chest_pain"
    FAINTING = "fainting"
    # urgent (docs/CLINICAL.md red flags)
    FEVER = "fever"
    SPREADING_REDNESS = "spreading_redness"
    HOT_SITE = "hot_site"
    PUS = "pus"
    WORSENING_AFTER_72H = "worsening_after_72h"
    SEVERE_SWELLING = "severe_swelling"
    NUMBNESS = "numbness"
    SUSPECTED_INFECTION = "suspected_infection"
    # watch (more than expected, no red flag)
    HIGH_SORENESS_EARLY = "high_soreness_early"
    HIGH_SORENESS = "high_soreness"
    SORENESS_DAY7 = "soreness_day7"
    MODERATE_SWELLING = "moderate_swelling"
    NOT_EASING = "not_easing"
    WORSENING_EARLY = "worsening_early"
    LOW_GRADE_FEVER = "low_grade_fever"
    DIZZINESS = "dizziness"
    RACING_HEART = "racing_heart"
    GROWING_BRUISE = "growing_bruise"
    VAGUE_WORRY = "vague_worry"

    @property
    def level(self) -> Level:
        return SIGN_LEVEL[self]


SIGN_LEVEL: dict[Sign, Level] = {
    Sign.ALLERGIC_REACTION: Level.EMERGENCY,
    Sign.CHEST_PAIN: Level.EMERGENCY,
    Sign.FAINTING: Level.EMERGENCY,
    Sign.FEVER: Level.URGENT,
    Sign.SPREADING_REDNESS: Level.URGENT,
    Sign.HOT_SITE: Level.URGENT,
    Sign.PUS: Level.URGENT,
    Sign.WORSENING_AFTER_72H: Level.URGENT,
    Sign.SEVERE_SWELLING: Level.URGENT,
    Sign.NUMBNESS: Level.URGENT,
    Sign.SUSPECTED_INFECTION: Level.URGENT,
    Sign.HIGH_SORENESS_EARLY: Level.WATCH,
    Sign.HIGH_SORENESS: Level.WATCH,
    Sign.SORENESS_DAY7: Level.WATCH,
    Sign.MODERATE_SWELLING: Level.WATCH,
    Sign.NOT_EASING: Level.WATCH,
    Sign.WORSENING_EARLY: Level.WATCH,
    Sign.LOW_GRADE_FEVER: Level.WATCH,
    Sign.DIZZINESS: Level.WATCH,
    Sign.RACING_HEART: Level.WATCH,
    Sign.GROWING_BRUISE: Level.WATCH,
    Sign.VAGUE_WORRY: Level.WATCH,
}

CHECKLIST_SIGNS: tuple[Sign, ...] = (
    Sign.FEVER,
    Sign.SPREADING_REDNESS,
    Sign.HOT_SITE,
    Sign.PUS,
    Sign.WORSENING_AFTER_72H,
    Sign.NUMBNESS,
    Sign.ALLERGIC_REACTION,
    Sign.CHEST_PAIN,
    Sign.FAINTING,
)
"""The red-flag checklist a patient toggles in a check-in, in the order it is shown."""


def sort_signs(signs: Iterable[Sign]) -> tuple[Sign, ...]:
    """Most serious first, then declaration order: staff read the worst sign first."""
    order = list(Sign)
    return tuple(sorted(set(signs), key=lambda s: (-s.level.rank, order.index(s))))
