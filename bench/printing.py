"""Figures on printing: every 户档案 of a 1,500-household village in one PDF."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = """
import json, resource, sys, time
from models.store import Store
from printing.fonts import find_font
from printing.household_file import render_households
store = Store.open(sys.argv[1])
[village] = store.villages.all()
ids = store.households.ids(village.id)
start = time.perf_counter()
pages = render_households(store, ids, sys.argv[2], find_font())
seconds = time.perf_counter() - start
print(json.dumps({"print_village_s": round(seconds, 1), "print_pages": pages,
                  "print_pages_per_s": round(pages / seconds, 1),
                  "print_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def print_village(households: int = 1500) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cundang-bench-print-") as tmp:
        data = Path(tmp) / "village"
        subprocess.run(
            [sys.executable, "-m", "desktop", "--data", str(data), "demo", "--households", str(households)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(data), str(Path(tmp) / "all.pdf")],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])
