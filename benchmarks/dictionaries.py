"""Dictionary benchmark: pyenchant (the C hunspell library) against spylls (pure Python)
reading the same Debian hunspell files, per language: load time, memory, time per word.

    .venv/bin/python -m benchmarks.dictionaries [--runs 3] [--words 500]

Every load runs in a fresh process, so that its memory growth (resident set before and
after, and the peak) is the dictionary's alone. Words are a seeded sample of the
dictionary's own stems and, as misspellings, the same stems with two letters swapped;
each is checked once, without the cache the indicators keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import write_result
from hiring.scoring import dictionaries

LANGUAGES = ("en", "hr", "sr", "sr-Cyrl", "bg")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _encoding(base: Path) -> str:
    for line in base.with_suffix(".aff").read_bytes().decode("latin-1").splitlines():
        if line.startswith("SET "):
            return line.split()[1]
    return "ISO8859-1"


def sample_words(base: Path, count: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """Return `count` stems of the dictionary and `count` of them with two letters swapped."""
    lines = base.with_suffix(".dic").read_bytes().decode(_encoding(base), "replace")
    stems = [line.split("/")[0].split("\t")[0].strip() for line in lines.splitlines()[1:]]
    stems = [stem for stem in stems if len(stem) > 3 and stem.isalpha()]
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample
    known = rng.sample(stems, min(count, len(stems)))
    misspelled = []
    for word in known:
        at = rng.randrange(1, len(word) - 2)
        misspelled.append(word[:at] + word[at + 1] + word[at] + word[at + 2:])
    return known, misspelled


def measure_one(engine: str, language: str, words_file: str) -> dict:
    """Load one dictionary with one engine in this process and measure it.

    The words come from a file the parent wrote, so that reading a whole .dic file to
    sample them does not raise this process's peak before the load."""
    os.environ[dictionaries.ENGINE_ENV] = engine
    if engine == "enchant":
        import enchant  # noqa: F401 - the library's own cost is not the dictionary's
    else:
        import spylls.hunspell  # noqa: F401
    folder = dictionaries.directory()
    stem = _stem(folder, language)
    base = folder / stem
    sample = json.loads(Path(words_file).read_text(encoding="utf-8"))
    known, misspelled = sample["known"], sample["misspelled"]
    rss_before, peak_before = _status_kib("VmRSS"), _status_kib("VmHWM")
    started = time.perf_counter()
    checker = dictionaries._load(base)
    load_s = time.perf_counter() - started
    assert checker.engine == engine, (checker.engine, engine)
    rss_after, peak_after = _status_kib("VmRSS"), _status_kib("VmHWM")
    timings = {}
    for kind, sample in (("known", known), ("misspelled", misspelled)):
        seconds, accepted = [], 0
        for word in sample:
            start = time.perf_counter()
            accepted += checker._is_word(word)
            seconds.append(time.perf_counter() - start)
        timings[kind] = {"n": len(sample), "accepted": accepted,
                         "median_us": round(1e6 * statistics.median(seconds), 1),
                         "mean_us": round(1e6 * statistics.fmean(seconds), 1),
                         "max_ms": round(1e3 * max(seconds), 2)}
    return {"engine": engine, "language": language, "dictionary": stem,
            "load_s": round(load_s, 3),
            "rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
            "peak_growth_mib": round((max(peak_after, rss_after) - peak_before) / 1024, 1),
            "words": timings}


def _stem(folder: Path, language: str) -> str:
    return next(stem for stem in dictionaries.DICTIONARIES[language]
                if (folder / stem).with_suffix(".dic").is_file())


def _run_child(engine: str, language: str, words_file: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.dictionaries", "--one", engine, language,
         str(words_file)],
        capture_output=True, text=True, check=False, timeout=600,
        cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        return {"engine": engine, "language": language, "error": result.stderr.strip()[-500:]}
    return json.loads(result.stdout)


def _median_run(runs: list[dict]) -> dict:
    ok = [run for run in runs if "error" not in run]
    if not ok:
        return runs[0]
    ok.sort(key=lambda run: run["load_s"])
    middle = dict(ok[len(ok) // 2])
    middle["load_s_runs"] = [run["load_s"] for run in ok]
    return middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--one", nargs=3, metavar=("ENGINE", "LANGUAGE", "WORDS_FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        for language in LANGUAGES:
            folder = dictionaries.directory()
            known, misspelled = sample_words(folder / _stem(folder, language), args.words)
            words_file = Path(temporary) / f"{language}.json"
            words_file.write_text(json.dumps({"known": known, "misspelled": misspelled}),
                                  encoding="utf-8")
            for engine in dictionaries.ENGINES:
                runs = [_run_child(engine, language, words_file) for _ in range(args.runs)]
                results.append(_median_run(runs))
                print(_line(results[-1]), flush=True)
    load = os.getloadavg()  # other work on the machine slows both engines alike
    lines = [f"Each load in a fresh process, median of {args.runs} runs; {args.words} stems "
             "of each dictionary and as many misspellings, each checked once (no cache). "
             f"Load average at the end: {load[0]:.1f} on {os.cpu_count()} cores.", "",
             "| language | engine | load | resident growth | peak growth | "
             "per known word (median / mean) | per misspelling (median / mean) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    lines += [_line(result) for result in results]
    write_result("dictionaries", {"runs": args.runs, "words": args.words,
                                  "load_average": load, "results": results}, lines)


def _line(result: dict) -> str:
    if "error" in result:
        return f"| {result['language']} | {result['engine']} | failed: {result['error']} |||||"
    known, wrong = result["words"]["known"], result["words"]["misspelled"]
    return (f"| {result['language']} ({result['dictionary']}) | {result['engine']} | "
            f"{result['load_s']:.2f} s | {result['rss_growth_mib']:.0f} MiB | "
            f"{result['peak_growth_mib']:.0f} MiB | "
            f"{known['median_us']:.0f} / {known['mean_us']:.0f} µs | "
            f"{wrong['median_us']:.0f} / {wrong['mean_us']:.0f} µs |")


if __name__ == "__main__":
    main()
