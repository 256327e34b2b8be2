"""Killed at any moment, the data survives: a writer process killed with SIGKILL at random points
(seeded) keeps every write it reported as committed, the file stays whole, and the folder works
again afterwards; an import killed part-way leaves its village absent or whole, never half."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.storage import backup
from models.store import Store
from tests.cli.test_cli import OPERATOR

ROOT = Path(__file__).resolve().parents[2]
CODE = "450123101201"  # the writers' village (not the demo's)

# A writer doing real service-layer writes in a loop; after each write returns it prints
# "committed <kind> <key> [value]" (flushed). A write that raises prints "failed <error>" and the
# loop goes on (the contention test counts those). Arguments: folder, tag (0 or 1: each tag has
# its own household numbers and ID numbers), seconds to run (0: until killed), backups (1: a
# verified backup every 15 households).
WRITER = r"""
import dataclasses, datetime as dt, sys, time
from models import idnumber
from models.domain import Household, Member, Village
from models.services import households as svc
from models.services.safety import backup_now
from models.services.villages import create_village
from models.store import Store
from models.wording import describe

folder, tag, seconds, backups = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"
REGION, CODE = "450123", "450123101201"
BASE = 1000 + tag * 4000
store = Store.open(folder, actor=f"写入测试{tag}")
print("ready", flush=True)
village = store.villages.by_code(CODE)
if village is None:
    village = store.villages.get(create_village(store, Village(code=CODE, name="测试村", county="测试县"), ["一组"]).id)
    print(f"committed village {CODE}", flush=True)
group = store.villages.groups(village.id)[0]
taken = [int(r[0][-4:]) for r in store.db.execute(
    "SELECT household_no FROM households WHERE household_no BETWEEN ? AND ?",
    [f"{CODE}{BASE:04d}", f"{CODE}{BASE + 3999:04d}"])]
n = max(taken, default=BASE - 1) + 1 - BASE


def person(k, relation, sex):
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=tag * 8000 + k)
    return Member(name=f"测{k}", relation=relation, sex=sex, birth_date=birth.isoformat(),
                  id_number=idnumber.make(REGION, birth, 1 if sex == "1" else 2, sex), medical_insurance=1)


end = time.monotonic() + seconds
while seconds == 0 or time.monotonic() < end:
    no = f"{CODE}{BASE + n:04d}"
    try:
        household = Household(village_id=village.id, household_no=no, group_id=group.id, identified_year=2014,
                              attribute="general", main_cause="illness", dangerous_house="no")
        hid = svc.register_household(store, household, [person(2 * n, "head", "1"), person(2 * n, "spouse", "2")]).id
        print(f"committed household {no}", flush=True)
        if n % 3 == 0:
            stored = store.households.file(hid)
            phone = f"139{tag}{n:07d}"
            svc.update_household(store, dataclasses.replace(stored.household, phone=phone), stored.members)
            print(f"committed phone {no} {phone}", flush=True)
        if n % 4 == 0:
            newcomer = person(2 * n + 1, "other", "1")
            svc.add_member(store, hid, newcomer, "move_in", "2020-01-01")
            print(f"committed member {newcomer.id_number}", flush=True)
        if backups and n % 15 == 0:
            print(f"committed backup {backup_now(store).path}", flush=True)
    except Exception as exc:
        print(f"failed {type(exc).__name__}: {describe(exc)} ({exc})".replace("\n", " "), flush=True)
    n += 1
print("done", flush=True)
"""


from models.store import unlock  # noqa: E402 (after the writer's script)


def env_login():
    """The operator a county folder made by the command line has (tests/conftest.py's)."""
    from models.store import Login

    return Login(os.environ["CUNDANG_USER"], os.environ["CUNDANG_PASSWORD"])


def writer(folder: Path, tag: int, seconds: float, *, backups: bool, err: Path) -> subprocess.Popen:
    """Start a writer; its stdout is a pipe, its stderr goes to ``err`` (one pipe only, so lines
    read before the end are never lost to communicate's own reading)."""
    with open(err, "w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(tag), str(seconds), "1" if backups else "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )


def complete_lines(text: str) -> list[str]:
    """The lines printed whole (a kill can cut the last one short)."""
    return text.split("\n")[:-1]


class Committed:
    """What writers reported as committed, to be found in the folder."""

    def __init__(self) -> None:
        self.households: set[str] = set()
        self.phones: dict[str, str] = {}
        self.members: set[str] = set()
        self.backups: set[str] = set()
        self.village = False

    def add(self, lines: list[str]) -> int:
        """Take a writer's lines; returns how many commits they report."""
        found = 0
        for line in lines:
            if not line.startswith("committed "):
                continue
            found += 1
            _, kind, key, *rest = line.split(" ")
            if kind == "village":
                self.village = True
            elif kind == "household":
                self.households.add(key)
            elif kind == "phone":
                self.phones[key] = rest[0]
            elif kind == "member":
                self.members.add(key)
            elif kind == "backup":
                self.backups.add(key)
        return found

    def check(self, folder: Path) -> None:
        """The file opens, passes integrity_check and foreign_key_check, and holds every reported write."""
        with Store.open(folder, login=env_login()) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
            if self.village:
                assert store.villages.by_code(CODE) is not None
            stored = dict(store.db.execute("SELECT household_no, phone FROM households").fetchall())
            missing = self.households - set(stored)
            assert not missing, f"committed households lost: {sorted(missing)[:10]}"
            wrong = {no: (phone, stored.get(no)) for no, phone in self.phones.items() if stored.get(no) != phone}
            assert not wrong, f"committed phone changes lost: {wrong}"
            numbers = {r[0] for r in store.db.execute("SELECT id_number FROM members")}
            lost = self.members - numbers
            assert not lost, f"committed members lost: {sorted(lost)[:10]}"
            # Each household a writer registered has its identification event and both its members.
            for table, per in (("status_events", 1), ("members", 2)):
                short = store.db.execute(
                    f"SELECT h.household_no FROM households h LEFT JOIN {table} t ON t.household_id = h.id "
                    f"WHERE h.household_no LIKE '{CODE}%' GROUP BY h.id HAVING count(t.id) < {per}"
                ).fetchall()
                assert not short, f"households without their {table}: {short[:10]}"
        # Every backup that carries a backup's name is whole (rotation may have removed older ones).
        key = store.session.db_key
        listed = backup.list_backups(backup.backup_dir(folder), key=key)
        for info in listed:
            backup.check_backup(info.path, key)
        if self.backups:
            assert listed, "backups were reported, but the 备份 folder holds none"


def cundang(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, f"rc {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def village_counts(folder: Path, code: str) -> tuple[int, int] | None:
    """(households, members) of the village with ``code``, or None when the folder has no such village."""
    with Store.open(folder, login=env_login()) as store:
        village = store.villages.by_code(code)
        if village is None:
            return None
        households = store.db.execute("SELECT count(*) FROM households WHERE village_id = ?", [village.id])
        members = store.db.execute("SELECT count(*) FROM members WHERE village_id = ?", [village.id])
        return households.fetchone()[0], members.fetchone()[0]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two demo villages' packages (A, the one imported under kills, and B), exported with the
    CLI, and a county folder holding B."""
    work = tmp_path_factory.mktemp("packages")
    source = work / "source"
    ok(cundang("--data", str(source), "demo", "--seed", "3", "--villages", "2", "--households", "150"))
    villages = json.loads(ok(cundang("--data", str(source), "stats", "--json")))["villages"]
    found = {}
    for name, v in zip("AB", villages):
        path = work / f"{name}.xlsx"
        ok(cundang("--data", str(source), "export", "--village", v["code"], "--out", str(path)))
        found[name] = {"path": path, "code": v["code"], "counts": village_counts(source, v["code"])}
    county = work / "county-with-B"
    ok(cundang("--data", str(county), "import", str(found["B"]["path"])))
    assert village_counts(county, found["B"]["code"]) == found["B"]["counts"]
    return {**found, "county": county}


def test_a_writer_killed_at_random_points_loses_no_committed_write(tmp_path, packages):
    rng = random.Random(20261201)
    folder = tmp_path / "data"
    committed = Committed()
    during_writes = 0
    for i in range(20):
        proc = writer(folder, 0, 0, backups=True, err=tmp_path / f"writer-{i}.err")
        assert proc.stdout is not None
        if i % 5 == 4:  # some kills while the process starts and opens (or creates) the file
            time.sleep(rng.uniform(0.05, 0.4))
            head = ""
        else:  # most while it writes
            head = proc.stdout.readline()
            assert head == "ready\n", (head, (tmp_path / f"writer-{i}.err").read_text())
            time.sleep(rng.uniform(0.05, 1.2))
        assert proc.poll() is None, f"the writer stopped by itself: {(tmp_path / f'writer-{i}.err').read_text()}"
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        lines = complete_lines(head + out)
        assert not [line for line in lines if line.startswith("failed")], lines
        during_writes += committed.add(lines) > 0
        committed.check(folder)
    assert during_writes >= 10 and len(committed.households) > 100  # the kills did land among writes
    # The killed folder works on: a real import of a package, the full check; and the demo elsewhere.
    ok(cundang("--data", str(folder), "import", str(packages["A"]["path"])))
    assert village_counts(folder, packages["A"]["code"]) == packages["A"]["counts"]
    committed.check(folder)
    assert "结论：数据完好。" in ok(cundang("--data", str(folder), "check-db"))
    ok(cundang("--data", str(tmp_path / "fresh"), "demo", "--households", "20"))


def _kill_group(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process and any worker it started after ``delay``; whether it was still running
    (one run can be quicker than the one timed)."""
    time.sleep(delay)
    running = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # it had ended, and nothing of its group is left
        pass
    proc.wait(timeout=30)
    return running


def test_an_import_killed_part_way_leaves_the_village_absent_or_whole(tmp_path, packages):
    rng = random.Random(7)
    a, b = packages["A"], packages["B"]

    def start_import(folder: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "desktop", "--data", str(folder), "import", str(a["path"])],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the kill takes any worker with it
            env={**os.environ, **OPERATOR},  # a new county folder's first 管理员
        )

    # How long a whole import takes here, into a county that holds B (a backup is taken first).
    timing = tmp_path / "timing"
    shutil.copytree(packages["county"], timing)
    start = time.perf_counter()
    ok(cundang("--data", str(timing), "import", str(a["path"])))
    whole = time.perf_counter() - start
    assert village_counts(timing, a["code"]) == a["counts"]

    outcomes = []
    empty_after_kill = None  # a new folder whose import was killed before anything was written
    with_b = packages["county"]
    running = 0
    for i in range(8):
        fresh = i % 3 == 1  # a new county folder, or the county holding B
        folder = tmp_path / f"county-{i}"
        if not fresh:
            shutil.copytree(packages["county"], folder)
        proc = start_import(folder)
        # Anywhere from the start to the end (the write and its commit come last).
        running += _kill_group(proc, rng.uniform(0.25, 1.05) * whole)
        if not (folder / "cundang.db").exists():
            outcomes.append("no file yet")
            continue
        with Store.open(folder, login=env_login()) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        found = village_counts(folder, a["code"])
        assert found in (None, a["counts"]), f"half a village after the kill: {found} of {a['counts']}"
        outcomes.append("absent" if found is None else "whole")
        if not fresh:
            assert village_counts(folder, b["code"]) == b["counts"]
            with_b = folder
        elif found is None:
            empty_after_kill = folder
        key = unlock(folder, env_login()).db_key  # a county the command line made is encrypted
        for info in backup.list_backups(backup.backup_dir(folder), key=key):
            backup.check_backup(info.path, key)
    print("import kills:", outcomes, f"whole import {whole:.1f} s")
    assert running >= 4, "most imports ended before their kill"
    # The last killed county takes the import again, whole; B is untouched.
    ok(cundang("--data", str(with_b), "import", str(a["path"])))
    assert village_counts(with_b, a["code"]) == a["counts"]
    assert village_counts(with_b, b["code"]) == b["counts"]
    # A new folder whose import was killed before anything was written takes the demo; one killed
    # after its first 管理员 was made (its keyring is there) takes the import again.
    if empty_after_kill is not None and (empty_after_kill / "cundang.keys").exists():
        ok(cundang("--data", str(empty_after_kill), "import", str(a["path"])))
        assert village_counts(empty_after_kill, a["code"]) == a["counts"]
    else:
        ok(cundang("--data", str(empty_after_kill or tmp_path / "demo"), "demo", "--households", "20"))


_CREATE = """
import sys
from models.store import Store
print("imported", flush=True)
Store.open(sys.argv[1]).close()
print("created", flush=True)
"""


def test_a_new_data_file_killed_while_it_is_created_opens_afterwards(tmp_path):
    """Killed while it creates the file and applies the migrations, the next opening finishes the job."""
    rng = random.Random(11)
    for i in range(8):
        folder = tmp_path / f"new-{i}"
        proc = subprocess.Popen(
            [sys.executable, "-c", _CREATE, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "imported\n"
        time.sleep(rng.uniform(0, 0.08))  # creating the file and its migrations takes ~70 ms here
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        with Store.open(folder, login=env_login()) as store:
            assert store.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert store.villages.count() == 0
