"""Misspelling matchers for triage: the hand-written one-edit matcher against rapidfuzz.

Both matchers map a long word (6+ letters) onto the triage keyword vocabulary
(``FUZZY_VOCABULARY``) when it is close enough; they differ in how "close" is
computed. Measured here:

- recall: every single-edit misspelling of every keyword (deletion, insertion
  of a doubled letter, neighbour swap, substitution by a key next to it on a
  QWERTY keyboard) and a set of two-edit misspellings, corrected back to the
  keyword;
- false corrections: real words from the safety corpora and from the
  ``wordfreq`` top-20,000 English and Spanish lists (when installed) that get
  "corrected" into a keyword they are not;
- speed: microseconds per word over the corpora's words.

Run: ``pip install rapidfuzz wordfreq`` then ``python bench/triage_spelling.py``.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.triage_spelling import FUZZY_VOCABULARY, PROTECTED, TYPOS  # noqa: E402

NEIGHBOURS = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "adwx", "d": "sfec", "f": "dgrv", "g": "fhtb", "h": "gjyn", "j": "hkun",
    "k": "jlim", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm",
    "m": "njk",
}
Matcher = Callable[[str], "str | None"]


def one_edit_apart(a: str, b: str) -> bool:
    """True for one substitution, insertion, deletion or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1 :]


def one_edit(word: str) -> str | None:
    """The matcher the engine used before rapidfuzz."""
    return next((k for k in FUZZY_VOCABULARY if one_edit_apart(word, k)), None)


def rapidfuzz_matcher(max_distance: int, long_from: int) -> Matcher:
    """OSA distance 1, or ``max_distance`` for words of ``long_from`` letters or more."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    def match(word: str) -> str | None:
        cutoff = max_distance if len(word) >= long_from else 1
        found = process.extractOne(word, FUZZY_VOCABULARY, scorer=OSA.distance, score_cutoff=cutoff)
        return None if found is None or found[1] == 0 else str(found[0])

    return match


def single_edits(word: str) -> set[str]:
    out = set()
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1 :])
        out.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        for near in NEIGHBOURS.get(word[i], ""):
            out.add(word[:i] + near + word[i + 1 :])
    out.discard(word)
    return out


def double_edits(word: str) -> set[str]:
    """Two deletions or a deletion plus a swap, far apart: typical of fast thumb typing."""
    out = set()
    for i in range(1, len(word) - 4):
        first = word[:i] + word[i + 1 :]
        j = i + 3
        out.add(first[:j] + first[j + 1 :])
        if j + 1 < len(first):
            out.add(first[:j] + first[j + 1] + first[j] + first[j + 2 :])
    return {w for w in out if len(w) >= 6}


def corpus_words() -> set[str]:
    import yaml

    texts: list[str] = []
    for name in ("triage_corpus.yaml", "triage_corpus_context.yaml"):
        texts += [e["text"] for e in yaml.safe_load((ROOT / "tests/unit" / name).read_text(encoding="utf-8"))]
    for path in (ROOT / "tests/unit/triage_heldout.tsv", ROOT / "bench/triage_measure.tsv"):
        if path.exists():
            texts += [line.split("\t")[-1] for line in path.read_text(encoding="utf-8").splitlines()]
    return {fold(w) for t in texts for w in re.findall(r"[a-záéíóúñü]+", t.lower()) if len(w) >= 6} - set(TYPOS)


def fold(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def common_words() -> set[str]:
    try:
        from wordfreq import top_n_list
    except ImportError:
        return set()
    return {fold(w) for lang in ("en", "es") for w in top_n_list(lang, 20000) if len(w) >= 6 and w.isalpha()}


def _same_word_family(word: str, keyword: str) -> bool:
    """"hinchando" -> "hinchado", "collapses" -> "collapsed": another form of the same word, harmless."""
    return word[:6] == keyword[:6]


def evaluate(name: str, match: Matcher, real_words: Iterable[str]) -> dict[str, float]:
    singles = [(typo, k) for k in FUZZY_VOCABULARY for typo in single_edits(k) if typo not in PROTECTED]
    doubles = [(typo, k) for k in FUZZY_VOCABULARY for typo in double_edits(k)]
    one = sum(match(t) == k for t, k in singles) / len(singles)
    two = sum(match(t) == k for t, k in doubles) / len(doubles)
    reals = [w for w in real_words if w not in FUZZY_VOCABULARY and w not in PROTECTED]
    corrected = sorted((w, match(w)) for w in reals if match(w) is not None)
    wrong = [(w, k) for w, k in corrected if k is not None and not _same_word_family(w, k)]
    words = sorted(corpus_words())
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for w in words:
            match(w)
        times.append((time.perf_counter() - start) / len(words) * 1e6)
    print(f"{name:31} single-edit recall {one:6.1%} ({len(singles)})  two-edit recall {two:6.1%} ({len(doubles)})  "
          f"false corrections {len(wrong):3} of {len(reals)} real words  {statistics.median(times):5.1f} us/word")
    if wrong:
        print("    " + ", ".join(f"{w}->{k}" for w, k in wrong))
    return {"single": one, "double": two, "false": len(wrong), "us": statistics.median(times)}


def main() -> None:
    real = corpus_words() | common_words()
    print(f"vocabulary {len(FUZZY_VOCABULARY)} keywords; {len(real)} real words checked for false corrections")
    evaluate("hand-written one-edit", one_edit, real)
    try:
        evaluate("rapidfuzz OSA <=1", rapidfuzz_matcher(1, 99), real)
        evaluate("rapidfuzz OSA <=2 (9+ letters)", rapidfuzz_matcher(2, 9), real)
        evaluate("rapidfuzz OSA <=2 (11+ letters)", rapidfuzz_matcher(2, 11), real)
    except ImportError:
        print("rapidfuzz not installed: pip install rapidfuzz")


if __name__ == "__main__":
    main()
