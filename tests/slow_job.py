"""A job kind for the worker tests: its first run hangs (until the worker is killed),
a later one finishes. Each run writes its process id to the job's marker file."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from hiring import jobs


@jobs.work("test_hangs_once")
def _hangs_once(job, _session, _run) -> str:
    marker = Path(job.params["marker"])
    first = not marker.exists()
    with marker.open("a", encoding="utf-8") as out:
        out.write(f"{os.getpid()}\n")
    if first:
        time.sleep(120)  # killed long before
    return ""


if __name__ == "__main__":  # `python -m tests.slow_job worker`: the real command
    from hiring.cli import main

    main(sys.argv[1:], prog_name="hiring")
