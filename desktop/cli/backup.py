"""CLI commands that keep the data safe: ``backup``, ``backups``, ``restore`` and ``check-db``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.cli.common import EXIT_ERROR, EXIT_OK, open_store, require_data, say_error


def _counts(counts: dict[str, int]) -> str:
    from models.storage.backup import COUNT_LABELS

    return "，".join(f"{COUNT_LABELS[k]} {v}" for k, v in counts.items() if k in COUNT_LABELS)


def backup(folder: Path, args: argparse.Namespace) -> int:
    """``backup [--to DIR]``: a verified copy into the data folder's 备份 (or DIR), then rotation."""
    from models.services.safety import backup_now

    if not require_data(folder):
        return EXIT_ERROR
    if args.to and Path(args.to).exists() and not Path(args.to).is_dir():
        say_error(f"“{args.to}”不是文件夹：--to 要给出备份放入的文件夹（如 U 盘上的一个文件夹）。")
        return EXIT_ERROR
    with open_store(folder) as store:
        info = backup_now(store, Path(args.to) if args.to else None)
    print(f"已备份到 {info.path}（{info.size / 2**20:.1f} MB；{_counts(info.counts)}；已校验完好）。")
    return EXIT_OK


def backups(folder: Path, args: argparse.Namespace) -> int:
    """``backups``: the backups of the data folder, newest first."""
    from desktop.cli.common import login
    from models.storage.backup import REASON_LABELS, backup_dir, list_backups
    from models.store import unlock

    found = list_backups(backup_dir(folder), key=unlock(folder, login(folder)).key)  # plain ones too
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "path": str(b.path),
                        "taken": b.taken.isoformat(timespec="seconds"),
                        "size": b.size,
                        "counts": b.counts,
                        "reason": b.reason,
                    }
                    for b in found
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_OK
    if not found:
        print(f"还没有备份（{backup_dir(folder)}）。可运行 cundang --data {folder} backup 立即备份。")
    for b in found:
        why = f"（{REASON_LABELS[b.reason]}）" if b.reason in REASON_LABELS and b.reason else ""
        state = _counts(b.counts) if b.counts else "无法读取"
        print(f"{b.taken:%Y-%m-%d %H:%M:%S}{why}　{b.size / 2**20:.1f} MB　{state}　{b.path}")
    return EXIT_OK


def restore(folder: Path, args: argparse.Namespace) -> int:
    """``restore FILE``: check the backup, keep the current data as a safety copy, then restore.
    A backup of another installation (the laptop that died: its keyring copy beside it) opens with
    one of its operators (``--backup-user``, else ``--user``) or its recovery key, and brings them."""
    from models.errors import BackupOfAnotherFolder, FolderInUse
    from models.services import safety
    from models.storage.folder_lock import FolderLock

    file = Path(args.file)
    with FolderLock(folder) as lock:  # never pull the file from under an open window
        if folder.exists() and not lock.acquire():
            raise FolderInUse(path=folder, holder=lock.holder())
        from desktop.cli.common import login
        from models.store import unlock

        session = unlock(folder, login(folder))
        foreign = None
        try:
            restored, kept = safety.restore_folder(folder, file, session)  # also when the current file is damaged
        except BackupOfAnotherFolder:
            foreign = _open_foreign(file, args)
            restored, kept = safety.restore_folder(folder, file, session, foreign)
    where = f"恢复前的数据已另存为 {kept}。" if kept is not None else ""
    print(f"已恢复 {file}（{_counts(restored)}）。{where}")
    if foreign is not None:
        print("这个备份来自另一个数据文件夹：这里现在用备份中的操作员、密码和恢复密钥，原来的操作员不能再登录。")
    return EXIT_OK


def _open_foreign(file: Path, args: argparse.Namespace):
    """The backup of another installation, opened by its keyring copy (a name and password, or its recovery key)."""
    import getpass
    import os

    from desktop.cli.common import user_name
    from models.errors import NoOperatorGiven
    from models.services import safety
    from models.store import Login

    ring = safety.backup_keyring(file)
    if args.recovery_key:
        return safety.open_foreign_backup(file, ring, recovery_key=args.recovery_key)
    name = args.backup_user or user_name() or (ring.names[0] if len(ring.names) == 1 else None)
    if not name:
        raise NoOperatorGiven(command="restore")
    secret = os.environ.get("CUNDANG_BACKUP_PASSWORD") or getpass.getpass(f"备份中“{name}”的密码：")
    return safety.open_foreign_backup(file, ring, login=Login(name, secret))


def check_db(folder: Path, args: argparse.Namespace) -> int:
    """``check-db``: the full integrity check, the foreign keys and the audit trail, in words."""
    from models.services.safety import full_check

    if not require_data(folder):
        return EXIT_ERROR
    with open_store(folder) as store:
        report = full_check(store)
    for line in report.lines:
        print(line)
    return EXIT_OK if report.ok else EXIT_ERROR
