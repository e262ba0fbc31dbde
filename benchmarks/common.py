"""What every benchmark shares: the machine, timing helpers, writing results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """Describe the machine the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False, cwd=RESULTS.parent.parent).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory,
            "python": sys.version.split()[0], "platform": platform.platform(),
            "commit": commit,
            # the machine may be shared: its load when the figures were written
            "load_average": [round(load, 2) for load in os.getloadavg()]}


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary_ms(seconds: list[float]) -> dict:
    return {"n": len(seconds), "median_ms": round(1000 * statistics.median(seconds), 1),
            "p95_ms": round(1000 * percentile(seconds, 95), 1),
            "p99_ms": round(1000 * percentile(seconds, 99), 1),
            "max_ms": round(1000 * max(seconds), 1)}


def write_result(name: str, figures: dict, lines: list[str]) -> Path:
    """Write results/<name>-<date>.json and the same as Markdown; return the JSON path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%MZ")
    data = {"benchmark": name, "measured_at": stamp, "machine": machine(), **figures}
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    info = data["machine"]
    header = [f"# {name} — {stamp}", "",
              f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, "
              f"Python {info['python']}, commit {info['commit']}, load average at the "
              f"end {' '.join(str(x) for x in info['load_average'])} (1, 5, 15 min)", ""]
    (RESULTS / f"{name}-latest.md").write_text("\n".join(header + lines) + "\n",
                                               encoding="utf-8")
    return path
