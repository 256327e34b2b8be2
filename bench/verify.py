"""``cundang verify`` on the county: the audit chain and every record against it (issue 15)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def verify_county(data: Path) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data", str(data), "verify"], capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    return {"verify_county_s": round(seconds, 1), "verify_county_clean": int(done.returncode == 0)}
