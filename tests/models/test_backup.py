"""Backups a clerk cannot forget and a restore that is safe: verified copies, rotation, restore
that refuses a broken file and keeps the current data as a safety copy."""

import datetime as dt
import json
import os
import stat
import subprocess
import sys

import pytest

from models.errors import BackupBroken, NotABackup
from models.services import households as svc
from models.storage import backup
from models.store import Store
from tests.conftest import family, new_household


def _tables(store):
    names = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: store.db.execute(f"SELECT * FROM [{n}] ORDER BY rowid").fetchall() for n in names}


def test_a_backup_is_verified_private_and_restores_every_table(demo_store, tmp_path):
    before = _tables(demo_store)
    info = backup.take_backup(demo_store.db.conn, tmp_path / "b", now=dt.datetime(2026, 11, 30, 18, 0))
    assert info.path.name == "cundang-20261130-180000.db"
    assert info.counts["households"] == len(before["households"]) > 0
    assert stat.S_IMODE(os.stat(info.path).st_mode) == 0o600
    assert not [p for p in (tmp_path / "b").iterdir() if p.name.startswith(".")]  # no temp file left
    assert backup.check_backup(info.path) == info.counts

    with demo_store.operation():  # a change after the backup, then the restore takes it back
        demo_store.writer.update("villages", demo_store.villages.all()[0].id, {"name": "改过的村名"})
    backup.restore_into(demo_store.db.conn, info.path)
    assert _tables(demo_store) == before


def test_a_broken_or_foreign_file_is_refused_by_restore(tmp_path, demo_store):
    info = backup.take_backup(demo_store.db.conn, tmp_path / "b")
    data = bytearray(info.path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 4096):
        data[i] ^= 0x5A
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    with pytest.raises((BackupBroken, NotABackup)):
        backup.check_backup(broken)
    text = tmp_path / "notes.db"
    text.write_text("not a database")
    with pytest.raises(NotABackup):
        backup.check_backup(text)
    with pytest.raises(NotABackup):
        backup.check_backup(tmp_path)  # a directory


def test_rotation_keeps_seven_days_four_weeks_and_twelve_months(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = dt.datetime(2026, 12, 1, 18, 0)
    for day in range(400):  # one a day for 400 days, two on the newest day
        when = start - dt.timedelta(days=day)
        (folder / f"cundang-{when:%Y%m%d-%H%M%S}.db").write_bytes(b"")
    (folder / "cundang-20261201-090000.db").write_bytes(b"")
    gone = backup.rotate(folder)
    kept = sorted(p.name for p in folder.iterdir())
    assert "cundang-20261201-180000.db" in kept and "cundang-20261201-090000.db" not in kept
    days = {n[8:16] for n in kept}
    assert {f"{start - dt.timedelta(days=d):%Y%m%d}" for d in range(7)} <= days
    assert len(kept) <= 7 + 4 + 12 and len(gone) == 401 - len(kept)
    months = {n[8:14] for n in kept}
    assert len(months) == 12  # a year back, one a month


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env={**os.environ, "LANG": "C.UTF-8"}
    )


def test_backup_backups_restore_and_check_db_from_the_command_line(demo_store, tmp_path):
    folder = str(demo_store.folder)
    demo_store.close()
    done = _cli("--data", folder, "backup")
    assert done.returncode == 0 and "已备份" in done.stdout, done.stderr
    usb = tmp_path / "U盘"
    assert _cli("--data", folder, "backup", "--to", str(usb)).returncode == 0
    [listed] = json.loads(_cli("--data", folder, "backups", "--json").stdout)
    assert listed["counts"]["households"] > 0
    stats_before = _cli("--data", folder, "stats", "--json").stdout
    with Store.open(folder) as store:
        svc.save_household_file(
            store, new_household(store, store.villages.all()[0], "9001", identified_year=None), family(901)
        )
        changed = store.db.execute("SELECT count(*) FROM households").fetchone()[0]
    restored = _cli("--data", folder, "restore", listed["path"])
    assert restored.returncode == 0 and "已恢复" in restored.stdout, restored.stderr
    with Store.open(folder) as store:
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == changed - 1
    assert _cli("--data", folder, "stats", "--json").stdout == stats_before
    safety = [b for b in json.loads(_cli("--data", folder, "backups", "--json").stdout) if b["reason"] == "restore"]
    assert safety and safety[0]["counts"]["households"] == changed  # what was replaced is kept

    checked = _cli("--data", folder, "check-db")
    assert checked.returncode == 0 and "完好" in checked.stdout
    bad = tmp_path / "bad.db"
    bad.write_text("x")
    refused = _cli("--data", folder, "restore", str(bad))
    assert refused.returncode != 0 and "不是村档的备份" in refused.stderr and "Traceback" not in refused.stderr


def test_the_data_file_and_every_export_are_for_their_owner_only(tmp_path):
    """个人信息保护法: on Linux the database, its side files, backups and exported files are 0600."""
    from models.exchange.package import export_village

    demo = tmp_path / "demo"
    assert _cli("--data", str(demo), "demo", "--households", "5").returncode == 0
    for name in ("cundang.db", "cundang.db-wal", "cundang.db-shm", ".cundang-open.lock"):
        if (demo / name).exists():
            assert stat.S_IMODE(os.stat(demo / name).st_mode) == 0o600, name
    with Store.open(demo) as store:
        out = tmp_path / "p.xlsx"
        export_village(store, store.villages.all()[0].id, out)
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_a_damaged_data_file_is_restored_and_kept_aside(demo_store, tmp_path):
    """The case a restore is for: the current file does not open. It is moved aside whole (not
    deleted) and the backup's data takes its place."""
    folder = demo_store.folder
    households = demo_store.db.execute("SELECT count(*) FROM households").fetchone()[0]
    info = backup.take_backup(demo_store.db.conn, tmp_path / "usb")
    demo_store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    demo_store.close()
    db = folder / "cundang.db"
    damaged = bytearray(db.read_bytes())
    middle = len(damaged) // 2 // 4096 * 4096
    damaged[middle : middle + 8192] = b"\xa5" * 8192  # two pages in the middle: it no longer checks
    db.write_bytes(bytes(damaged))
    opened = _cli("--data", str(folder), "stats")
    assert opened.returncode == 1 and "cundang restore" in opened.stderr
    done = _cli("--data", str(folder), "restore", str(info.path))
    assert done.returncode == 0 and "已恢复" in done.stdout, done.stderr
    kept = list((folder / backup.BACKUP_DIR).glob("*-damaged.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(damaged)
    with Store.open(folder) as store:
        assert store.db.execute("SELECT count(*) FROM households").fetchone()[0] == households
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600


def test_backups_a_clerk_cannot_forget(demo_store, store):
    """Closing: at most once a day. Opening: when none was made today or the day before. An
    empty folder (nothing to lose) is not backed up. Seven days without one is stale."""
    from models.services import safety

    now = dt.datetime.now()
    assert safety.daily_backup(store, now, closing=True) is None  # no village yet
    assert safety.backup_stale(demo_store.folder, now.date())
    first = safety.daily_backup(demo_store, now, closing=True)
    assert first is not None and safety.last_backup(demo_store.folder).path == first.path
    assert safety.daily_backup(demo_store, now, closing=True) is None  # once a day
    assert not safety.backup_stale(demo_store.folder, now.date())
    assert safety.backup_stale(demo_store.folder, now.date() + dt.timedelta(days=7))

    for p in backup.backup_dir(demo_store.folder).iterdir():
        p.unlink()
    backup.take_backup(demo_store.db.conn, backup.backup_dir(demo_store.folder), now=now - dt.timedelta(days=1))
    assert safety.daily_backup(demo_store, now, closing=False) is None  # one yesterday: enough at start
    for p in backup.backup_dir(demo_store.folder).iterdir():
        p.unlink()
    backup.take_backup(demo_store.db.conn, backup.backup_dir(demo_store.folder), now=now - dt.timedelta(days=2))
    assert safety.daily_backup(demo_store, now, closing=False) is not None


def test_an_import_into_a_county_that_holds_data_backs_it_up_first(demo_store, tmp_path):
    from models.exchange.package import export_village
    from models.exchange.package_import import import_packages

    package = tmp_path / "v.xlsx"
    export_village(demo_store, demo_store.villages.all()[0].id, package, now=dt.datetime(2020, 6, 1))
    with Store.open(tmp_path / "county") as county:
        import_packages(county, [package])  # an empty county: nothing to copy
        assert backup.list_backups(backup.backup_dir(county.folder)) == []
        export_village(demo_store, demo_store.villages.all()[0].id, package, now=dt.datetime(2020, 7, 1))
        import_packages(county, [package], dry_run=True)
        assert backup.list_backups(backup.backup_dir(county.folder)) == []  # a dry run writes nothing
        import_packages(county, [package])
        [kept] = backup.list_backups(backup.backup_dir(county.folder))
        assert kept.reason == "import" and kept.counts["households"] > 0


def test_rotation_keeps_the_newest_three_copies_of_each_kind(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    for day in range(1, 8):
        (folder / f"cundang-202611{day:02d}-120000-import.db").write_bytes(b"")
    (folder / "cundang-20261101-120000-restore.db").write_bytes(b"")
    backup.rotate(folder)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [
        "cundang-20261101-120000-restore.db",
        "cundang-20261105-120000-import.db",
        "cundang-20261106-120000-import.db",
        "cundang-20261107-120000-import.db",
    ]


def test_a_killed_backups_temporary_copy_is_cleared_by_the_next(demo_store, tmp_path):
    target = tmp_path / "b"
    target.mkdir()
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = target / f".~cundang-{finished.stdout.strip()}-abcd-backup.db"
    left.write_bytes(b"half a copy of personal data")
    (target / (left.name + "-journal")).write_bytes(b"x")
    info = backup.take_backup(demo_store.db.conn, target)
    assert sorted(p.name for p in target.iterdir()) == [info.path.name]
