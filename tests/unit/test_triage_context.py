"""Context decides whether a sign counts (ConText): negation, time, who it happens to, hypothesis, doubt.

Each row is a patient message, the signs that must count, and what must be
said of the mention: negated or resolved, past and over, hypothetical (then
the patient is given the clinic's when-to-call guidance), someone else's, or
doubtful (the bot escalates and asks). Both languages, cues next to the sign
and further away, and the words that end a cue's reach.
"""

from __future__ import annotations

import pytest

from bot.domain.triage import Level, Report, Sign, triage
from bot.domain.triage_context import Decision
from bot.domain.triage_text import read_text

F, H, R, P, N = Sign.FEVER, Sign.HOT_SITE, Sign.SPREADING_REDNESS, Sign.PUS, Sign.NUMBNESS
A, C, FAINT = Sign.ALLERGIC_REACTION, Sign.CHEST_PAIN, Sign.FAINTING


def counted(text: str, language: str = "en") -> set[Sign]:
    return {f.sign for f in read_text(text, language).findings}


def decisions(text: str, language: str = "en") -> set[Decision]:
    return {m.decision for m in read_text(text, language).mentions}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("no fever", "en"),
        ("I don't think I have a fever", "en"),
        ("the warmth around the needle mark went away", "en"),
        ("the heat around the needle mark has gone down", "en"),
        ("the redness I told you about yesterday is completely gone", "en"),
        ("the knee was warm yesterday but it's back to normal today", "en"),
        ("tingling in my foot stopped after an hour or so", "en"),
        ("fever? nope. pus? nope. all good", "en"),
        ("tenía la rodilla caliente pero ya no", "es"),
        ("ya se me quitó la fiebre", "es"),
        ("el hormigueo se me quitó a la hora", "es"),
        ("no está caliente ni roja, solo me molesta", "es"),
        ("ayer la tenía caliente, hoy ya no", "es"),
    ],
)
def test_negated_or_resolved_is_not_a_sign(text: str, language: str) -> None:
    assert counted(text, language) == set()
    assert decisions(text, language) <= {Decision.NEGATED, Decision.RESOLVED}


@pytest.mark.parametrize(
    ("text", "language", "kept"),
    [
        ("no fever but the knee is hot", "en", {H}),
        ("no fever and my knee is hot", "en", {H}),
        ("no fever, can't breathe", "en", {A}),
        ("the fever went away but now there is pus", "en", {P}),
        ("sin fiebre pero la rodilla está caliente", "es", {H}),
        ("no tengo fiebre, pero me ahogo", "es", {C}),
    ],
)
def test_negation_stops_at_contrast_and_clause_ends(text: str, language: str, kept: set[Sign]) -> None:
    assert counted(text, language) == kept


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I had a fever back in March", "en"),
        ("a fever last winter", "en"),
        ("had hives from penicillin as a kid, just fyi", "en"),
        ("years ago I had numbness in this hand from carpal tunnel, it's been fine since", "en"),
        ("tuve un desmayo hace años", "es"),
        ("me desmayé una vez hace como diez años", "es"),
    ],
)
def test_past_and_over_is_not_a_sign(text: str, language: str) -> None:
    assert counted(text, language) == set()
    assert Decision.HISTORICAL in decisions(text, language) or Decision.RESOLVED in decisions(text, language)


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("feverish since this morning", "en", F),
        ("I've had chills since the injection", "en", F),
        ("I had a fever last winter and I still have one now", "en", F),
        ("desde ayer tengo fiebre", "es", F),
        ("todavía tengo escalofríos", "es", F),
    ],
)
def test_ongoing_is_a_sign(text: str, language: str, sign: Sign) -> None:
    assert sign in counted(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("should I call if it gets hot?", "en"),
        ("what should I do if I get a fever?", "en"),
        ("if my throat ever swells up what do i do", "en"),
        ("what temperature counts as a fever?", "en"),
        ("¿a qué número llamo si tengo fiebre?", "es"),
        ("si se pone roja, ¿os llamo?", "es"),
        ("que señales de infección tengo que vigilar?", "es"),
    ],
)
def test_hypothetical_is_no_alert_but_asks_when_to_call(text: str, language: str) -> None:
    result = triage(Report(text=text, language=language))
    assert result.level is Level.OK and result.signs == ()
    assert result.asks_when_to_call


def test_spanish_si_without_a_question_is_not_a_condition() -> None:
    """Folded accents make "sí" (yes) and "si" (if) one word: an unasked "si tengo fiebre" escalates."""
    assert counted("si tengo fiebre", "es") == {F}
    assert counted("sí, tengo fiebre", "es") == {F}


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("is pus normal after this?", "en", P),
        ("is it bad if it's red?", "en", R),
        ("is it normal to have chills the day after?", "en", F),
        ("¿es normal que salga pus?", "es", P),
        ("¿es normal que se me duerman los dedos?", "es", N),
    ],
)
def test_a_question_about_now_is_a_report_and_the_bot_asks(text: str, language: str, sign: Sign) -> None:
    result = triage(Report(text=text, language=language))
    assert sign in result.signs and result.escalates
    assert result.needs_follow_up and not result.asks_when_to_call


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my daughter had chills at the weekend", "en"),
        ("my son had a temperature of 39 last week", "en"),
        ("my husband fainted at a wedding years ago, can he still get prolo too?", "en"),
        ("mi marido tuvo fiebre la semana pasada", "es"),
    ],
)
def test_someone_elses_past_illness_is_not_a_sign(text: str, language: str) -> None:
    assert counted(text, language) == set()
    assert Decision.OTHER_PERSON in decisions(text, language)


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("my husband just fainted next to me", "en", FAINT),
        ("my wife had her injection on Monday and she's just collapsed in the kitchen", "en", FAINT),
        ("mi hija no puede respirar bien, ayuda", "es", A),
        ("mi madre se acaba de desmayar", "es", FAINT),
    ],
)
def test_someone_with_the_patient_now_with_an_emergency_gets_the_emergency_answer(
    text: str, language: str, sign: Sign
) -> None:
    result = triage(Report(text=text, language=language))
    assert result.level is Level.EMERGENCY and sign in result.signs
    assert Decision.OTHER_PERSON_NOW in {m.decision for m in result.mentions}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("my throat is sore and the knee is quite swollen", "en"),
        ("me duele la garganta y la rodilla está hinchada", "es"),
        ("my chest of drawers fell on my foot", "en"),
    ],
)
def test_a_body_zone_never_borrows_another_parts_words(text: str, language: str) -> None:
    """A sore throat and a swollen knee are not a swollen throat."""
    assert triage(Report(text=text, language=language)).level is not Level.EMERGENCY


def test_someone_else_does_not_take_the_patients_own_signs() -> None:
    assert counted("my wife says my knee is hot") == {H}
    assert counted("my husband thinks I have a fever") == {F}


def test_unclear_recent_past_escalates_and_asks() -> None:
    result = triage(Report(text="i had chills last night"))
    assert result.level is Level.URGENT and result.needs_follow_up


def test_every_mention_says_what_its_context_made_of_it() -> None:
    reading = read_text("no fever, but I had chills back in March. Now the knee is hot")
    by_sign = {(m.sign, m.decision) for m in reading.mentions}
    assert (F, Decision.NEGATED) in by_sign and (F, Decision.HISTORICAL) in by_sign
    assert (H, Decision.PRESENT) in by_sign
    negated = next(m for m in reading.mentions if m.decision is Decision.NEGATED)
    assert ("no", "negated") in negated.cues
