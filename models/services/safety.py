"""Keeping the data safe: a backup now, a restore that cannot lose what it replaces, and the full
check of the data file, each said in words a clerk can act on."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import CorruptDatabase, NotADatabase
from models.storage import backup
from models.storage.database import database_path
from models.store import Store


def backup_now(store: Store, to: Path | None = None, *, reason: str = "") -> backup.BackupInfo:
    """A verified backup into the data folder's 备份 (rotated there), or into ``to``."""
    target = to or backup.backup_dir(store.folder)
    info = backup.take_backup(store.db.conn, target, reason=reason)
    if to is None:
        backup.rotate(target)
    return info


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
    info = backup_now(store)
    if second is not None and second.is_dir():
        backup.take_backup(store.db.conn, second, now=now)
        backup.rotate(second)
    return info


def restore_folder(folder: Path, file: Path) -> tuple[dict[str, int], Path]:
    """Restore a data folder from a backup, whether its current file opens or not: a file that
    opens is kept as a safety backup first; one that is damaged (the case a restore is for) is
    moved aside whole, side files included, into 备份. Returns the restored counts and where
    the replaced data now is."""
    backup.check_backup(file)
    try:
        store = Store.open(folder)
    except (CorruptDatabase, NotADatabase):
        kept = backup.set_aside(database_path(folder), backup.backup_dir(folder))
        return backup.copy_into(file, database_path(folder)), kept
    with store:
        safety = backup.take_backup(store.db.conn, backup.backup_dir(store.folder), reason="restore")
        return backup.restore_into(store.db.conn, file), safety.path


@dataclass
class CheckReport:
    ok: bool = True
    lines: list[str] = field(default_factory=list)


def full_check(store: Store) -> CheckReport:
    """integrity_check (every page), the foreign keys, and the audit trail's own guards."""
    report = CheckReport()
    conn = store.db.conn
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
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
    guards = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = [g for g in backup.AUDIT_GUARDS if g not in guards]
    if missing:
        report.ok = False
        report.lines.append("变更记录的保护被去掉了（变更记录可能被改动过）。")
    else:
        entries = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        report.lines.append(f"变更记录：{entries} 条，只能追加的保护在位。")
    report.lines.append("结论：数据完好。" if report.ok else "结论：发现问题，见上。")
    return report
