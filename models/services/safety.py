"""Keeping the data safe: a backup now, a restore that cannot lose what it replaces, and the full
check of the data file, each said in words a clerk can act on."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from models import access
from models.errors import (
    BackupKeyringMissing,
    BackupOfAnotherFolder,
    CorruptDatabase,
    FolderInUse,
    KeyringDamaged,
    NotABackup,
    NotADatabase,
)
from models.storage import backup, chain, sql
from models.storage.database import database_path, has_data
from models.storage.encrypt import export_file, temp_beside, wipe
from models.storage.keyring import Keyring, mark_pending
from models.store import Login, Session, Store, unlock


def backup_now(store: Store, to: Path | None = None, *, reason: str = "", automatic: bool = False) -> backup.BackupInfo:
    """A verified backup into the data folder's 备份 (rotated there), or into ``to`` (a USB stick:
    the folder's keyring goes beside an encrypted copy, so that it can be restored elsewhere with
    any operator's password or the recovery key). A 管理员's action, but for the ``automatic``
    copies every operator's window takes (daily, before an import or a restore)."""
    if not automatic:
        store.require("backup")
    target = to or backup.backup_dir(store.folder)
    info = backup.take_backup(store.db.conn, target, reason=reason, key=store.session.db_key)
    if to is None:
        backup.rotate(target)
    elif store.operator is not None:  # a plain copy too: its operators log in elsewhere with it
        _keyring_beside(store, info.path)
    return info


def _keyring_beside(store: Store, copy: Path) -> None:
    from models.storage.keyring import keyring_path

    ring = keyring_path(store.folder)
    if ring.exists():
        shutil.copyfile(ring, backup.keyring_beside(copy))


STALE_DAYS = 7  # the window warns when the newest backup is older than this


def last_backup(folder: Path) -> backup.BackupInfo | None:
    """The newest backup in the data folder's 备份 (of any kind)."""
    found = backup.list_backups(backup.backup_dir(folder), counts_too=False)
    return found[0] if found else None


def backup_stale(folder: Path, today: dt.date) -> bool:
    """No backup for STALE_DAYS days (or none ever)."""
    last = last_backup(folder)
    return last is None or (today - last.taken.date()).days >= STALE_DAYS


def backup_due(folder: Path, now: dt.datetime, *, closing: bool) -> bool:
    """Closing: none yet today. Opening: none today or the day before."""
    last = last_backup(folder)
    newest = last.taken.date() if last is not None else None
    if closing:
        return newest != now.date()
    return newest is None or newest < now.date() - dt.timedelta(days=1)


def daily_backup(
    store: Store, now: dt.datetime, *, closing: bool, second: Path | None = None
) -> backup.BackupInfo | None:
    """The backups a clerk cannot forget: when the window closes, at most once a day; when it
    opens, if none was made today or the day before. ``second`` (a USB stick the clerk chose)
    gets a copy too when it is present. Nothing to lose (no village yet): no backup."""
    if store.villages.count() == 0 or not backup_due(store.folder, now, closing=closing):
        return None
    info = backup_now(store, automatic=True)
    if second is not None and second.is_dir():
        copy = backup.take_backup(store.db.conn, second, now=now, key=store.session.db_key)
        if store.operator is not None:
            _keyring_beside(store, copy.path)
        backup.rotate(second)
    return info


@dataclass(frozen=True)
class ForeignBackup:
    """A backup made by another installation (the laptop that died), opened with its own keyring,
    the copy beside it: by one of its operators' passwords (``login``) or its recovery key."""

    file: Path
    keyring: Keyring
    key: bytes = field(repr=False)
    login: Login | None
    counts: dict[str, int]


def backup_keyring(file: Path) -> Keyring:
    """The keyring copy beside a backup; BackupKeyringMissing when there is none."""
    ring = Keyring.read(backup.keyring_beside(file))
    if ring is None or not ring.names:
        raise BackupKeyringMissing(path=Path(file), keyring=backup.keyring_beside(file))
    return ring


def check_restorable(folder: Path, file: Path, session: Session) -> tuple[dict[str, int], bytes | None]:
    """A backup this folder restores with its own keyring: its counts and the key it opens with
    (None: a plain copy). BackupOfAnotherFolder when the keyring beside it is another folder's
    (``open_foreign_backup`` then); BackupKeyringMissing when it is encrypted with a key this
    folder does not have and has no keyring beside it; NotABackup, BackupBroken as before."""
    file = Path(file)
    try:
        beside = Keyring.read(backup.keyring_beside(file))
    except KeyringDamaged:
        beside = None  # a damaged copy: the folder's own key may still open the backup
    if beside is not None and beside.names and not beside.same_keys(Keyring.load(Path(folder))):
        raise BackupOfAnotherFolder(path=file)
    key = backup.key_for(file, session.key) if file.is_file() else session.db_key
    try:
        return backup.check_backup(file, key), key
    except NotABackup:
        if backup.looks_encrypted(file):
            raise BackupKeyringMissing(path=file, keyring=backup.keyring_beside(file)) from None
        raise


def open_foreign_backup(
    file: Path, ring: Keyring, *, login: Login | None = None, recovery_key: str = ""
) -> ForeignBackup:
    """Unwrap another installation's data key from the keyring copy beside its backup (``ring``,
    from ``backup_keyring``) and check the backup with it. WrongPassword, WrongRecoveryKey,
    NotABackup: nothing is changed anywhere."""
    file = Path(file)
    key = ring.unlock(login.name, login.password) if login is not None else ring.unlock_recovery(recovery_key)
    found = backup.check_backup(file, backup.key_for(file, key))
    return ForeignBackup(file, ring, key, login, found)


def restore_folder(
    folder: Path, file: Path, session: Session | None = None, foreign: ForeignBackup | None = None
) -> tuple[dict[str, int], Path | None]:
    """Restore a data folder from a backup, whether its current file opens or not: a file that
    opens is kept as a safety backup first; one that is damaged (the case a restore is for) is
    moved aside whole, side files included, into 备份. Returns the restored counts and where
    the replaced data now is (None: the folder held none).

    A backup of another installation (``foreign``, see ``open_foreign_backup``) takes the folder
    over with its own keyring: the operators are a table of the data it brings, so its operators,
    their passwords and its recovery key come with it, and the folder's own stop opening it. The
    data replaced keeps the folder's old keyring beside it (and beside every backup in 备份 it
    opens), so that it can still be restored, as a backup of another installation in its turn.
    A backup of this folder that is plain while the folder is encrypted, or the other way (the
    folder's encryption was changed since), is copied into the folder's state."""
    folder, file = Path(folder), Path(file)
    session = session or unlock(folder, None)
    if session.operator is not None and not session.operator.may("backup"):
        raise access.refuse(session.operator, ["backup"])
    if foreign is not None:
        return _take_over(folder, file, session, foreign)
    source_key = check_restorable(folder, file, session)[1]
    key = session.db_key
    if not has_data(folder):  # a new folder (the new laptop's): nothing to keep
        folder.mkdir(parents=True, exist_ok=True)
        return _copy_into(file, source_key, database_path(folder), key), None
    try:
        store = Store.open(folder, session=session)
    except (CorruptDatabase, NotADatabase):
        kept = backup.set_aside(database_path(folder), backup.backup_dir(folder))
        return _copy_into(file, source_key, database_path(folder), key), kept
    with store:
        safety = backup.take_backup(store.db.conn, backup.backup_dir(store.folder), reason="restore", key=key)
        if source_key == key:
            return backup.restore_into(store.db.conn, file, key), safety.path
        converted = temp_beside(database_path(folder), "restore")  # the backup in the folder's state
        try:
            export_file(file, source_key, converted, key)
            return backup.restore_into(store.db.conn, converted, key), safety.path
        finally:
            wipe(converted)


def _copy_into(file: Path, source_key: bytes | None, db_file: Path, key: bytes | None) -> dict[str, int]:
    """A new data file holding the backup's data, under ``key`` (converted when the backup's differs)."""
    if db_file.exists() and db_file.stat().st_size == 0:
        db_file.unlink()  # an empty file a first opening made
    if source_key == key:
        return backup.copy_into(file, db_file, key)
    return export_file(file, source_key, db_file, key)


def _take_over(
    folder: Path, file: Path, session: Session, foreign: ForeignBackup
) -> tuple[dict[str, int], Path | None]:
    key = backup.key_for(file, foreign.key)  # the folder takes the backup's state (encrypted or not)
    backup.check_backup(file, key)
    folder.mkdir(parents=True, exist_ok=True)
    own = Keyring.load(folder)
    kept: Path | None = None
    db_file = database_path(folder)
    if has_data(folder):
        try:
            store = Store.open(folder, session=session)
        except (CorruptDatabase, NotADatabase):
            kept = backup.set_aside(db_file, backup.backup_dir(folder))
        else:
            with store:
                kept = backup.take_backup(
                    store.db.conn, backup.backup_dir(folder), reason="restore", key=session.db_key
                ).path
                store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if own is not None and own.names:  # the data replaced, and the folder's backups, keep their keyring
        for copy in [*backup.backup_dir(folder).glob("cundang-*.db"), *([kept] if kept else [])]:
            if not backup.keyring_beside(copy).exists():
                shutil.copyfile(own.path, backup.keyring_beside(copy))
    if any(db_file.with_name(db_file.name + side).exists() for side in ("-wal", "-shm")):
        raise FolderInUse(path=folder, holder="")  # another window (read-only) or command has the file open
    new = temp_beside(db_file, "restore")
    ring = foreign.keyring.for_folder(folder)
    ring.encrypted = key is not None
    try:
        found = backup.copy_into(file, new, key)
        mark_pending(folder, new, ring)
        os.replace(new, db_file)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(new)
        Keyring.load(folder)  # settles the mark: the file was not replaced
        raise
    ring.save()
    return found, kept


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)


SHOWN_FINDINGS = 20  # of the audit trail's, in the check's report (cundang verify lists them all)


def full_check(store: Store) -> CheckReport:
    """integrity_check (every page), the foreign keys, and the audit trail (storage.chain.verify:
    its guards, its chain, every record against its entries; acknowledged findings don't fail it)."""
    report = CheckReport()
    conn = store.db.conn
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    except sql.DatabaseError as exc:
        problems = [str(exc)]
    if problems == ["ok"]:
        report.lines.append("数据文件逐页检查：完好。")
    else:
        report.ok = False
        report.lines.append(f"数据文件逐页检查发现 {len(problems)} 处损坏，请用 cundang restore 从备份恢复。")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        report.ok = False
        tables = sorted({r[0] for r in broken})
        report.lines.append(f"有 {len(broken)} 条记录指向不存在的记录（{'、'.join(tables)}）。")
    else:
        report.lines.append("记录之间的引用：完好。")
    found = chain.verify(store.db, store.file)  # also on a read-only window's store (see storage.replay.Replay)
    acknowledged = {a.key for a in chain.acknowledged(store.db)}
    new = [f for f in found if f.key not in acknowledged]
    if new:
        report.ok = False
        report.lines += [f.sentence for f in new[:SHOWN_FINDINGS]]
        if len(new) > SHOWN_FINDINGS:
            report.lines.append(f"……等共 {len(new)} 处，全部见 cundang verify。")
    entries = chain.head(store.db)[0]
    known = f"另有 {len(found) - len(new)} 处问题已由管理员确认。" if len(found) > len(new) else ""
    report.lines.append(
        f"变更记录：{entries} 条，{'与记录不符，见上' if new else '链条完整，每条记录都与变更记录一致'}。{known}"
    )
    report.lines.append("结论：数据完好。" if report.ok else "结论：发现问题，见上。")
    return report
