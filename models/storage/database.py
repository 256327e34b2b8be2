"""Opening the data folder's SQLite file safely: checks, backup, migrations, pragmas."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlite_utils import Database

from models.errors import (
    CorruptDatabase,
    DatabaseBusy,
    DataFolderNotWritable,
    DiskFull,
    DiskIOError,
    NeedsUpgrade,
    NotADatabase,
    StorageError,
)
from models.storage import sql
from models.storage.folder_lock import OpenLock
from models.storage.migrations import KNOWN, applied_migrations, migrations

DB_NAME = "cundang.db"
FULL_CHECK_BYTES = 64 * 2**20  # every village-sized file is fully checked when opened


def database_path(folder: Path) -> Path:
    return Path(folder) / DB_NAME


def has_data(folder: Path) -> bool:
    path = database_path(folder)
    return path.exists() and path.stat().st_size > 0


def open_database(folder: Path | str, applied: list[str] | None = None, *, key: bytes | None = None) -> Database:
    """Open (creating if needed) the database of a data folder.

    Refuses, without changing a byte of the file, a file that is not a
    database, a corrupt one, one written by a newer version of the program,
    and a folder that cannot be written. Backs the file up before upgrading it.
    ``applied`` receives the names of the migrations this opening applied to an existing file.
    ``key``: the folder's data key, for an encrypted file (storage.keyring); a new file is then
    created encrypted.
    """
    folder = Path(folder)
    _ensure_writable(folder)
    path = database_path(folder)
    # One opener at a time creates, checks and upgrades the file: two imports into a new folder
    # once met half-way, and one took the other's half-made file for a damaged one.
    with OpenLock(folder):
        if path.exists() and path.stat().st_size > 0:
            pending = _inspect(path, key)
            if pending:
                _backup(path, pending, key)
                if applied is not None:
                    applied.extend(pending)
        if not path.exists():  # created for its owner only; SQLite gives its -wal and -shm the same mode
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        conn = sql.connect(str(path), key=key, timeout=BUSY_TIMEOUT_S)
        db = Database(conn)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")  # these laptops lose power
            db.execute("PRAGMA cache_size=-65536")  # 64 MiB: county-sized indexes stay in memory
            migrations.apply(db)
            db.execute("PRAGMA foreign_keys=ON")  # after migrations: transform() needs FKs off
        except sql.Error as exc:
            conn.close()
            raise storage_error(exc, path, key) from exc
    return db


def open_read_only(folder: Path | str, *, key: bytes | None = None) -> Database:
    """The folder's database for reading only (another window has it open for writing). Refuses a
    file that still needs an upgrade: only a writer may upgrade it."""
    path = database_path(Path(folder))
    if not (path.exists() and path.stat().st_size > 0):
        raise NotADatabase(path=path)
    try:
        conn = read_only_connection(path, key=key)
        conn.execute("PRAGMA query_only = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        pending = [name for name in KNOWN if name not in applied_migrations(conn, path, tables)]
    except sql.Error as exc:
        raise storage_error(exc, path, key) from exc
    if pending:
        conn.close()
        raise NeedsUpgrade(path=path)
    return Database(conn)


BUSY_TIMEOUT_S = 60  # a writer waits this long for another's transaction (a county package takes seconds)


def failure_kind(exc: sql.Error) -> str:
    """What an SQLite failure says of itself: busy, full, readonly, notadb, damaged (a claim that
    only an integrity check can prove) or io. Read by storage_error and by wording alike."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return "busy"
    if name == "SQLITE_FULL" or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "readonly"
    if name == "SQLITE_NOTADB" or "not a database" in text:
        return "notadb"
    if name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        return "damaged"
    return "io"


def storage_error(exc: sql.Error, path: Path, key: bytes | None = None) -> StorageError:
    """The true error behind an SQLite failure: busy, disk full, an I/O error, or (only when an
    integrity check proves it) a damaged file."""
    kind = failure_kind(exc)
    if kind == "busy":
        return DatabaseBusy(path=path)
    if kind == "full" or _disk_full(path.parent):
        return DiskFull(path=path.parent)
    if kind == "readonly":
        return DataFolderNotWritable(path=path, detail="read-only file")
    if kind == "notadb" and path.exists() and not _has_sqlite_header(path):
        return NotADatabase(path=path)
    verdict = integrity_verdict(path, key)
    if verdict not in ("ok", ""):
        return CorruptDatabase(path=path, detail=verdict)
    return DiskIOError(path=path, detail=str(exc))


def integrity_verdict(path: Path, key: bytes | None = None) -> str:
    """'ok', the first problem the full integrity check finds, or '' when the check itself could
    not run (the disk failing, the file busy): then nothing is proved either way."""
    try:
        conn = read_only_connection(path, immutable=not _in_use(path), key=key)  # creates no side files
    except sql.Error:
        return ""
    try:
        return str(conn.execute("PRAGMA integrity_check(1)").fetchone()[0])
    except sql.Error as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return str(exc)
        return ""
    finally:
        conn.close()


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        return False


def _ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".cundang-probe-", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise DataFolderNotWritable(path=folder, detail=exc.strerror or str(exc)) from exc
    db_file = database_path(folder)
    if db_file.exists() and not os.access(db_file, os.W_OK):
        raise DataFolderNotWritable(path=db_file, detail="read-only file")


def read_only_connection(path: Path, *, immutable: bool = False, key: bytes | None = None) -> sql.Connection:
    """A connection that cannot write the file (``immutable``: nor create its side files)."""
    uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    return sql.connect(uri, uri=True, key=key)


def _in_use(path: Path) -> bool:
    """Whether another connection may be live: the file has its -wal or -shm beside it."""
    return any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-shm"))


def _inspect(path: Path, key: bytes | None = None) -> list[str]:
    """Read-only checks of an existing file; returns the migrations it still needs."""
    # The header is checked by SQLite itself ("file is not a database"), never by opening the
    # file here: closing any other descriptor of the file drops every POSIX lock this process
    # holds on it, and another process could then take itself for the last user and delete the
    # WAL under our feet (seen with the county import's worker processes).
    # With no -wal/-shm beside it, nobody has the file open and it is complete: read it as
    # immutable, which creates no side files. With them, another connection may be live: read
    # normally, and never delete a side file (another process may be using it).
    try:
        conn = read_only_connection(path, immutable=not _in_use(path), key=key)
    except sql.Error as exc:
        raise storage_error(exc, path, key) from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return []  # an empty SQLite file: nothing to back up
        applied = applied_migrations(conn, path, tables)
        # A full page-by-page check costs ~30 ms for a village's file but ~10 s for a county's;
        # larger files are checked as they are read (SQLite reports a malformed page then).
        if path.stat().st_size <= FULL_CHECK_BYTES:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise CorruptDatabase(path=path, detail=str(result))
        elif "villages" in tables:
            conn.execute("SELECT count(*) FROM villages").fetchone()
        return [name for name in KNOWN if name not in applied]
    except sql.Error as exc:
        conn.close()
        raise storage_error(exc, path, key) from exc
    finally:
        conn.close()


def _has_sqlite_header(path: Path) -> bool:
    """Only asked once SQLite has refused the file, so no connection of ours can be using it."""
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _backup(path: Path, pending: list[str], key: bytes | None = None) -> Path:
    """A verified backup (WAL included) into the folder's 备份, before any upgrade."""
    from models.storage.backup import backup_dir, take_backup

    src = read_only_connection(path, key=key)
    try:
        return take_backup(src, backup_dir(path.parent), reason="upgrade", key=key).path
    finally:
        src.close()
