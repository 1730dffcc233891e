"""How fast free-text triage is, and how much memory it costs the bot.

Target: one message triaged in under 5 ms at the 99th percentile, and the
bot's memory grown by no more than 60 MB for the triage engine. Run in a
fresh process (``python bench/triage.py``); it prints:

- the resident memory before the engine is imported, after the import, and
  after triaging every message of the corpora five times;
- per-message time over every corpus message (median, p95, p99, max), in
  the patient's language, through the same ``triage`` call the bot makes;
- the time for a long check-in note (2,000 characters, the bot's limit).

The figures are wall-clock on a shared machine: run it twice and read the
lower. ``--quick`` runs the corpora once (for CI smoke checks).
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """Current resident set size, from /proc (peak RSS would hide what the run adds)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def messages() -> list[tuple[str, str]]:
    import yaml

    found: list[tuple[str, str]] = []
    for name in ("triage_corpus.yaml", "triage_corpus_context.yaml"):
        found += [(e["lang"], e["text"]) for e in yaml.safe_load((ROOT / "tests/unit" / name).read_text("utf-8"))]
    for path in [*sorted((ROOT / "bench").glob("triage_measure*.tsv")), ROOT / "tests/unit/triage_heldout.tsv"]:
        rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
        found += [(r[0], r[2]) for r in rows if len(r) == 3 and r[0] in ("en", "es")]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one pass over the corpora")
    args = parser.parse_args()
    corpus = messages()
    gc.collect()
    before = rss_mb()
    from bot.domain.triage import Report, triage

    imported = rss_mb()
    rounds = 1 if args.quick else 5
    times: list[float] = []
    for _ in range(rounds):
        for language, text in corpus:
            start = time.perf_counter()
            triage(Report(text=text, language=language))
            times.append(time.perf_counter() - start)
    gc.collect()
    after = rss_mb()
    times.sort()
    ms = [t * 1000 for t in times]
    note = ("Walked the dog this morning, knee a bit stiff but fine. No fever, no pus. The redness I mentioned "
            "is going down. My daughter had chills at the weekend. Should I call if it gets hot? ") * 20
    note = note[:2000]
    long_times = []
    for _ in range(10):
        start = time.perf_counter()
        triage(Report(text=note))
        long_times.append((time.perf_counter() - start) * 1000)
    print(f"memory: {before:.1f} MB before import, {imported:.1f} MB after import (+{imported - before:.1f}), "
          f"{after:.1f} MB after {len(times)} triages (+{after - before:.1f} MB in all; limit +60 MB)")
    print(f"per message ({len(corpus)} corpus messages x {rounds}): median {statistics.median(ms):.2f} ms, "
          f"p95 {ms[int(len(ms) * 0.95)]:.2f} ms, p99 {ms[int(len(ms) * 0.99)]:.2f} ms (limit 5 ms), "
          f"max {ms[-1]:.2f} ms")
    print(f"a 2,000-character note: median {statistics.median(long_times):.1f} ms")


if __name__ == "__main__":
    main()
