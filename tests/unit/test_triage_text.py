"""The free-text reader's parts: normalising, typos, negation scope, doubt, numbers."""

from __future__ import annotations

import pytest

from bot.domain.triage import Sign
from bot.domain.triage_numbers import Temperature, read_soreness, read_temperatures
from bot.domain.triage_text import normalise, read_text


def signs(text: str) -> set[Sign]:
    return {f.sign for f in read_text(text).findings}


def doubtful(text: str) -> set[Sign]:
    return {f.sign for f in read_text(text).findings if f.doubtful}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("FIÉBRE", "fiebre"),
        ("Escalofríos!!", "escalofrios!!"),
        ("I don’t", "i don't"),
        ("feeeeever", "fever"),
        ("sooo hott", "so hot"),
        ("fevr", "fever"),
        ("feaver", "fever"),
        ("numbess", "numbness"),
        ("tingleing", "tingling"),
        ("brething", "breathing"),
        ("hormigeo", "hormigueo"),
        ("inchazon", "hinchazon"),
        ("entumesimiento", "entumecimiento"),
        ("knee 🤒", "knee feverish"),
        ("🙂👍 ok", "ok"),
        ("39°C", "39 deg c"),
        ("line one\nline two", "line one . line two"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "word",
    ["never", "fewer", "shallow", "cliente", "discharged", "spelling", "breath", "feeling",
     "swelling", "weeks", "sweating", "reading", "heading", "fibre", "liver"],
)
def test_ordinary_words_are_not_corrected_into_symptoms(word: str) -> None:
    assert normalise(word) == word


@pytest.mark.parametrize("keyword", ["numbness", "tingling", "escalofrios", "hormigueo", "supuracion"])
def test_any_single_slip_in_a_long_keyword_is_still_read(keyword: str) -> None:
    expected = signs(keyword)
    assert expected
    for i in range(len(keyword)):
        dropped = keyword[:i] + keyword[i + 1 :]
        assert signs(dropped) == expected, dropped
        if i + 1 < len(keyword):
            swapped = keyword[:i] + keyword[i + 1] + keyword[i] + keyword[i + 2 :]
            assert signs(swapped) == expected, swapped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no fever", set()),
        ("I have no fever at all", set()),
        ("I haven't had any fever or chills", set()),
        ("neither fever nor chills", set()),
        ("no redness, no swelling, no pus", set()),
        ("No bruising or pus", set()),
        ("no fever, but my knee is hot", {Sign.HOT_SITE}),
        ("no fever. chills though", {Sign.FEVER}),
        ("No, I have a fever", {Sign.FEVER}),
        ("no fever and red streaks up my leg", {Sign.SPREADING_REDNESS}),
        ("no rash but I can't breathe", {Sign.ALLERGIC_REACTION}),
        ("not numb, just tingling", {Sign.NUMBNESS}),
        ("fiebre: no", set()),
        ("fiebre no, pero escalofríos sí", {Sign.FEVER}),
        ("ya se me quitó la fiebre", set()),
        ("no se me ha quitado la fiebre", {Sign.FEVER}),
        ("la fiebre no ha bajado", {Sign.FEVER}),
        ("sin fiebre ni pus, pero con hormigueo", {Sign.NUMBNESS}),
        ("redness, not spreading", set()),
        ("the numbness is gone", set()),
        ("red line going down my leg", {Sign.SPREADING_REDNESS}),
        ("the redness is going down", set()),
    ],
)
def test_negation_scope(text: str, expected: set[Sign]) -> None:
    assert signs(text) == expected


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("feel hot", Sign.FEVER),
        ("feels warm", Sign.HOT_SITE),
        ("some redness", Sign.SPREADING_REDNESS),
        ("a bit numb?", Sign.NUMBNESS),
        ("me siento caliente", Sign.FEVER),
        ("maybe some pus?", Sign.PUS),
        ("creo que tengo fiebre", Sign.FEVER),
        ("is the rash normal", Sign.ALLERGIC_REACTION),
    ],
)
def test_vague_wording_is_kept_as_doubtful(text: str, sign: Sign) -> None:
    assert doubtful(text) == {sign}


def test_clear_wording_is_not_doubtful() -> None:
    assert doubtful("I have a fever and pus is coming out. The knee is hot.") == set()


def test_doubt_stays_in_its_clause() -> None:
    reading = read_text("Maybe a bit red. I definitely have a fever.")
    assert {f.sign: f.doubtful for f in reading.findings} == {
        Sign.SPREADING_REDNESS: True,
        Sign.FEVER: False,
    }


def test_hot_in_i_feel_hot_is_the_fever_reading_only() -> None:
    assert signs("I feel hot") == {Sign.FEVER}
    assert signs("the knee feels hot") == {Sign.HOT_SITE}


def test_chills_are_tagged() -> None:
    finding = read_text("chills").find(Sign.FEVER)
    assert finding is not None and "chills" in finding.tags


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("38.5", 38.5),
        ("temp 38,5", 38.5),
        ("101 F", 38.33),
        ("39°C", 39.0),
        ("100.4", 38.0),
        ("temperature of 101", 38.33),
        ("tengo 39 de fiebre", 39.0),
        ("37 grados", 37.0),
        ("thermometer reads 99", 37.22),
    ],
)
def test_temperatures(text: str, celsius: float) -> None:
    readings = read_temperatures(normalise(text))
    assert [t.celsius for t in readings] == [celsius]


@pytest.mark.parametrize(
    "text",
    ["pain 8/10", "I'm 39 years old", "I'm 38 and have a fever", "walked 38 minutes",
     "day 38", "room 101", "took 2 tablets", "session 3 of 6"],
)
def test_numbers_that_are_not_temperatures(text: str) -> None:
    assert read_temperatures(normalise(text)) == ()


def test_only_explicit_readings_may_talk_a_fever_down() -> None:
    assert read_temperatures(normalise("fever, 37")) == (Temperature(37.0, False),)
    assert read_temperatures(normalise("fever, temp 37")) == (Temperature(37.0, True),)


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("pain 8/10", 8),
        ("8 out of 10", 8),
        ("dolor 9 de 10", 9),
        ("pain is a 7 today", 7),
        ("7.5/10", 8),
        ("dolor 6", 6),
        ("2/10 in the morning, 6/10 at night", 6),
        ("pain for 3 days", None),
        ("no pain", None),
        ("pain 15", None),
    ],
)
def test_soreness_scores(text: str, score: int | None) -> None:
    assert read_soreness(normalise(text)) == score


def test_language_is_only_a_hint() -> None:
    assert signs("I have fiebre") == {Sign.FEVER}
    assert {f.sign for f in read_text("tengo fever", language="es").findings} == {Sign.FEVER}
