"""`demo` is all or nothing: killed part-way it leaves no half village, and the next run works;
it never writes over a folder that holds anything."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from models.store import Store
from tests.cli.test_cli import ROOT, cundang


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []  # no /proc (not Linux): nothing to watch


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_demo_leaves_nothing_half_done_and_runs_again(tmp_path):
    folder = tmp_path / "demo"
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data", str(folder), "demo", "--villages", "4", "--households", "300"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    building = folder / ".演示数据生成中" / "cundang.db"
    deadline = time.monotonic() + 60
    while not (building.exists() and building.stat().st_size > 1_000_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the demo finished before it could be interrupted"
    workers = _children(proc.pid)
    assert workers or not Path("/proc").exists()  # the demo plans villages in a worker
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10  # its worker does not outlive it (one once hung on for good)
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)]
    if (folder / "cundang.db").exists():  # the data folder holds no part of the demo
        with Store.open(folder) as store:
            assert store.villages.count() == 0
    again = cundang("--data", str(folder), "demo", "--villages", "2", "--households", "20")
    assert again.returncode == 0, again.stderr
    with Store.open(folder) as store:
        assert store.villages.count() == 2
    assert not (folder / ".演示数据生成中").exists()


def test_the_demo_never_writes_over_a_folder_that_holds_anything(tmp_path):
    folder = str(tmp_path / "county")
    assert (
        cundang("--data", folder, "poverty-line", "set", "--year", "2020", "--province", "贵州省", "4000").returncode
        == 0
    )
    refused = cundang("--data", folder, "demo", "--households", "10")
    assert refused.returncode == 1 and "已有数据" in refused.stderr
    with Store.open(folder) as store:
        assert [x.line_fen for x in store.assistance.poverty_lines()] == [400000] and store.villages.count() == 0
