"""Every text in ``messages/locales`` exists in every language and renders as valid Telegram HTML.

Iterates the locale directories and every YAML file in them, so texts added
later by any feature are checked without touching this file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel import Locale

from bot.core.clinic_config import EXAMPLE_CONFIG, load_clinics
from messages.render import LANGUAGES, LOCALES_DIR, Catalog, Template, placeholders, render
from tests.support import telegram_html
from tgsandbox.formatting import parse_html

TELEGRAM_LIMIT = 4096
USER_TEXT = "<b>Ann</b> & _Bob_ *x* </i>"
"""A name or note as a patient might type it: HTML, ampersands and Markdown characters."""
ESCAPED_USER_TEXT = "&lt;b&gt;Ann&lt;/b&gt; &amp; _Bob_ *x* &lt;/i&gt;"
LONG_TEXT = "Ñandú & Co. " * 12
COUNTS = (0, 1, 2, 5, 21, 1_000_000)
CLDR_FORMS = {"zero", "one", "two", "few", "many", "other"}
_LEFTOVER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def _files(language: str) -> dict[str, dict[str, Template]]:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for path in sorted((LOCALES_DIR / language).glob("*.yaml"))}


def _directories() -> list[str]:
    return sorted(path.name for path in LOCALES_DIR.iterdir() if path.is_dir() and not path.name.startswith("_"))


CATALOG = Catalog()
KEYS = sorted(set().union(*(CATALOG.keys(language) for language in LANGUAGES)))


def test_every_locale_directory_is_a_supported_language() -> None:
    assert _directories() == sorted(LANGUAGES)


def test_every_language_has_the_same_files_and_keys() -> None:
    reference = {name: set(entries) for name, entries in _files(LANGUAGES[0]).items()}
    for language in LANGUAGES[1:]:
        other = {name: set(entries) for name, entries in _files(language).items()}
        assert set(other) == set(reference), f"{language}: files differ from {LANGUAGES[0]}"
        for name, keys in reference.items():
            assert other[name] - keys == set(), f"{language}/{name}: keys missing in {LANGUAGES[0]}"
            assert keys - other[name] == set(), f"{language}/{name}: missing keys"


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_are_the_same_in_every_language(key: str) -> None:
    found = {language: placeholders(CATALOG.template(key, language)) for language in LANGUAGES}
    assert len(set(map(frozenset, found.values()))) == 1, f"{key}: placeholders differ: {found}"


@pytest.mark.parametrize("key", KEYS)
def test_values_are_text_or_plural_forms(key: str) -> None:
    for language in LANGUAGES:
        template = CATALOG.entries[language].get(key)
        if isinstance(template, dict):
            # "other" always; "one" where the language has it. Rarer forms (Spanish "many" for a
            # million) may be left out: render() falls back to "other", which reads correctly.
            needed = {"other"} | ({"one"} & set(Locale.parse(language).plural_form.tags))
            assert set(template) <= CLDR_FORMS, f"{language}:{key}: unknown plural forms {set(template)}"
            assert needed <= set(template), f"{language}:{key}: plural forms {needed - set(template)} missing"
            assert all(isinstance(form, str) for form in template.values())
        else:
            assert isinstance(template, str), f"{language}:{key} must be a string or a plural mapping"


def _params(template: Template, value: Any) -> dict[str, Any]:
    return {name: value for name in placeholders(template) if name != "count"}


def _renderings(key: str, language: str, value: Any) -> list[str]:
    template = CATALOG.template(key, language)
    counts = COUNTS if isinstance(template, dict) or "count" in placeholders(template) else (None,)
    texts = []
    for count in counts:
        params = _params(template, value) | ({} if count is None else {"count": count})
        texts.append(render(key, language, None, CATALOG, **params))
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_every_message_renders_as_valid_telegram_html(key: str, language: str) -> None:
    uses_params = bool(_params(CATALOG.template(key, language), None))
    for text in _renderings(key, language, USER_TEXT) + _renderings(key, language, LONG_TEXT):
        assert len(text) <= TELEGRAM_LIMIT, f"{language}:{key} is {len(text)} characters"
        assert telegram_html.problems(text) == [], f"{language}:{key}: {text!r}"
        parse_html(text)  # the sandbox's Telegram-compatible parser agrees
        assert not _LEFTOVER.search(text), f"{language}:{key}: unfilled placeholder in {text!r}"
        assert "<b>Ann</b>" not in text
    if uses_params:
        assert any(ESCAPED_USER_TEXT in text for text in _renderings(key, language, USER_TEXT)), \
            f"{language}:{key}: user text was not shown escaped"


def test_checker_catches_what_telegram_rejects() -> None:
    assert telegram_html.problems("<b>bold</b> &amp; <i>it</i> <a href=\"https://x.org\">x</a>") == []
    for broken in ("<b>open", "</b>", "<div>x</div>", "a & b", "<b><i>x</b></i>", "1 < 2"):
        assert telegram_html.problems(broken), broken


def test_clinic_overrides_apply_per_language() -> None:
    overrides = {"es": {"selfservice.resume_done": "¡De vuelta en {clinic}!"}}
    assert render("selfservice.resume_done", "es", overrides, CATALOG, clinic="A&B") == "¡De vuelta en A&amp;B!"
    assert render("selfservice.resume_done", "en", overrides, CATALOG).startswith("Welcome back!")


def test_the_example_clinic_overrides_are_used_by_services() -> None:
    from bot.core.db import Database
    from bot.core.services import Services
    from bot.core.settings import Settings

    clinics = load_clinics(EXAMPLE_CONFIG)
    clinic = next(iter(clinics))
    services = Services(settings=Settings(_env_file=None), clinics=clinics, db=Database("sqlite://"))
    for language in ("en", "es"):
        expected = clinic.texts[language]["common.disclaimer_extra"].strip()
        assert services.text("common.disclaimer_extra", language, clinic) == expected
        assert services.text("common.disclaimer_extra", language) == ""


def test_example_clinic_overrides_name_real_keys_and_placeholders() -> None:
    data = yaml.safe_load(Path(EXAMPLE_CONFIG).read_text(encoding="utf-8"))
    for clinic in data["clinics"]:
        for language, texts in (clinic.get("texts") or {}).items():
            for key, text in texts.items():
                assert key in CATALOG.keys(language), f"{clinic['id']}: unknown text key {key}"
                extra = placeholders(text) - placeholders(CATALOG.template(key, language))
                assert not extra, f"{clinic['id']}:{language}:{key}: unknown placeholders {extra}"
