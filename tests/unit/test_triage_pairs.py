"""Highest level wins: every pair of signs in one sentence finds both, in both orders and both languages.

A lower sign must never hide a higher one ("my hand is numb and my tongue is
swelling" is an emergency), and no sign may consume the words another needs.
Each sign has one plain wording per language; every ordered pair is joined
with each of the language's joining words, and the result must hold both signs
at the higher of their two levels. The hours since the injection are past the
early window so that "getting worse" is the urgent sign.
"""

from __future__ import annotations

import itertools

import pytest

from bot.domain.triage import SIGN_LEVEL, Level, Report, Sign, triage

HOURS = 100.0

WORDINGS: dict[str, dict[Sign, str]] = {
    "en": {
        Sign.ALLERGIC_REACTION: "my tongue is swelling",
        Sign.CHEST_PAIN: "I have chest pain",
        Sign.FAINTING: "I fainted",
        Sign.FEVER: "I have a fever",
        Sign.SPREADING_REDNESS: "the redness is spreading",
        Sign.HOT_SITE: "the knee is hot to the touch",
        Sign.PUS: "there is pus coming out",
        Sign.WORSENING_AFTER_72H: "the pain is getting worse",
        Sign.SEVERE_SWELLING: "the knee is massively swollen",
        Sign.NUMBNESS: "my hand is numb",
        Sign.SUSPECTED_INFECTION: "I think it is infected",
        Sign.MODERATE_SWELLING: "the knee is quite swollen",
        Sign.NOT_EASING: "the soreness is not easing",
        Sign.DIZZINESS: "I feel dizzy",
        Sign.RACING_HEART: "my heart is racing",
        Sign.GROWING_BRUISE: "the bruise keeps growing",
        Sign.HIGH_SORENESS: "the pain is 8/10",
    },
    "es": {
        Sign.ALLERGIC_REACTION: "se me hincha la lengua",
        Sign.CHEST_PAIN: "tengo dolor en el pecho",
        Sign.FAINTING: "me desmayé",
        Sign.FEVER: "tengo fiebre",
        Sign.SPREADING_REDNESS: "el enrojecimiento se extiende",
        Sign.HOT_SITE: "la rodilla está caliente al tacto",
        Sign.PUS: "me sale pus",
        Sign.WORSENING_AFTER_72H: "el dolor está empeorando",
        Sign.SEVERE_SWELLING: "la rodilla está muy hinchada",
        Sign.NUMBNESS: "tengo la mano entumecida",
        Sign.SUSPECTED_INFECTION: "creo que está infectada",
        Sign.MODERATE_SWELLING: "la rodilla está bastante hinchada",
        Sign.NOT_EASING: "el dolor no mejora",
        Sign.DIZZINESS: "estoy mareada",
        Sign.RACING_HEART: "tengo palpitaciones",
        Sign.GROWING_BRUISE: "el moretón está creciendo",
        Sign.HIGH_SORENESS: "el dolor es de 8/10",
    },
}
JOINS = {"en": (" and ", ", "), "es": (" y ", ", ")}


def _read(text: str, language: str) -> tuple[Level, set[Sign]]:
    result = triage(Report(text=text, language=language, hours_since_injection=HOURS))
    return result.level, set(result.signs)


@pytest.mark.parametrize("language", sorted(WORDINGS))
def test_every_wording_alone_is_its_sign(language: str) -> None:
    for sign, text in WORDINGS[language].items():
        level, signs = _read(text, language)
        assert signs == {sign} and level is SIGN_LEVEL[sign], text


def test_the_table_covers_every_sign_free_text_can_name() -> None:
    """Signs not here come only from buttons, figures or a combination (tested on their own)."""
    not_from_a_phrase = {Sign.HIGH_SORENESS_EARLY, Sign.SORENESS_DAY7, Sign.WORSENING_EARLY,
                         Sign.LOW_GRADE_FEVER, Sign.VAGUE_WORRY}
    for table in WORDINGS.values():
        assert set(table) | not_from_a_phrase == set(Sign)


@pytest.mark.parametrize("language", sorted(WORDINGS))
def test_every_pair_in_one_sentence_keeps_both_signs_at_the_higher_level(language: str) -> None:
    wrong = []
    for (first, one), (second, other) in itertools.permutations(WORDINGS[language].items(), 2):
        for join in JOINS[language]:
            text = one + join + other
            level, signs = _read(text, language)
            expected = Level.highest([SIGN_LEVEL[first], SIGN_LEVEL[second]])
            if not {first, second} <= signs or level is not expected:
                wrong.append(f"{text!r}: {level} {sorted(signs)}")
    assert not wrong, f"{len(wrong)} pair(s) lost a sign:\n" + "\n".join(wrong)
