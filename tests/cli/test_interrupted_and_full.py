"""Interrupted work leaves nothing behind, and a full disk is said to be full: print and export
jobs killed part-way leave no temporary files (the next write clears them), and on a full disk
stats, demo, backup and export say so in words, keep the old data, and work once there is room."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.files import atomic_file, remove_leftovers
from tests.cli.test_cli import OPERATOR, ROOT, cundang


def _start(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **OPERATOR, **env},
    )


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def village(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("interrupted") / "data"
    made = cundang("--data", str(data), "demo", "--seed", "3", "--households", "150")
    assert made.returncode == 0, made.stderr
    return data


def test_killed_print_and_export_jobs_leave_no_temporary_files(village, tmp_path):
    out, temp = tmp_path / "out", tmp_path / "temp"
    out.mkdir()
    temp.mkdir()
    env = {"TMPDIR": str(temp)}  # the system's temp folder, where openpyxl writes each sheet's XML
    rng = random.Random(14)
    killed = 0
    for i in range(8):
        job = (
            ("print", "household", "--all", "--out", str(out / "户档案.pdf"))
            if i % 2
            else ("export", "--out", str(out / "上报包.xlsx"))
        )
        proc = _start("--data", str(village), *job, env=env)
        time.sleep(rng.uniform(0.8, 2.5))  # start-up, then somewhere in the writing
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    assert killed >= 4  # the test kills jobs part-way, not only finished ones
    # Whatever the kills left, the next job's write to the folder clears it.
    assert list(temp.iterdir())  # the kills did leave work folders behind
    done = cundang("--data", str(village), "print", "card", "--all", "--out", str(out / "明白卡.pdf"), env=env)
    assert done.returncode == 0, done.stderr
    assert _leftovers(out) == []
    assert list(temp.iterdir()) == []  # the next run removed them (and its own at exit)
    names = sorted(p.name for p in out.iterdir())
    assert "明白卡.pdf" in names and all(not n.startswith(".~cundang") for n in names)
    for p in out.iterdir():
        assert os.stat(p).st_mode & 0o077 == 0  # owner only


def test_a_running_writers_temporary_file_is_left_alone(tmp_path):
    live = tmp_path / f".~cundang-{os.getpid()}-abc-x.xlsx"
    live.write_bytes(b"")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".~cundang-{finished.stdout.strip()}-def-y.pdf"
    dead.write_bytes(b"half a PDF")
    assert remove_leftovers(tmp_path) == [dead]
    assert live.exists() and not dead.exists()
    with atomic_file(tmp_path / "z.txt") as tmp:
        Path(tmp).write_text("whole")
    assert (tmp_path / "z.txt").read_text() == "whole"


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MB tmpfs (root can mount one; elsewhere the test is skipped with the reason)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path) -> Path:
    filler = mount / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 4096, 512, 1):  # big blocks, then the last small ones
            try:
                while os.write(fd, b"\0" * size):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_said_plainly_the_old_data_kept_and_the_next_run_works(small_disk, village, tmp_path):
    data = small_disk / "data"
    data.mkdir()
    (data / "cundang.db").write_bytes((village / "cundang.db").read_bytes())
    for side in ("-wal", "-shm"):
        if (village / f"cundang.db{side}").exists():
            (data / f"cundang.db{side}").write_bytes((village / f"cundang.db{side}").read_bytes())
    before = cundang("--data", str(data), "stats", "--json")
    assert before.returncode == 0, before.stderr
    filler = _fill(small_disk)
    runs = {
        "stats": cundang("--data", str(data), "stats"),
        "demo": cundang("--data", str(small_disk / "new"), "demo", "--households", "20"),
        "backup": cundang("--data", str(data), "backup"),
        "export": cundang("--data", str(data), "export", "--out", str(small_disk / "上报包.xlsx")),
        "print": cundang("--data", str(data), "print", "card", "--all", "--out", str(small_disk / "卡.pdf")),
        # the data elsewhere, the file written to the full disk (a full USB stick)
        "export to": cundang("--data", str(village), "export", "--out", str(small_disk / "上报包.xlsx")),
        "print to": cundang("--data", str(village), "print", "household", "--all", "--out", str(small_disk / "档.pdf")),
        "backup to": cundang("--data", str(village), "backup", "--to", str(small_disk / "u")),
    }
    for name in ("export to", "print to", "backup to"):
        assert runs[name].returncode != 0, (name, runs[name].stdout)
    for name, run in runs.items():
        text = run.stdout + run.stderr
        assert "Traceback" not in text and "发生意外错误" not in text, (name, text)
        assert "已损坏" not in text, (name, text)
        if run.returncode != 0:
            assert "磁盘已满" in text, (name, text)
    assert any(r.returncode != 0 for r in runs.values())  # the disk really was full for some
    assert not [p for p in small_disk.iterdir() if p.name.startswith(".~cundang")]
    filler.unlink()
    after = cundang("--data", str(data), "stats", "--json")
    assert after.returncode == 0 and after.stdout == before.stdout  # the old data, whole
    check = cundang("--data", str(data), "check-db")
    assert check.returncode == 0, check.stdout + check.stderr
    again = cundang("--data", str(data), "export", "--out", str(small_disk / "上报包.xlsx"))
    assert again.returncode == 0, again.stderr
