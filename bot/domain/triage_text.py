"""Read a patient's free text into triage signs, in every supported language.

Pure and table-driven: the sign wordings live in ``triage_lexicon*``, the
context cues in ``triage_context_*``; this module normalises the text, finds
the mentions of signs (and temperatures), and asks ``triage_context`` what
each mention means: the patient's sign now, negated or resolved, past and
over, hypothetical, someone else's, or doubtful.

- Normalising folds case, accents, curly quotes, emoji, letters repeated for
  emphasis ("feeeever") and misspellings ("fevr", "numbess", "hormigeo").
- Every sign is found on its own: a mention never consumes the words another
  sign needs, and the highest level wins in ``triage``.
- A doubtful mention (a hedge, a question about now, a vague wording) keeps
  the sign at its full level and makes the bot ask the follow-up question.
- A hypothetical mention ("should I call if it gets hot?") is no sign, but the
  reading says the patient asked when to call, so the bot sends the clinic's
  guidance instead of an alert.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.triage_context import Decision, Target, decide, find_cues, judge
from bot.domain.triage_languages import CUES, VOCABULARY, rules_for
from bot.domain.triage_lexicon import BENIGN, EMOJI, GUIDANCE, NEUTRAL, TREATED, Rule
from bot.domain.triage_numbers import Temperature, read_days, read_soreness, read_temperatures
from bot.domain.triage_scan import may_match, word_starts
from bot.domain.triage_signs import SIGN_LEVEL, Level, Sign
from bot.domain.triage_spelling import correct_word

_WORD = re.compile(r"[a-z']+")
_KEEP = re.compile(r"[^a-z0-9'.,;:!?/%&=\-\n~ ]+")
_ACCENTED = ((re.compile(r"\bs[íÍ]\b"), "yes"), (re.compile(r"\b[éÉ]l\b"), "he"))
"""Spanish words whose accent is their meaning: "sí" (yes, not "if"), "él" (he, not "the")."""


@dataclass(frozen=True)
class Finding:
    """One sign read from the text; ``tags`` name special wordings (e.g. chills)."""

    sign: Sign
    doubtful: bool
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Mention:
    """One place the text names a sign, and what its context made of it (for ``triage --json``)."""

    sign: Sign
    words: str
    decision: Decision
    cues: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TextReading:
    """Everything triage needs from a message."""

    findings: tuple[Finding, ...]
    temperatures: tuple[Temperature, ...] = ()
    soreness: int | None = None
    mentions: tuple[Mention, ...] = ()
    days: int | None = None
    asks_when_to_call: bool = False

    def find(self, sign: Sign) -> Finding | None:
        return next((f for f in self.findings if f.sign is sign), None)

    @property
    def reports_something(self) -> bool:
        """A sign, a temperature or a soreness figure: something to store and judge."""
        return bool(self.findings or self.temperatures or self.soreness is not None)

    @property
    def says_anything(self) -> bool:
        """Something triage can act on: a sign, a figure, or a question about when to call."""
        return self.reports_something or self.asks_when_to_call


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    start: int
    end: int


def read_text(text: str, language: str = "en", extra: Sequence[Rule] = ()) -> TextReading:
    """Signs, temperatures and a 0-10 soreness figure found in ``text``.

    ``language`` is a hint only: all languages' wordings are applied, because
    patients switch language mid-conversation and a miss is the costly error.
    ``extra`` are a clinic's own wordings; they go through the same context rules.
    """
    norm = normalise(text)
    for benign in BENIGN:
        norm = benign.sub(" ~ ", norm)
    starts = word_starts(norm)
    hits = _find_hits(norm, (*rules_for(language), *extra), starts)
    temperatures = read_temperatures(norm)
    targets = [Target(h.start, h.end, h.rule.listable) for h in hits]
    targets += [Target(t.start, t.end) for t in temperatures]
    cue_hits = find_cues(norm, CUES, VOCABULARY, starts)
    judged = judge(norm, targets, cue_hits, VOCABULARY)
    treated = any(t.search(norm) for t in TREATED)
    mentions: list[Mention] = []
    kept: list[tuple[_Hit, Decision]] = []
    for hit, judgement in zip(hits, judged, strict=False):
        sign = hit.rule.sign
        decision = decide(judgement.contexts, emergency=sign is not None and SIGN_LEVEL[sign] is Level.EMERGENCY,
                          doubtful=hit.rule.doubtful, treated=treated)
        if sign is not None:
            cues = tuple((c.words, str(c.cue.context)) for c in judgement.cues)
            mentions.append(Mention(sign, norm[hit.start : hit.end], decision, cues))
        kept.append((hit, decision))
    counted_temperatures = []
    for temperature, judgement in zip(temperatures, judged[len(hits) :], strict=True):
        decision = decide(judgement.contexts, emergency=False, doubtful=False, treated=treated)
        mentions.append(Mention(Sign.FEVER, norm[temperature.start : temperature.end], decision,
                                tuple((c.words, str(c.cue.context)) for c in judgement.cues)))
        if decision.counts:
            counted_temperatures.append(temperature)
    counted = [(h, d) for h, d in kept if d.counts and h.rule.sign is not None]
    counted = [(h, d) for h, d in counted if not _yields(h, [c for c, _ in counted])]
    hypothetical = any(m.decision is Decision.HYPOTHETICAL for m in mentions)
    return TextReading(
        findings=_combined(_findings(counted)),
        temperatures=tuple(counted_temperatures),
        soreness=read_soreness(norm),
        mentions=tuple(mentions),
        days=read_days(norm),
        asks_when_to_call=hypothetical or any(g.search(norm) for g in GUIDANCE),
    )


def normalise(text: str) -> str:
    """Lower case, no accents or emoji, typos fixed, one space between words."""
    for emoji, meaning in EMOJI.items():
        text = text.replace(emoji, meaning)
    text = text.replace("°", " deg ").replace("º", " deg ")
    for quote in "\u2019\u2018`\u00b4":
        text = text.replace(quote, "'")
    for accented, meaning in _ACCENTED:
        text = accented.sub(meaning, text)
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = _KEEP.sub(" ", folded).replace("\n", " . ")
    folded = _WORD.sub(lambda m: correct_word(m.group()), folded)
    return " ".join(folded.split())


def _find_hits(norm: str, rules: Sequence[Rule], starts: frozenset[str]) -> list[_Hit]:
    every = (*rules, NEUTRAL)
    hits = [_Hit(r, m.start(), m.end()) for r in every if may_match(r.pattern, starts)
            for m in r.pattern.finditer(norm)]
    return sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))


def _yields(hit: _Hit, kept: list[_Hit]) -> bool:
    """A doubtful reading inside a stronger reading of a named other sign is that sign's.

    ("hot" inside "I feel hot" is the fever reading, not a hot injection site.)
    Only readings that name their rival in ``yields_to`` give way, so no sign
    ever hides a sign of another level by accident.
    """
    if not hit.rule.yields_to:
        return False
    return any(
        other.rule.sign in hit.rule.yields_to and other.start <= hit.start and hit.end <= other.end
        for other in kept
    )


def _findings(counted: list[tuple[_Hit, Decision]]) -> tuple[Finding, ...]:
    """One finding per sign: definite if any mention is definite."""
    doubt: dict[Sign, bool] = {}
    tags: dict[Sign, set[str]] = {}
    for hit, decision in counted:
        sign = hit.rule.sign
        assert sign is not None
        doubt[sign] = doubt.get(sign, True) and decision is Decision.DOUBTFUL
        tags.setdefault(sign, set()).update({hit.rule.tag} - {""})
    return tuple(Finding(s, doubt[s], frozenset(tags[s])) for s in doubt)


def _combined(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Signs that only mean more together: about to faint with a racing heart or breathing trouble."""
    near_faint = next((f for f in findings if "near_faint" in f.tags and f.sign is not Sign.FAINTING), None)
    if near_faint is None:
        return findings
    if any(f.sign is Sign.FAINTING for f in findings):  # fainted: "about to faint" says no more
        return tuple(f for f in findings if f is not near_faint)
    with_it = [f for f in findings if f.sign in (Sign.RACING_HEART, Sign.CHEST_PAIN)
               or (f.sign is Sign.ALLERGIC_REACTION and "breathing" in f.tags)]
    if not with_it:
        return findings
    doubtful = near_faint.doubtful and all(f.doubtful for f in with_it)
    parts = {near_faint.sign, Sign.RACING_HEART}  # the emergency is made of these; breathing stays its own sign
    kept = tuple(f for f in findings if f.sign not in parts)
    return (*kept, Finding(Sign.FAINTING, doubtful, frozenset({"near_faint"})))
