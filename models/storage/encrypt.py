"""Turning a folder's plain database and its plain backups into encrypted ones, leaving no plain copy."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from models.errors import BackupBroken
from models.files import TEMP_PREFIX
from models.storage import sql
from models.storage.backup import backup_dir, counts, take_backup
from models.storage.database import database_path, open_database, read_only_connection


def export_file(source_path: Path, source_key: bytes | None, dest: Path, key: bytes | None) -> dict[str, int]:
    """Write the content of the database ``source_path`` (opened with ``source_key``; None: a plain
    file) to ``dest``, a new file, encrypted with ``key`` (None: plain), by sqlcipher_export;
    verified by integrity check and record counts, which it returns. SQLite's backup API copies
    between two encrypted files, never between a plain and an encrypted one: this does."""
    source = read_only_connection(source_path, key=source_key)
    try:
        expected = counts(source)
        os.close(os.open(dest, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        as_key = f"x'{key.hex()}'" if key is not None else ""
        source.execute(f'ATTACH DATABASE ? AS dest KEY "{as_key}"', [str(dest)])
        source.execute("SELECT sqlcipher_export('dest')")
        source.execute("DETACH DATABASE dest")
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


def temp_beside(path: Path, what: str = "encrypt") -> Path:
    """A name for a new file beside ``path``, named like every temporary file (a killed run's is
    cleared by the next write into the folder); the file itself is not made."""
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{what}.db", dir=path.parent)
    os.close(fd)
    os.remove(name)  # export_file creates it anew (O_EXCL)
    return Path(name)


def convert_in_place(
    path: Path,
    old_key: bytes | None,
    new_key: bytes | None,
    before_swap: Callable[[Path], None] | None = None,
) -> None:
    """Replace a database file (no connection open on it) by its copy under ``new_key`` (None:
    plain), verified, in one rename; ``before_swap`` is given the verified copy first (to write
    in it, to mark the keyring). A plain file replaced is overwritten: a second name (a hard
    link) keeps it reachable for the wipe while the copy takes its name in one step, so the path
    never lacks a file. An encrypted one is only replaced (its bytes are the key's)."""
    tmp = temp_beside(path, "encrypt" if new_key is not None else "decrypt")
    doomed: Path | None = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-plain-{path.name}") if old_key is None else None
    try:
        export_file(path, old_key, tmp, new_key)
        if before_swap is not None:
            before_swap(tmp)
        if doomed is not None:
            try:
                os.link(path, doomed)
            except OSError:  # no hard links (a FAT32 stick): the plain file is removed unwiped
                doomed = None
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, doomed, tmp.with_name(tmp.name + "-journal")):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(leftover)
        raise
    if doomed is not None:
        wipe(doomed)
    if old_key is None:
        for side in ("-wal", "-shm", "-journal"):
            side_file = path.with_name(path.name + side)
            if side_file.exists():
                wipe(side_file)


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Replace a plain database file (no connection open on it) by its encrypted copy, then
    overwrite the plain one (see ``convert_in_place``)."""
    convert_in_place(path, None, key)


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
