"""The context step of triage: the hand-written ConText against medspaCy's ConText, same rules.

Both variants read a message the same way up to the context step: the same
normalising, the same sign wordings (targets) and the same cue tables
(``triage_context_en``/``_es``). Only the scope algorithm differs:

- hand-written (``bot.domain.triage_context``): ``NEAR`` cues reach across
  filler words and lists of signs only, ``CLAUSE`` cues to the clause end,
  commas and contrast words end scopes as the tables say;
- medspaCy 1.3 (spaCy 3.7 tokenizer and sentencizer): every cue becomes a
  ``ConTextRule`` with its direction and regex; ``NEAR`` cues get
  ``max_scope=3`` tokens and end at "and"/"y"; contrast words and clause
  punctuation are ``TERMINATE`` rules; pseudo cues are ``PSEUDO`` rules.
  Each target's modifiers go through the same ``decide``.

It prints, per variant: levels right, urgent/emergency lines triaged lower
and over-triage on every corpus, time per message (median, p99) and the
memory the variant adds. medspaCy needs its own environment:

    python3 -m venv /tmp/msvenv && /tmp/msvenv/bin/pip install medspacy rapidfuzz pyyaml
    /tmp/msvenv/bin/python bench/triage_libraries.py
"""

from __future__ import annotations

import contextlib
import gc
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from unittest.mock import patch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.domain import triage_text  # noqa: E402
from bot.domain.triage import Level, Report, triage  # noqa: E402
from bot.domain.triage_context import ENDED_BY, Judgement, Target  # noqa: E402
from bot.domain.triage_cues import Context, CueHit, Direction, Reach, Vocabulary  # noqa: E402
from bot.domain.triage_languages import CUES, LANGUAGES  # noqa: E402

Case = tuple[str, Level, str]


def corpora() -> dict[str, list[Case]]:
    found: dict[str, list[Case]] = {}
    for name in ("triage_corpus.yaml", "triage_corpus_context.yaml"):
        entries = yaml.safe_load((ROOT / "tests/unit" / name).read_text(encoding="utf-8"))
        found[name] = [(e["lang"], Level(e["level"]), e["text"]) for e in entries]
    for path in [ROOT / "tests/unit/triage_heldout.tsv", *sorted((ROOT / "bench").glob("triage_measure*.tsv"))]:
        if path.exists():
            rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
            found[path.name] = [(r[0], Level(r[1]), r[2]) for r in rows if r[1] in set(Level)]
    return found


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class MedspacyJudge:
    """``triage_context.judge`` done by medspaCy's ConText over the same cue tables."""

    def __init__(self) -> None:
        import spacy
        from medspacy.context import ConTextRule

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        context = self.nlp.add_pipe(
            "medspacy_context", config={"rules": None, "input_span_type": "group", "span_group_name": "targets"}
        )
        rules = []
        for index, cue in enumerate(CUES):
            direction = {Direction.FORWARD: "FORWARD", Direction.BACKWARD: "BACKWARD",
                         Direction.BOTH: "BIDIRECTIONAL"}[cue.direction]
            if cue.context is None:
                rules.append(ConTextRule(f"pseudo{index}", "PSEUDO", pattern=cue.pattern.pattern, direction="PSEUDO"))
                continue
            enders = {"CONTRAST", *(c.value.upper() for c in ENDED_BY.get(cue.context, ()))}
            near = cue.reach is Reach.NEAR
            if near:
                enders.add("CONJ")
            rules.append(ConTextRule(f"cue{index}", cue.context.value.upper(), pattern=cue.pattern.pattern,
                                     direction=direction, max_scope=3 if near else None, terminated_by=enders))
        contrast = "|".join(t.contrast for t in LANGUAGES.values())
        rules.append(ConTextRule("contrast", "CONTRAST", pattern=rf"\b(?:{contrast})\b|[;:]", direction="TERMINATE"))
        rules.append(ConTextRule("and", "CONJ", pattern=r"\b(?:and|y)\b", direction="TERMINATE"))
        context.add(rules)
        self.pipes = [proc for _, proc in self.nlp.pipeline]

    def __call__(self, norm: str, targets: Sequence[Target], hits: Sequence[CueHit],
                 vocabulary: Vocabulary) -> list[Judgement]:
        doc = self.nlp.make_doc(norm)
        spans = []
        for index, target in enumerate(targets):
            span = doc.char_span(target.start, target.end, label=str(index), alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["targets"] = spans
        for proc in self.pipes:
            doc = proc(doc)
        found: dict[int, set[Context]] = {i: set() for i in range(len(targets))}
        for span in doc.spans["targets"]:
            for modifier in span._.modifiers:
                found[int(span.label_)].add(Context(modifier.category.lower()))
        return [Judgement(frozenset(found[i]), ()) for i in range(len(targets))]


def measure(name: str, cases: dict[str, list[Case]]) -> None:
    print(f"\n{name}")
    times: list[float] = []
    for corpus, rows in cases.items():
        right = under = over = 0
        for language, expected, text in rows:
            start = time.perf_counter()
            level = triage(Report(text=text, language=language)).level
            times.append(time.perf_counter() - start)
            right += level is expected
            under += level.rank < expected.rank and expected.at_least(Level.URGENT)
            over += level.rank > expected.rank
        print(f"  {corpus:28} {right:3}/{len(rows)} at the expected level, {under:2} urgent/emergency lower, "
              f"{over:2} higher")
    times.sort()
    print(f"  per message: median {statistics.median(times) * 1000:.2f} ms, "
          f"p99 {times[int(len(times) * 0.99)] * 1000:.2f} ms over {len(times)} messages")


def run(name: str, judge: Callable[..., list[Judgement]] | None, cases: dict[str, list[Case]]) -> None:
    """Measure the triage with ``judge`` standing in for the hand-written ``triage_context.judge``."""
    swap = patch.object(triage_text, "judge", judge) if judge is not None else contextlib.nullcontext()
    with swap:
        for language, _, text in next(iter(cases.values()))[:20]:  # warm up caches
            triage(Report(text=text, language=language))
        measure(name, cases)


def main() -> None:
    cases = corpora()
    gc.collect()
    before = rss_mb()
    run("hand-written ConText (bot.domain.triage_context)", None, cases)
    print(f"  peak RSS {rss_mb():.0f} MB (process with the engine loaded: {before:.0f} MB before the run)")
    try:
        loading = rss_mb()
        judge: Any = MedspacyJudge()
    except ImportError:
        print("\nmedspaCy is not installed here; see the module docstring")
        return
    print(f"\nmedspaCy pipeline loaded: +{rss_mb() - loading:.0f} MB peak RSS")
    run("medspaCy ConText, same cue tables", judge, cases)


if __name__ == "__main__":
    main()
