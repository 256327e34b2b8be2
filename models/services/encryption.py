"""A 管理员 encrypts a data folder, or keeps it plain by an explicit choice recorded in the audit trail."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from sqlite_utils import Database

from models.errors import EncryptionBlocked, EncryptionOffNotConfirmed, NoOperatorsYet, ReadOnlyStore
from models.services.operators import UNENCRYPTED_SETTING
from models.storage import backup, sql
from models.storage.audit import AuditedWriter
from models.storage.base import transaction
from models.storage.database import database_path
from models.storage.encrypt import convert_in_place, encrypt_in_place
from models.storage.guarded import GuardedWriter
from models.storage.keyring import Keyring, mark_pending
from models.store import Session, Store


def chosen_unencrypted_by(store: Store) -> str:
    """The 管理员 who chose to keep the folder unencrypted ('' when nobody did)."""
    row = store.db.execute("SELECT value FROM settings WHERE key = ?", [UNENCRYPTED_SETTING]).fetchone()
    if row is None:
        return ""
    try:
        return str(json.loads(row[0]))
    except (TypeError, ValueError):
        return str(row[0])


def set_encrypted(store: Store, on: bool, *, confirmed: bool = False) -> Store:
    """Encrypt the folder (``on``) or make it plain, and return the store opened anew in that state.

    A 管理员's action, in a folder with operators (a demo's has none and is not encrypted).
    Turning encryption off is asked for explicitly (``confirmed``; EncryptionOffNotConfirmed
    otherwise). Either way a verified backup of the data as it is comes first, then a verified
    copy in the new state takes the file's name in one rename, with the setting that records the
    choice (``UNENCRYPTED_SETTING``: who chose to keep it plain) written in the copy by the
    audited writer, so that the record and the state change together. Turning it on encrypts the
    plain backups in 备份 too and overwrites every plain file; turning it off leaves the encrypted
    backups as they are (the keyring keeps the data key: they restore as before). The keyring
    notes the swap before the rename (storage.keyring.mark_pending).

    ``store`` is closed once the work on the file begins (its file is replaced under it), also
    when that work fails; the data is then as it was. Already in the state asked: the record is
    put right if it disagrees, and ``store`` itself is returned."""
    store.require("settings")
    if store.operator is None:
        raise NoOperatorsYet(path=store.folder)
    if store.read_only:
        raise ReadOnlyStore(path=store.folder)
    if not on and not confirmed:
        raise EncryptionOffNotConfirmed()
    ring = Keyring.load(store.folder)
    if ring is None or not ring.names or store.session.key is None:
        raise NoOperatorsYet(path=store.folder)
    if store.session.encrypted == on:
        with store.operation():
            _record(store.writer, store.db, on, store.operator.name)
        return store
    folder, key, operator = store.folder, store.session.key, store.operator
    try:
        backup.take_backup(
            store.db.conn, backup.backup_dir(folder), reason="encrypt" if on else "decrypt", key=store.session.db_key
        )
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    db_file = database_path(folder)
    if any(db_file.with_name(db_file.name + side).exists() for side in ("-wal", "-shm")):
        raise EncryptionBlocked(path=folder)  # another window (read-only) or command has the file open
    after = Keyring(ring.path, json.loads(json.dumps(ring.data)))
    after.encrypted = on

    def prepare(copy: Path) -> None:
        conn = sql.connect(str(copy), key=key if on else None)
        try:
            db = Database(conn)
            with transaction(db):
                _record(GuardedWriter(db, operator.name, operator), db, on, operator.name, now=True)
        finally:
            conn.close()
        mark_pending(folder, copy, after)

    try:
        convert_in_place(db_file, None if on else key, key if on else None, prepare)
    except BaseException:
        Keyring.load(folder)  # settles the mark: the file was not replaced
        raise
    after.save()
    if on:  # no plain copy stays in the folder (the one just taken included)
        for copy in sorted(backup.backup_dir(folder).glob("cundang-*.db")):
            with contextlib.suppress(FileNotFoundError):  # rotated away by another process meanwhile
                if sql.is_plain_sqlite(copy):
                    encrypt_in_place(copy, key)
    return Store.open(folder, session=Session(operator, key, on))


def _record(writer: AuditedWriter, db: Database, on: bool, name: str, *, now: bool = False) -> None:
    """The setting that says who chose a plain folder, as the state is: none when encrypted;
    ``name`` when plain (who chose it ``now``; a record already there otherwise stays)."""
    row = db.execute("SELECT id, value FROM settings WHERE key = ?", [UNENCRYPTED_SETTING]).fetchone()
    value = json.dumps(name, ensure_ascii=False)
    if on:
        if row is not None:
            writer.delete("settings", row[0])
    elif row is None:
        writer.insert("settings", {"key": UNENCRYPTED_SETTING, "value": value})
    elif now and row[1] != value:
        writer.update("settings", row[0], {"value": value})
