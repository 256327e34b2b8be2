"""Keeping the data safe: a backup now, a restore that cannot lose what it replaces, and the full
check of the data file, each said in words a clerk can act on."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from models import access
from models.errors import CorruptDatabase, NotADatabase
from models.storage import backup, chain, sql
from models.storage.database import database_path
from models.store import Session, Store, unlock


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
    elif store.session.db_key is not None:
        _keyring_beside(store, info.path)
    return info


def _keyring_beside(store: Store, copy: Path) -> None:
    from models.storage.keyring import keyring_path

    ring = keyring_path(store.folder)
    if ring.exists():
        shutil.copyfile(ring, copy.with_suffix(".keys"))


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
        if store.session.db_key is not None:
            _keyring_beside(store, copy.path)
        backup.rotate(second)
    return info


def restore_folder(folder: Path, file: Path, session: Session | None = None) -> tuple[dict[str, int], Path]:
    """Restore a data folder from a backup, whether its current file opens or not: a file that
    opens is kept as a safety backup first; one that is damaged (the case a restore is for) is
    moved aside whole, side files included, into 备份. Returns the restored counts and where
    the replaced data now is."""
    session = session or unlock(folder, None)
    if session.operator is not None and not session.operator.may("backup"):
        raise access.refuse(session.operator, ["backup"])
    key = session.db_key
    backup.check_backup(file, key)
    try:
        store = Store.open(folder, session=session)
    except (CorruptDatabase, NotADatabase):
        kept = backup.set_aside(database_path(folder), backup.backup_dir(folder))
        return backup.copy_into(file, database_path(folder), key), kept
    with store:
        safety = backup.take_backup(store.db.conn, backup.backup_dir(store.folder), reason="restore", key=key)
        return backup.restore_into(store.db.conn, file, key), safety.path


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
    found = chain.verify(store.db, store.reader)  # also on a read-only window's store (see storage.replay.Replay)
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
