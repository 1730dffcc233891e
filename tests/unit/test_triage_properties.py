"""Properties of triage that must hold for any input (hypothesis)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.triage import CHECKLIST_SIGNS, Level, Report, Sign, Swelling, triage

EMERGENCY_PHRASES = (
    "I can't breathe",
    "my lips and tongue are swelling",
    "hives all over my body",
    "chest pain",
    "short of breath",
    "no puedo respirar",
    "dolor en el pecho",
    "se me hincha la cara",
    "urticaria",
)
URGENT_PHRASES = ("fever 38.6", "pus is coming out", "red streaks up my leg", "my foot is numb", "fiebre")
SEPARATORS = ("\n", ". ", "! ", "\n\n")

texts = st.text(max_size=200) | st.lists(
    st.sampled_from(
        [
            *("no", "not", "never", "fever", "red", "hot", "pus", "numb", "but", "pero", "sin", "ni"),
            *(",", ".", "?", "!", ":", "-", "knee", "rodilla", "38", "39.5", "101", "F", "C", "/10"),
            *("8", "worse", "better", "gone", "some", "maybe", "I", "don't", "have", "a", "is"),
            *("the", "y", "o", "or", "and"),
        ]
    ),
    max_size=25,
).map(" ".join)

reports = st.builds(
    Report,
    soreness=st.none() | st.integers(0, 10),
    swelling=st.none() | st.sampled_from(Swelling),
    checked=st.frozensets(st.sampled_from(CHECKLIST_SIGNS), max_size=3),
    text=st.none() | texts,
    language=st.sampled_from(["en", "es"]),
    hours_since_injection=st.none() | st.floats(0, 24 * 30),
    previous_soreness=st.none() | st.integers(0, 10),
    temperature_celsius=st.none() | st.floats(34, 42),
)


@given(texts, st.sampled_from(EMERGENCY_PHRASES), st.sampled_from(SEPARATORS))
def test_an_emergency_sentence_is_never_lost(text: str, phrase: str, sep: str) -> None:
    before = triage(Report(text=text)).level
    after = triage(Report(text=text + sep + phrase)).level
    first = triage(Report(text=phrase + sep + text)).level
    assert after is Level.EMERGENCY
    assert first is Level.EMERGENCY
    assert after.rank >= before.rank


@given(texts, st.sampled_from(URGENT_PHRASES), st.sampled_from(SEPARATORS))
def test_an_urgent_sentence_never_lowers_the_level(text: str, phrase: str, sep: str) -> None:
    before = triage(Report(text=text)).level
    after = triage(Report(text=text + sep + phrase)).level
    assert after.at_least(Level.URGENT)
    assert after.rank >= before.rank


@given(reports, st.integers(0, 9))
def test_level_is_monotonic_in_soreness(report: Report, soreness: int) -> None:
    lower = triage(_replace(report, soreness=soreness)).level
    higher = triage(_replace(report, soreness=soreness + 1)).level
    assert higher.rank >= lower.rank


@given(reports, st.sampled_from(CHECKLIST_SIGNS))
def test_ticking_a_red_flag_never_lowers_the_level(report: Report, sign: Sign) -> None:
    """Adding a ticked sign keeps the level, and reaches at least that sign's own level."""
    before = triage(report).level
    alone = triage(Report(checked=frozenset({sign}), hours_since_injection=report.hours_since_injection))
    after = triage(_replace(report, checked=report.checked | {sign})).level
    assert after.rank >= max(before.rank, alone.level.rank)
    assert alone.level.at_least(Level.WATCH)


@given(reports)
def test_result_is_consistent(report: Report) -> None:
    result = triage(report)
    assert result.level is Level.highest(s.level for s in result.signs)
    assert set(result.doubtful_signs) <= set(result.signs)
    assert result.needs_follow_up == bool(result.doubtful_signs)
    assert len(set(result.signs)) == len(result.signs)


@settings(max_examples=50)
@given(st.text(min_size=1, max_size=3000))
def test_any_unicode_is_read_quickly(text: str) -> None:
    started = time.perf_counter()
    triage(Report(text=text))
    assert time.perf_counter() - started < 1.0


def _replace(report: Report, **changes: object) -> Report:
    fields = {name: getattr(report, name) for name in report.__dataclass_fields__}
    fields.update(changes)
    return Report(**fields)
