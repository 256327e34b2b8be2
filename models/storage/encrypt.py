"""Turning a folder's plain database and its plain backups into encrypted ones, leaving no plain copy."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from models.errors import BackupBroken
from models.files import TEMP_PREFIX
from models.storage import sql
from models.storage.backup import backup_dir, counts, take_backup
from models.storage.database import database_path, open_database, read_only_connection


def encrypt_file(plain: Path, key: bytes, dest: Path) -> dict[str, int]:
    """Write ``plain``'s content, encrypted with ``key``, to ``dest`` (a new file), verified by
    integrity check and record counts; returns the counts."""
    source = read_only_connection(plain)
    try:
        expected = counts(source)
        os.close(os.open(dest, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        source.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", [str(dest)])
        source.execute("SELECT sqlcipher_export('enc')")
        source.execute("DETACH DATABASE enc")
    finally:
        source.close()
    check = sql.connect(str(dest), key=key)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
        found = counts(check)
    finally:
        check.close()
    if result != "ok" or found != expected:
        raise BackupBroken(path=dest, detail=f"{result}; counts {found} != {expected}")
    return found


def wipe(path: Path) -> None:
    """Overwrite a file with random bytes before removing it, where the disk lets us: on an SSD
    or a copy-on-write file system the old blocks may survive (the data is encrypted from now
    on either way; the plain file is only not left lying about)."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            left = size
            while left > 0:
                chunk = min(left, 1 << 20)
                fh.write(os.urandom(chunk))
                left -= chunk
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _temp_beside(path: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix="-encrypt.db", dir=path.parent)
    os.close(fd)
    os.remove(name)  # encrypt_file creates it anew (O_EXCL)
    return Path(name)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Replace a plain database file (no connection open on it) by its encrypted copy, then
    overwrite the plain one. A second name (a hard link) keeps the plain file reachable for the
    wipe while the encrypted copy takes its name in one step: the path never lacks a file."""
    tmp = _temp_beside(path)
    doomed = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-plain-{path.name}")
    try:
        encrypt_file(path, key, tmp)
        try:
            os.link(path, doomed)
        except OSError:  # no hard links (a FAT32 stick): copy the plain bytes aside to wipe them
            doomed = None  # type: ignore[assignment]
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, doomed):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)
        raise
    if doomed is not None:
        wipe(doomed)
    for side in ("-wal", "-shm", "-journal"):
        side_file = path.with_name(path.name + side)
        if side_file.exists():
            wipe(side_file)


def encrypt_folder(folder: Path, key: bytes) -> None:
    """The folder's plain database encrypted after a verified backup, and every plain backup in
    its 备份 encrypted too (the backup just taken included): no plain copy stays in the folder."""
    folder = Path(folder)
    db = open_database(folder)  # upgraded first, so that the copy is of the current schema
    try:
        take_backup(db.conn, backup_dir(folder), reason="encrypt")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    encrypt_in_place(database_path(folder), key)
    for backup in sorted(backup_dir(folder).glob("cundang-*.db")):
        if sql.is_plain_sqlite(backup):
            encrypt_in_place(backup, key)
