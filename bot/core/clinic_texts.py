"""A clinic's own texts (``texts`` in the clinic YAML), checked against the catalog before anything runs.

An override that cannot be sent fails every time the bot needs it, and for
``checkin.outcome_urgent`` or an alert that is the urgent message itself. So
``check-config`` (and ``run`` at start) refuses: a key the catalog does not
have (it would be ignored), a key that never takes clinic texts, a placeholder
the key does not get, a lone brace, plural forms on a text that has none or
forms the language does not use, an empty text, and anything that does not
render as Telegram HTML within Telegram's length limit. The last check renders
every key of every language with the clinic's overrides through
``messages.render.render``, the code the bot sends with, using representative
parameters (several counts for plural texts).
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from dataclasses import dataclass

from messages.render import (
    LANGUAGES,
    NO_CLINIC_OVERRIDES,
    Catalog,
    Overrides,
    Template,
    length_limit,
    placeholders,
    plural_forms,
    render,
)
from messages.telegram_html import html_problem

SAMPLE_VALUE = "Ann & Co <x>"
"""What a parameter is filled with: a name with the characters that must be escaped."""
SAMPLE_COUNTS = (0, 1, 2, 5, 21, 1_000_000)


@dataclass(frozen=True)
class TextProblem:
    language: str
    key: str
    problem: str

    @property
    def path(self) -> str:
        return f"texts.{self.language}.{self.key}"


def first_problem(texts: Overrides, catalog: Catalog) -> TextProblem | None:
    """The first thing wrong with a clinic's overrides, or ``None`` when every text renders."""
    for language, entries in texts.items():
        for key, value in entries.items():
            problem = override_problem(key, language, value, catalog)
            if problem is not None:
                return TextProblem(language, key, problem)
    return rendering_problem(texts, catalog)


def override_problem(key: str, language: str, value: Template, catalog: Catalog) -> str | None:
    """What is wrong with one override, read on its own."""
    known = catalog.all_keys()
    if key not in known:
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else " (the keys are listed in docs/TEXTS.md)"
        return f"unknown text key{hint}"
    if key in NO_CLINIC_OVERRIDES:
        return "this text is always the default (it is sent before the bot knows the clinic); remove it"
    if isinstance(value, dict):
        forms_problem = _forms_problem(key, language, value, catalog)
        if forms_problem is not None:
            return forms_problem
    forms = list(value.values()) if isinstance(value, dict) else [value]
    default = catalog.template(key, language)
    allowed = placeholders(default)
    for form in forms:
        problem = _placeholder_problem(form, allowed) or _empty_problem(form, default)
        if problem is not None:
            return problem
    return None


def _forms_problem(key: str, language: str, value: dict[str, str], catalog: Catalog) -> str | None:
    if not catalog.is_plural(key):
        return "this text has no plural forms: give one string"
    usable = plural_forms(language)
    unknown = sorted(set(value) - usable)
    if unknown:
        return f"plural form {unknown[0]!r} is not used in {language} (use {', '.join(sorted(usable))})"
    if "other" not in value:
        return "plural forms need 'other' (used for every count without its own form)"
    return None


def _placeholder_problem(form: str, allowed: set[str]) -> str | None:
    try:
        fields = [(name, conversion, spec) for _, name, spec, conversion in string.Formatter().parse(form)
                  if name is not None]
    except ValueError:
        return "a lone '{' or '}' (write {{ or }} for a brace shown as is)"
    takes = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "no placeholders"
    for name, conversion, spec in fields:
        if name not in allowed:
            shown = f"{{{name}}}" if name else "{}"
            return f"unknown placeholder {shown} (this text takes {takes})"
        if conversion or spec:
            return f"placeholder {{{name}}} must be written plainly, without '!' or ':'"
    return None


def _empty_problem(form: str, default: Template) -> str | None:
    default_forms = list(default.values()) if isinstance(default, dict) else [default]
    if not form.strip() and any(text.strip() for text in default_forms):
        return "is empty (Telegram sends no empty message); remove the line to keep the default text"
    return None


def rendering_problem(texts: Overrides, catalog: Catalog) -> TextProblem | None:
    """Render every key in every language with these overrides; the first that Telegram would refuse."""
    for language in LANGUAGES:
        for key in sorted(catalog.keys(language)):
            problem = _render_problem(key, language, texts, catalog)
            if problem is not None:
                return TextProblem(language, key, problem)
    return None


def _render_problem(key: str, language: str, texts: Overrides, catalog: Catalog) -> str | None:
    override: Mapping[str, Template] = texts.get(language, {})
    template = override.get(key, catalog.template(key, language))
    names = placeholders(template) | placeholders(catalog.template(key, language))
    counted = isinstance(template, dict) or "count" in names
    for count in SAMPLE_COUNTS if counted else (None,):
        params: dict[str, object] = {name: SAMPLE_VALUE for name in names if name != "count"}
        if count is not None:
            params["count"] = count
        try:
            text = render(key, language, texts, catalog, **params)
        except (KeyError, ValueError, IndexError, AttributeError) as exc:
            return f"cannot be filled in ({type(exc).__name__}: {exc})"
        problem = html_problem(text)
        if problem is not None:
            return f"not valid Telegram HTML: {problem} (write < > & as &lt; &gt; &amp;)"
        if len(text) > length_limit(key):
            return f"too long: {len(text)} characters once filled in (Telegram allows {length_limit(key)})"
    return None
