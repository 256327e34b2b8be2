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

    found = list_backups(backup_dir(folder), key=unlock(folder, login(folder)).db_key)
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
    """``restore FILE``: check the backup, keep the current data as a safety copy, then restore."""
    from models.errors import FolderInUse
    from models.services.safety import restore_folder
    from models.storage.folder_lock import FolderLock

    if not require_data(folder):
        return EXIT_ERROR
    with FolderLock(folder) as lock:  # never pull the file from under an open window
        if not lock.acquire():
            raise FolderInUse(path=folder, holder=lock.holder())
        from desktop.cli.common import login
        from models.store import unlock

        session = unlock(folder, login(folder))
        restored, kept = restore_folder(folder, Path(args.file), session)  # also when the current file is damaged
    print(f"已恢复 {args.file}（{_counts(restored)}）。恢复前的数据已另存为 {kept}。")
    return EXIT_OK


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
