"""Typed session times: the hand-written parser against ``dateparser``, on the phrasings table.

Reads ``tests/unit/date_phrasings.tsv`` (English and Spanish: dates, times,
relative days, weekdays, 12/24 h, "half past", "y media", typos, ordinals,
day/month order by language, and phrasings that must be refused) and prints,
per variant:

- right / refused / wrong: a wrong answer (another time, or a time where the
  text names none) is worse than a refusal, which re-prompts;
- time per parse (median and p99 over several passes, and the first call);
- for ``dateparser``: its import time and the memory it adds (a fresh
  process each), and its installed size with the packages it pulls in.

Variants: ``hand-written`` (``bot.domain.datetime_input``, what the bot
uses), ``dateparser`` alone (``PREFER_DATES_FROM=future``, the language's
day/month order, relative to the same ``now``), and ``combined`` (the
hand-written parser first, ``dateparser`` only for text it cannot read, its
answer put through the bot's own checks). ``dateparser`` is not a dependency
of the bot:

    pip install dateparser && python bench/date_input.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.datetime_input import InputError, Problem, parse_session_time  # noqa: E402
from tests.unit.test_date_phrasings import NOW, ROWS, ZONES  # noqa: E402

Parse = Callable[[str, str], str]
"""(language, text) -> "YYYY-MM-DD HH:MM" or "-" for a refusal."""
PASSES = 5


def hand_written(language: str, text: str) -> str:
    result = parse_session_time(text, tz=ZONES[language], lang=language, now=NOW)
    return "-" if isinstance(result, InputError) else f"{result.local:%Y-%m-%d %H:%M}"


def dateparser_alone(language: str, text: str) -> str:
    import dateparser

    local_now = NOW.astimezone(ZONES[language]).replace(tzinfo=None)
    found = dateparser.parse(text, languages=[language], settings={
        "PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now, "RETURN_AS_TIMEZONE_AWARE": False,
        "DATE_ORDER": "MDY" if language == "en" else "DMY"})
    return "-" if found is None else f"{found:%Y-%m-%d %H:%M}"


def combined(language: str, text: str) -> str:
    result = parse_session_time(text, tz=ZONES[language], lang=language, now=NOW)
    if not isinstance(result, InputError):
        return f"{result.local:%Y-%m-%d %H:%M}"
    if result.problem is not Problem.UNPARSEABLE:
        return "-"
    fallback = dateparser_alone(language, text)
    if fallback == "-":
        return "-"
    checked = parse_session_time(fallback, tz=ZONES[language], lang=language, now=NOW)  # past, DST, a year
    return "-" if isinstance(checked, InputError) else f"{checked.local:%Y-%m-%d %H:%M}"


def score(parse: Parse) -> dict[str, Any]:
    right = refused = wrong = 0
    misses: list[str] = []
    for language, text, expected in ROWS:
        got = parse(language, text)
        if got == expected:
            right += 1
        elif got == "-":
            refused += 1
        else:
            wrong += 1
            misses.append(f"{language} {text!r}: {got} (expected {expected})")
    return {"right": right, "refused": refused, "wrong": wrong, "misses": misses}


def timing(parse: Parse) -> tuple[float, float, float]:
    start = time.perf_counter()
    parse(*ROWS[0][:2])
    first = time.perf_counter() - start
    samples = []
    for _ in range(PASSES):
        for language, text, _expected in ROWS:
            start = time.perf_counter()
            parse(language, text)
            samples.append(time.perf_counter() - start)
    samples.sort()
    return first * 1000, statistics.median(samples) * 1000, samples[int(len(samples) * 0.99)] * 1000


def fresh_process(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=120).stdout.strip()


IMPORT_COST = """
import re, time
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024
before = rss()
start = time.perf_counter()
import {module}
{after_import}
print(f"{{(time.perf_counter() - start) * 1000:.0f}} {{rss() - before:.1f}}")
"""


def installed_size(name: str, seen: set[str]) -> int:
    """Bytes on disk of ``name`` and the distributions it requires (each counted once)."""
    key = name.lower().replace("_", "-")
    if key in seen:
        return 0
    seen.add(key)
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return 0
    total = sum(f.size or 0 for f in dist.files or [])
    for requirement in dist.requires or []:
        if "extra ==" not in requirement:
            total += installed_size(requirement.split(";")[0].split("[")[0].split("<")[0].split(">")[0]
                                    .split("=")[0].split("!")[0].split("~")[0].strip(), seen)
    return total


def report(name: str, parse: Parse) -> None:
    found = score(parse)
    first, median, p99 = timing(parse)
    total = len(ROWS)
    print(f"{name:<13} right {found['right']:>3}/{total}  refused {found['refused']:>3}  wrong {found['wrong']:>3}   "
          f"parse median {median:.3f} ms  p99 {p99:.3f} ms  first call {first:.1f} ms")
    for line in found["misses"][:12]:
        print(f"    wrong: {line}")


def main() -> None:
    counts = {language: sum(1 for row in ROWS if row[0] == language) for language in ZONES}
    print(f"{len(ROWS)} phrasings ({', '.join(f'{n} {lang}' for lang, n in counts.items())}), now = "
          f"{NOW:%Y-%m-%d %H:%M} UTC, {datetime.now():%Y-%m-%d}")
    report("hand-written", hand_written)
    try:
        version = metadata.version("dateparser")
    except metadata.PackageNotFoundError:
        print("dateparser is not installed (pip install dateparser) - only the hand-written parser was measured")
        return
    report("dateparser", dateparser_alone)
    report("combined", combined)
    own = fresh_process(IMPORT_COST.format(module="bot.domain.datetime_input", after_import=""))
    other = fresh_process(IMPORT_COST.format(
        module="dateparser", after_import="dateparser.parse('tomorrow 9am', languages=['en'])"))
    own_ms, own_mb = own.split()
    other_ms, other_mb = other.split()
    size = installed_size("dateparser", {"python-dateutil", "tzdata"}) / 1e6  # both come with the bot already
    print(f"import: hand-written {own_ms} ms (+{own_mb} MB RSS); dateparser {version} {other_ms} ms with its first "
          f"parse (+{other_mb} MB RSS); dateparser installs {size:.1f} MB with regex, pytz and tzlocal")


if __name__ == "__main__":
    main()
