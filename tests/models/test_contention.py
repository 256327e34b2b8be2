"""Two processes on one data folder: writers in both wait for each other (no "database is
locked") and lose nothing; two processes creating a new data file at the same moment both get
a whole file; two backups at once (two processes, or one second) are both kept and listed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time

import pytest

from models.domain import Village
from models.services.safety import backup_now
from models.services.villages import create_village
from models.storage import backup
from models.storage.folder_lock import OpenLock
from models.store import Store
from tests.models.test_crash_safety import (
    CODE,
    ROOT,
    Committed,
    complete_lines,
    ok,
    packages,  # noqa: F401  (the fixture)
    village_counts,
    writer,
)

SECONDS = 4.0


def _new_county(folder) -> None:
    with Store.open(folder) as store:
        create_village(store, Village(code=CODE, name="测试村", county="测试县"), ["一组"])


@pytest.mark.parametrize("backups", [False, True], ids=["writes", "writes-and-backups"])
def test_two_writing_processes_never_see_locked_and_lose_nothing(tmp_path, backups):
    """Two writers side by side for a few seconds, each a service-layer write after another (with
    ``backups``, the first also takes a verified backup every 15 households while the other writes)."""
    folder = tmp_path / "data"
    _new_county(folder)
    procs = [writer(folder, tag, SECONDS, backups=backups and tag == 0, err=tmp_path / f"w{tag}.err") for tag in (0, 1)]
    committed = Committed()
    outputs = []
    for tag, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=SECONDS + 60)
        assert proc.returncode == 0, (tmp_path / f"w{tag}.err").read_text()
        lines = complete_lines(out)
        assert lines[0] == "ready" and lines[-1] == "done", lines[:3] + lines[-3:]
        outputs.append(lines)
        committed.add(lines)
    failures = [line for lines in outputs for line in lines if line.startswith("failed")]
    assert not failures, failures[:10]
    per_writer = [sum(1 for line in lines if line.startswith("committed household")) for lines in outputs]
    assert min(per_writer) > 20, per_writer  # both wrote, side by side
    if backups:
        assert committed.backups
    # Every write either reported is there, and nothing else: the counts add up.
    committed.check(folder)
    with Store.open(folder) as store:
        households = store.db.execute("SELECT count(*) FROM households").fetchone()[0]
        members = store.db.execute("SELECT count(*) FROM members").fetchone()[0]
        phones = store.db.execute("SELECT count(*) FROM households WHERE phone <> ''").fetchone()[0]
        audited = store.db.execute(
            "SELECT count(*) FROM audit_log WHERE table_name = 'households' AND action = 'insert'"
        ).fetchone()[0]
    assert households == sum(per_writer) == len(committed.households) == audited
    assert members == 2 * households + len(committed.members)
    assert phones == len(committed.phones)


_CREATE = """
import sys, time
from models.store import Store
from models.wording import describe
folder, at = sys.argv[1], float(sys.argv[2])
while time.time() < at:  # both start at the same moment
    pass
try:
    with Store.open(folder) as store:
        tables = store.db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        check = store.db.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"opened {tables} {check}", flush=True)
except Exception as exc:
    print(f"failed {type(exc).__name__}: {describe(exc)} ({exc})".replace("\\n", " "), flush=True)
    sys.exit(1)
"""


def test_two_processes_creating_one_new_data_file_at_once_both_open_it(tmp_path):
    """Both open the same new folder at the same moment: one creates the file and applies the
    migrations, the other waits for it; neither takes the half-made file for a damaged one."""
    failures = []
    for round_ in range(8):
        folder = tmp_path / f"new-{round_}"
        at = time.time() + 1.0  # after both have imported what they need
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _CREATE, str(folder), str(at)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.communicate(timeout=60), p.returncode) for p in procs]
        for (out, err), rc in results:
            if rc != 0 or "已损坏" in out + err or not out.startswith("opened"):
                failures.append(f"round {round_}: rc {rc}: {out.strip()} {err.strip()[-500:]}")
        with Store.open(folder) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert not failures, "\n".join(failures)


_IMPORT = """
import sys, time
import desktop.cli.exchange, models.exchange.package_import  # imported before the start line
from desktop.cli import main
folder, package, at = sys.argv[1], sys.argv[2], float(sys.argv[3])
while time.time() < at:
    pass
sys.exit(main(["--data", folder, "import", package]))
"""


def test_two_imports_into_one_new_folder_at_once_both_succeed(tmp_path, packages):  # noqa: F811
    """The county's first two imports started together (two clerks, or a script run twice): one
    makes the folder's keyring, file and first 管理员 and imports, the other waits, logs in as that
    管理员, then finds the package already there (once, the second came back from hashing its own
    password, found the first's new encrypted file, took it for plain data to encrypt and called
    it not a database)."""
    a = packages["A"]
    for round_ in range(3):
        folder = tmp_path / f"county-{round_}"
        at = time.time() + 1.5
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _IMPORT, str(folder), str(a["path"]), str(at)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert "已损坏" not in out + err, err
            ok(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
        assert village_counts(folder, a["code"]) == a["counts"]


def test_the_open_lock_lets_its_holder_in_again_and_no_one_else(tmp_path):
    """first_operator holds the OpenLock around the open_database that takes it again."""
    others: list[bool] = []

    def another_thread() -> None:
        lock = OpenLock(tmp_path, wait=0)
        others.append(lock.acquire(0))
        lock.release()

    with OpenLock(tmp_path, wait=0):
        with OpenLock(tmp_path, wait=0):
            pass
        thread = threading.Thread(target=another_thread)  # still held after the inner one ended
        thread.start()
        thread.join()
    assert others == [False]
    with OpenLock(tmp_path, wait=0):  # given back by the outer one
        pass


def test_two_backups_in_one_second_are_both_listed(demo_store, tmp_path):
    now = dt.datetime(2026, 12, 1, 9, 0, 0)
    first = backup.take_backup(demo_store.db.conn, tmp_path / "b", now=now)
    second = backup.take_backup(demo_store.db.conn, tmp_path / "b", now=now)
    assert first.path != second.path and second.path.exists()
    assert {b.path for b in backup.list_backups(tmp_path / "b")} == {first.path, second.path}


def test_a_backup_survives_another_process_rotating_the_same_folder(demo_store, monkeypatch):
    """Simulated deterministically: each backup the listing finds is removed right after the
    folder is read, as the other process's rotation does (seen with two processes backing up)."""
    target = backup.backup_dir(demo_store.folder)
    for day in (1, 2, 3):  # older backups the rotation of either process may remove
        backup.take_backup(demo_store.db.conn, target, now=dt.datetime(2025, 1, day, 9, 0, 0))
    real = backup._NAME
    removed = []

    class RemovedMeanwhile:
        def match(self, name: str):
            if name.startswith("cundang-2025"):
                (target / name).unlink(missing_ok=True)
                removed.append(name)
            return real.match(name)

    monkeypatch.setattr(backup, "_NAME", RemovedMeanwhile())
    info = backup_now(demo_store)
    assert removed  # the listing did meet the vanished backups
    assert info.path.exists()
    assert backup.check_backup(info.path) == info.counts
