"""The one SQLite driver: SQLCipher's build of SQLite (sqlcipher3), for encrypted and plain files.

Every connection of the program is made here, so that one family of exceptions is raised and
caught everywhere. A file opened without a key is a plain SQLite file, as with the standard
library's module; with a key (32 random bytes, see storage.keyring) every page is encrypted.

sqlcipher3 over the alternatives (measured and read, December 2026): it is a DB-API module, a fork
of pysqlite3 with the same API as the standard library's sqlite3, so sqlite-utils takes its
connection as it is; apsw-sqlite3mc speaks APSW's own API, which sqlite-utils cannot use. It has
wheels for Windows and manylinux_2_28.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlite_utils.db
import sqlite_utils.utils

if TYPE_CHECKING:  # the same API as the standard library's module, whose types typeshed knows
    import sqlite3 as driver
else:
    from sqlcipher3 import dbapi2 as driver

Connection = driver.Connection
Error = driver.Error
DatabaseError = driver.DatabaseError
OperationalError = driver.OperationalError
IntegrityError = driver.IntegrityError
NotSupportedError = driver.NotSupportedError

# sqlite-utils catches its driver's exceptions by the module it imported (it takes pysqlite3 when
# that is installed, the standard library's sqlite3 otherwise); sqlcipher3 is a pysqlite3 fork,
# so pointing that name at it makes sqlite-utils catch what our connections raise.
sqlite_utils.db.sqlite3 = driver
sqlite_utils.db.OperationalError = driver.OperationalError
sqlite_utils.utils.sqlite3 = driver
sqlite_utils.utils.OperationalError = driver.OperationalError

KEY_BYTES = 32


def connect(target: str, *, key: bytes | None = None, uri: bool = False, timeout: float = 5.0) -> Connection:
    """A connection to ``target``; with ``key``, the file is read and written encrypted (a wrong
    key shows when the first page is read: "file is not a database")."""
    conn = driver.connect(target, uri=uri, timeout=timeout)
    if key is not None:
        apply_key(conn, key)
    return conn


def rollback(conn: Connection) -> None:
    """Roll back the open transaction. By SQL, not ``conn.rollback()``: sqlcipher3's method resets
    every statement of the connection, and a cached statement whose cursor was still open then
    fails its next use ("Error binding parameter 0"; the standard library's module does not)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def apply_key(conn: Connection, key: bytes) -> None:
    """Give a fresh connection its raw key (no passphrase derivation: the key is random already)."""
    if len(key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary tables never reach the disk


def is_plain_sqlite(path: object) -> bool:
    """Whether the file starts with SQLite's header (a plain file); an SQLCipher file's first page
    is random bytes. Only asked when no connection of ours has the file open (see database._inspect)."""
    with open(str(path), "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"
