"""Verified backups of the data file (SQLite's online backup API), kept by rotation, and a restore
that checks the backup first and keeps the current file as a safety copy."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from models.errors import BackupBroken, NotABackup, NotADatabase
from models.files import TEMP_PREFIX, remove_leftovers
from models.storage import sql
from models.storage.database import read_only_connection
from models.storage.migrations import applied_migrations

BACKUP_DIR = "备份"  # inside the data folder; a second target (a USB stick) may be chosen too
# Daily backups for a week, then one a week for four weeks, then one a month for a year.
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
KEEP_REASONED = 3  # of each kind of copy taken before something (import, restore, upgrade)
COUNTED = ("villages", "households", "members", "audit_log")  # the counts a backup is verified by
COUNT_LABELS = {"villages": "村", "households": "户", "members": "人", "audit_log": "变更记录"}
REASON_LABELS = {
    "": "",
    "import": "导入前",
    "restore": "恢复前",
    "upgrade": "升级前",
    "encrypt": "加密前",
    "decrypt": "取消加密前",
}
# cundang-20261201-180000.db, cundang-20261201-180000_2-import.db (older copies: …-import2.db)
_NAME = re.compile(r"^cundang-(\d{8})-(\d{6})(?:_\d+)?(?:-([a-z]+)\d*)?\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: dt.datetime
    size: int
    counts: dict[str, int]
    reason: str = ""  # '' (daily or asked for), or what it was taken before: import, restore, upgrade


def backup_dir(folder: Path) -> Path:
    return Path(folder) / BACKUP_DIR


def counts(conn: sql.Connection) -> dict[str, int]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED if t in tables}


def key_for(path: Path, key: bytes | None) -> bytes | None:
    """The key to open a backup with: None for a plain file (one taken while the folder was not
    encrypted), else ``key``. A folder's backups may be of both kinds once a 管理员 has changed its
    encryption; all of them open with the keyring's one data key. Asked of backups only, never of
    the open data file (see storage.sql.is_plain_sqlite)."""
    try:
        return None if sql.is_plain_sqlite(path) else key
    except OSError:
        return key  # said by whoever opens it


def looks_encrypted(path: Path) -> bool:
    """A file of whole 4 KiB pages with no SQLite header: an SQLCipher file (this program's)."""
    try:
        size = Path(path).stat().st_size
        return size > 0 and size % 4096 == 0 and not sql.is_plain_sqlite(path)
    except OSError:
        return False


def keyring_beside(path: Path) -> Path:
    """Where the copy of the folder's keyring goes beside a backup: the same name, ``.keys``."""
    return Path(path).with_suffix(".keys")


def take_backup(
    conn: sql.Connection, target: Path, *, reason: str = "", now: dt.datetime | None = None, key: bytes | None = None
) -> BackupInfo:
    """Copy the open database into ``target`` (a folder), verify the copy (integrity_check, and
    the record counts of the source at the moment of the copy), and only then give it its name.
    A copy that fails verification is removed and BackupBroken raised. The temporary copy is
    named like every temporary file (``files.atomic_file``), so one a killed run left is cleared
    by the next backup into the folder. ``key``: the data key of an encrypted folder; the copy
    is encrypted with it too (and the folder's keyring is copied beside it, to restore elsewhere)."""
    now = now or dt.datetime.now()
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix="-backup.db", dir=target)
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        dest = sql.connect(tmp, key=key)
        try:
            dest.execute("PRAGMA journal_mode=OFF")  # a copy nobody uses yet: no journal, one sync at the end
            dest.execute("PRAGMA synchronous=OFF")
            conn.execute("BEGIN")  # the counts and the copy see the same state
            try:
                expected = counts(conn)
                conn.backup(dest)
            finally:
                conn.execute("COMMIT")
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            _verify(dest, Path(tmp), expected)
        finally:
            dest.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        final = _claim_name(Path(tmp), target, f"cundang-{now:%Y%m%d-%H%M%S}", f"-{reason}" if reason else "")
    except BaseException:
        for side in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.remove(tmp + side)
        raise
    return BackupInfo(final, now, final.stat().st_size, expected, reason)


def _claim_name(tmp: Path, target: Path, stem: str, suffix: str) -> Path:
    """Give the verified copy its dated name without ever replacing another backup: two in one
    second (two processes, a quick second click) get _2, _3…. A hard link claims a name atomically;
    where the disk has none (a FAT32 USB stick) the name is checked, then the file renamed."""
    for n in range(1, 1000):
        final = target / f"{stem}{f'_{n}' if n > 1 else ''}{suffix}.db"
        try:
            os.link(tmp, final)
        except FileExistsError:
            continue
        except OSError:
            if final.exists():
                continue
            os.replace(tmp, final)
            return final
        os.remove(tmp)
        return final
    raise FileExistsError(str(target / f"{stem}{suffix}.db"))


def _verify(conn: sql.Connection, path: Path, expected: dict[str, int] | None = None) -> dict[str, int]:
    """Raise BackupBroken unless the file passes integrity_check (and holds ``expected`` counts)."""
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupBroken(path=path, detail=str(result))
        found = counts(conn)
    except sql.DatabaseError as exc:
        raise BackupBroken(path=path, detail=str(exc)) from exc
    if expected is not None and found != expected:
        raise BackupBroken(path=path, detail=f"counts {found} != {expected}")
    return found


def check_backup(path: Path, key: bytes | None = None) -> dict[str, int]:
    """A backup file fit to restore: a 村档 database this program can read, whole. Its counts."""
    path = Path(path)
    if not path.is_file():
        raise NotABackup(path=path)
    conn = read_only_connection(path, key=key)
    try:
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sql.DatabaseError as exc:
            raise NotABackup(path=path) from exc
        try:
            applied_migrations(conn, path, tables)
        except NotADatabase:
            raise NotABackup(path=path) from None
        return _verify(conn, path)
    finally:
        conn.close()


def list_backups(target: Path, *, counts_too: bool = True, key: bytes | None = None) -> list[BackupInfo]:
    """The backups in a folder, newest first (counts read from each, plain or under ``key``; a
    broken one, or one of another key, shows none).
    ``counts_too=False`` reads names and sizes only: opening a county's copies to count them took
    seconds, and the window's status line needs only the newest date."""
    out = []
    for path in Path(target).glob("cundang-*.db"):
        match = _NAME.match(path.name)
        if not match:
            continue
        taken = dt.datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
        found: dict[str, int] = {}
        if counts_too:
            try:
                conn = read_only_connection(path, key=key_for(path, key))
                try:
                    found = counts(conn)
                finally:
                    conn.close()
            except sql.DatabaseError:
                found = {}
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # rotated away by another process meanwhile
            continue
        out.append(BackupInfo(path, taken, size, found, match[3] or ""))
    return sorted(out, key=lambda b: (b.taken, b.path.name), reverse=True)


def to_keep(backups: list[BackupInfo]) -> set[Path]:
    """Rotation: the newest of each of the last 7 days, 4 weeks and 12 months that have one; of
    the copies taken before an import, a restore or an upgrade, the newest 3 of each kind."""
    keep: set[Path] = set()
    for reason in {b.reason for b in backups if b.reason}:
        keep.update([b.path for b in backups if b.reason == reason][:KEEP_REASONED])  # newest first
    backups = [b for b in backups if not b.reason]
    for key, limit in (
        (lambda b: b.taken.date(), KEEP_DAILY),
        (lambda b: b.taken.isocalendar()[:2], KEEP_WEEKLY),
        (lambda b: (b.taken.year, b.taken.month), KEEP_MONTHLY),
    ):
        seen: list[object] = []
        for b in backups:  # newest first: the first of a period is its newest
            k = key(b)
            if k not in seen:
                seen.append(k)
                if len(seen) <= limit:
                    keep.add(b.path)
    return keep


def rotate(target: Path) -> list[Path]:
    """Remove the backups rotation no longer keeps; returns them."""
    backups = list_backups(target, counts_too=False)
    keep = to_keep(backups)
    gone = [b.path for b in backups if b.path not in keep]
    for path in gone:
        for doomed in (path, keyring_beside(path)):  # and the keyring copy that opens it, if any
            with contextlib.suppress(FileNotFoundError):  # another process rotating the same folder
                os.remove(doomed)
    return gone


def restore_into(conn: sql.Connection, backup: Path, key: bytes | None = None) -> dict[str, int]:
    """Replace the open database's content with the backup's, in one step (the backup API writes
    the whole destination under its lock). The caller has checked the backup and kept a safety copy."""
    source = read_only_connection(Path(backup), key=key)
    try:
        source.backup(conn)
    finally:
        source.close()
    return counts(conn)


def set_aside(db_file: Path, target: Path, *, now: dt.datetime | None = None) -> Path:
    """Move a damaged data file and its -wal/-shm into ``target`` under one dated name; returns
    the data file's new path (nothing is deleted: someone may still recover from it)."""
    now = now or dt.datetime.now()
    target.mkdir(parents=True, exist_ok=True)
    moved = target / f"cundang-{now:%Y%m%d-%H%M%S}-damaged.db"
    for suffix in ("", "-wal", "-shm"):
        side = db_file.with_name(db_file.name + suffix)
        if side.exists():
            os.replace(side, moved.with_name(moved.name + suffix))
    return moved


def copy_into(backup: Path, db_file: Path, key: bytes | None = None) -> dict[str, int]:
    """A new data file, for its owner only, holding the backup's data."""
    os.close(os.open(db_file, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    dest = sql.connect(str(db_file), key=key)
    try:
        restore_into(dest, backup, key)
        return counts(dest)
    finally:
        dest.close()
