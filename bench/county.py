"""Figures on the demo county: building it, its size, and ``cundang stats`` over it."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from models.storage.database import DB_NAME


def cundang(data: Path, *args: str) -> tuple[float, str]:
    """Run the real command line; returns wall seconds and its output. Raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data", str(data), *args], check=True, stdout=subprocess.PIPE, text=True
    )
    return time.perf_counter() - start, done.stdout


def build(data: Path, *, villages: int, households: int) -> dict[str, float]:
    seconds, _ = cundang(data, "demo", "--seed", "1", "--villages", str(villages), "--households", str(households))
    return {"demo_county_s": round(seconds, 1)}


def size(data: Path) -> dict[str, float]:
    # The file and its WAL side files (not the copies an upgrade or a backup keeps beside it).
    total = sum(
        p.stat().st_size for p in data.glob(DB_NAME + "*") if p.name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm")
    )
    return {"db_mb": round(total / 2**20, 1)}


def stats(data: Path, runs: int = 7) -> dict[str, float]:
    _, out = cundang(data, "stats", "--json")  # warm the page cache once, as a clerk's second look would
    times = [cundang(data, "stats", "--json")[0] for _ in range(runs)]
    villages = json.loads(out)["villages"]
    return {"stats_ms": round(statistics.median(times) * 1000), "households": sum(v["households"] for v in villages)}


def ui(data: Path) -> dict[str, float]:
    """The register window on the county: first page, search per keystroke, memory."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.ui_probe", str(data)],
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def exit_check(data: Path, year: int = 2020) -> dict[str, float]:
    """The exit check of every household of the county for a year, and every village's summary."""
    from bench.encrypted import env_login
    from models.services.assistance import run_exit_check, village_exit_summary
    from models.store import Store

    with Store.open(data, login=env_login(data)) as store:
        start = time.perf_counter()
        checks = run_exit_check(store, year)
        for v in store.villages.all():
            village_exit_summary(store, v.id, year)
        seconds = time.perf_counter() - start
    return {"exit_check_s": round(seconds, 2), "exit_check_households": len(checks)}
