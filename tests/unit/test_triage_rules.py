"""Answer rules of docs/CLINICAL.md, row by row (bot.domain.triage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.clinic_config import Triage, load_clinics
from bot.domain.durations import IsoDuration
from bot.domain.triage import (
    CHECKLIST_SIGNS,
    SIGN_LEVEL,
    Level,
    Report,
    Sign,
    Swelling,
    Thresholds,
    describe,
    triage,
)

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "clinic.example.yaml"

# (id, report, expected level, expected signs): one row per line of the docs/CLINICAL.md tables.
ROWS: list[tuple[str, Report, Level, set[Sign]]] = [
    # expected course
    ("nothing-reported", Report(), Level.OK, set()),
    ("mild-soreness-day1", Report(soreness=4, swelling=Swelling.MILD, hours_since_injection=24), Level.OK, set()),
    ("no-swelling", Report(soreness=2, swelling=Swelling.NONE, hours_since_injection=6), Level.OK, set()),
    ("soreness-6-early", Report(soreness=6, hours_since_injection=30), Level.OK, set()),
    ("easing-by-day3", Report(soreness=4, previous_soreness=6, hours_since_injection=72), Level.OK, set()),
    ("day7-below", Report(soreness=6, hours_since_injection=168), Level.OK, set()),
    ("temp-below", Report(temperature_celsius=37.9), Level.OK, set()),
    # watch: soreness 7-10 in the first 72 h
    ("soreness-7-at-6h", Report(soreness=7, hours_since_injection=6), Level.WATCH, {Sign.HIGH_SORENESS_EARLY}),
    ("soreness-10-at-24h", Report(soreness=10, hours_since_injection=24), Level.WATCH, {Sign.HIGH_SORENESS_EARLY}),
    ("soreness-8-at-72h", Report(soreness=8, hours_since_injection=72), Level.WATCH, {Sign.HIGH_SORENESS_EARLY}),
    # watch: between the early window and day 7, still 7+ is more than expected
    ("soreness-8-day5", Report(soreness=8, hours_since_injection=120), Level.WATCH, {Sign.HIGH_SORENESS}),
    ("soreness-8-time-unknown", Report(soreness=8), Level.WATCH, {Sign.HIGH_SORENESS}),
    # watch: soreness 7 or more on day 7
    ("day7-soreness-7", Report(soreness=7, hours_since_injection=168), Level.WATCH, {Sign.SORENESS_DAY7}),
    ("day10-soreness-9", Report(soreness=9, hours_since_injection=240), Level.WATCH, {Sign.SORENESS_DAY7}),
    ("day7-dst-short", Report(soreness=7, hours_since_injection=167.5), Level.WATCH, {Sign.SORENESS_DAY7}),
    # watch: moderate swelling
    ("moderate-swelling", Report(swelling=Swelling.MODERATE), Level.WATCH, {Sign.MODERATE_SWELLING}),
    # watch: soreness not easing by day 3
    (
        "not-easing-day3",
        Report(soreness=5, previous_soreness=5, hours_since_injection=72),
        Level.WATCH,
        {Sign.NOT_EASING},
    ),
    (
        "rising-at-60h",
        Report(soreness=6, previous_soreness=4, hours_since_injection=60),
        Level.WATCH,
        {Sign.NOT_EASING},
    ),
    ("rising-before-48h", Report(soreness=6, previous_soreness=3, hours_since_injection=30), Level.OK, set()),
    ("zero-stays-zero", Report(soreness=0, previous_soreness=0, hours_since_injection=72), Level.OK, set()),
    # watch: "worse" inside the early window (pain still peaks then)
    (
        "worse-ticked-day1",
        Report(checked=frozenset({Sign.WORSENING_AFTER_72H}), hours_since_injection=24),
        Level.WATCH,
        {Sign.WORSENING_EARLY},
    ),
    # urgent red flags
    ("temp-38", Report(temperature_celsius=38.0), Level.URGENT, {Sign.FEVER}),
    ("temp-39.4", Report(temperature_celsius=39.4), Level.URGENT, {Sign.FEVER}),
    ("fever-ticked", Report(checked=frozenset({Sign.FEVER})), Level.URGENT, {Sign.FEVER}),
    ("redness-ticked", Report(checked=frozenset({Sign.SPREADING_REDNESS})), Level.URGENT, {Sign.SPREADING_REDNESS}),
    ("hot-ticked", Report(checked=frozenset({Sign.HOT_SITE})), Level.URGENT, {Sign.HOT_SITE}),
    ("pus-ticked", Report(checked=frozenset({Sign.PUS})), Level.URGENT, {Sign.PUS}),
    (
        "worse-ticked-day4",
        Report(checked=frozenset({Sign.WORSENING_AFTER_72H}), hours_since_injection=96),
        Level.URGENT,
        {Sign.WORSENING_AFTER_72H},
    ),
    (
        "worse-ticked-time-unknown",
        Report(checked=frozenset({Sign.WORSENING_AFTER_72H})),
        Level.URGENT,
        {Sign.WORSENING_AFTER_72H},
    ),
    (
        "soreness-rising-day4",
        Report(soreness=6, previous_soreness=4, hours_since_injection=96),
        Level.URGENT,
        {Sign.WORSENING_AFTER_72H},
    ),
    ("severe-swelling", Report(swelling=Swelling.SEVERE), Level.URGENT, {Sign.SEVERE_SWELLING}),
    ("numbness-ticked", Report(checked=frozenset({Sign.NUMBNESS})), Level.URGENT, {Sign.NUMBNESS}),
    # emergency
    ("allergy-ticked", Report(checked=frozenset({Sign.ALLERGIC_REACTION})), Level.EMERGENCY, {Sign.ALLERGIC_REACTION}),
    ("chest-ticked", Report(checked=frozenset({Sign.CHEST_PAIN})), Level.EMERGENCY, {Sign.CHEST_PAIN}),
    # highest level wins
    (
        "moderate-and-fever",
        Report(swelling=Swelling.MODERATE, temperature_celsius=38.5),
        Level.URGENT,
        {Sign.MODERATE_SWELLING, Sign.FEVER},
    ),
    (
        "severe-and-chest",
        Report(swelling=Swelling.SEVERE, checked=frozenset({Sign.CHEST_PAIN}), soreness=9, hours_since_injection=12),
        Level.EMERGENCY,
        {Sign.SEVERE_SWELLING, Sign.CHEST_PAIN, Sign.HIGH_SORENESS_EARLY},
    ),
]


@pytest.mark.parametrize(("report", "level", "signs"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_answer_rules(report: Report, level: Level, signs: set[Sign]) -> None:
    result = triage(report)
    assert result.level is level
    assert set(result.signs) == signs
    assert not result.needs_follow_up


def test_every_checklist_sign_escalates_on_its_own() -> None:
    assert len(CHECKLIST_SIGNS) == 9
    for sign in CHECKLIST_SIGNS:
        result = triage(Report(checked=frozenset({sign}), hours_since_injection=100))
        assert result.level is SIGN_LEVEL[sign]
        assert result.level.at_least(Level.URGENT)
        assert result.escalates


def test_signs_are_listed_most_serious_first() -> None:
    report = Report(
        swelling=Swelling.MODERATE,
        checked=frozenset({Sign.PUS, Sign.ALLERGIC_REACTION}),
        soreness=8,
        hours_since_injection=10,
    )
    signs = triage(report).signs
    assert signs[0] is Sign.ALLERGIC_REACTION
    assert [s.level.rank for s in signs] == sorted((s.level.rank for s in signs), reverse=True)


def test_time_unknown_comparison_is_doubtful() -> None:
    """Without the hours, a rise cannot be placed before or after 72 h: escalate and ask."""
    result = triage(Report(soreness=6, previous_soreness=3))
    assert result.level is Level.URGENT
    assert result.doubtful_signs == (Sign.WORSENING_AFTER_72H,)
    assert result.needs_follow_up


def test_answers_and_text_combine() -> None:
    report = Report(soreness=3, text="actually it's more like 9/10", hours_since_injection=20)
    assert triage(report).signs == (Sign.HIGH_SORENESS_EARLY,)
    report = Report(checked=frozenset({Sign.FEVER}), text="temp 37.2, I feel feverish")
    assert triage(report).signs == (Sign.FEVER,)


def test_measured_temperature_overrides_the_word_fever_only_downwards_with_a_reading() -> None:
    assert triage(Report(text="slight fever", temperature_celsius=37.3)).signs == (Sign.LOW_GRADE_FEVER,)
    assert triage(Report(text="fever and chills", temperature_celsius=37.3)).signs == (Sign.FEVER,)
    assert triage(Report(text="fever", temperature_celsius=38.1)).signs == (Sign.FEVER,)


CUSTOM = Triage(fever_celsius=37.5, high_soreness=5, early_window=IsoDuration(days=2), day7_soreness=4)


@pytest.mark.parametrize(
    ("report", "level", "signs"),
    [
        (Report(temperature_celsius=37.6), Level.URGENT, {Sign.FEVER}),
        (Report(temperature_celsius=37.4), Level.OK, set()),
        (Report(text="99.6 F"), Level.URGENT, {Sign.FEVER}),
        (Report(soreness=5, hours_since_injection=24), Level.WATCH, {Sign.HIGH_SORENESS_EARLY}),
        (Report(soreness=4, hours_since_injection=24), Level.OK, set()),
        (Report(soreness=4, hours_since_injection=60), Level.WATCH, {Sign.HIGH_SORENESS}),
        (Report(soreness=4, hours_since_injection=170), Level.WATCH, {Sign.SORENESS_DAY7}),
        (Report(soreness=3, hours_since_injection=170), Level.OK, set()),
        (
            Report(checked=frozenset({Sign.WORSENING_AFTER_72H}), hours_since_injection=50),
            Level.URGENT,
            {Sign.WORSENING_AFTER_72H},
        ),
        (
            Report(checked=frozenset({Sign.WORSENING_AFTER_72H}), hours_since_injection=40),
            Level.WATCH,
            {Sign.WORSENING_EARLY},
        ),
    ],
)
def test_thresholds_from_clinic_config(report: Report, level: Level, signs: set[Sign]) -> None:
    thresholds = CUSTOM.thresholds()
    assert thresholds.early_window_hours == 48
    result = triage(report, thresholds)
    assert (result.level, set(result.signs)) == (level, signs)


def test_example_config_matches_clinical_defaults() -> None:
    registry = load_clinics(EXAMPLE_CONFIG)
    for clinic in registry:
        assert clinic.triage.thresholds() == Thresholds()


def test_report_rejects_impossible_answers() -> None:
    with pytest.raises(ValueError, match="soreness"):
        Report(soreness=11)
    with pytest.raises(ValueError, match="previous_soreness"):
        Report(previous_soreness=-1)
    with pytest.raises(ValueError, match="hours"):
        Report(hours_since_injection=-2)


def test_levels_are_ordered() -> None:
    assert [lvl.rank for lvl in Level] == [0, 1, 2, 3]
    assert Level.highest([Level.WATCH, Level.EMERGENCY, Level.OK]) is Level.EMERGENCY
    assert Level.highest([]) is Level.OK
    assert Level.URGENT.at_least(Level.WATCH) and not Level.WATCH.at_least(Level.URGENT)


def test_every_sign_has_a_level_and_a_label() -> None:
    for sign in Sign:
        assert sign.level is SIGN_LEVEL[sign]
        assert describe(sign)
    assert describe(Sign.FEVER) == "fever (temperature 38.0 C / 100.4 F or higher, or chills)"
    custom = CUSTOM.thresholds()
    assert "37.5 C / 99.5 F" in describe(Sign.FEVER, custom)
    assert "48 h" in describe(Sign.WORSENING_AFTER_72H, custom)


def test_the_clinic_reference_names_every_sign_with_its_level() -> None:
    """docs/TRIAGE.md is what a clinic reads: every sign the rules can give is in its table."""
    from pathlib import Path

    reference = (Path(__file__).resolve().parents[2] / "docs" / "TRIAGE.md").read_text(encoding="utf-8")
    for sign in Sign:
        assert f"| `{sign.value}` | {SIGN_LEVEL[sign].value} |" in reference, sign
