"""Operating-system locks on files of the data folder: who has the folder open, and one opener at a time.

The lock is the kernel's (flock on Linux, a locked byte on Windows), so it goes with the process:
a power cut or a killed program never leaves a stale lock behind. Beside it a small note says
who holds it (computer, user, since when) for the message a second window shows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

from models.errors import DatabaseBusy
from models.storage.audit import default_actor

WINDOW_LOCK = ".cundang.lock"  # held by a window for as long as it has the folder open
OPEN_LOCK = ".cundang-open.lock"  # held for a moment by whoever creates, checks or upgrades the file


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class FileLock:
    """An exclusive lock on one file; ``acquire`` waits up to ``wait`` seconds (0: try once)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float = 0.0) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(0.05)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor gives the lock back on both systems
            self._fd = None

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_open_held: set[tuple[str, int]] = set()  # (lock file, thread) of every OpenLock this process holds


class OpenLock(FileLock):
    """Creating, checking and upgrading the data file, one process at a time (two imports into a
    new folder once met half-way through creating it, and one called the other's file damaged).

    Re-entrant for the thread that holds it: a step made of several openings (the first 管理员's
    keyring, the new file and its operator row, ``services.operators.first_operator``) holds it
    throughout, and the ``open_database`` inside passes. Two descriptors of one process would
    otherwise lock each other out (flock and a locked byte both belong to the descriptor)."""

    def __init__(self, folder: Path | str, *, wait: float = 60.0) -> None:
        super().__init__(Path(folder) / OPEN_LOCK)
        self.wait = wait
        self._holder = ("", 0)
        self._nested = False

    def __enter__(self) -> OpenLock:
        self._holder = (os.path.normcase(os.path.realpath(self.path)), threading.get_ident())
        if self._holder in _open_held:
            self._nested = True  # the outer holder gives it back
            return self
        if not self.acquire(self.wait):
            raise DatabaseBusy(path=self.path.parent)
        _open_held.add(self._holder)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._nested:
            self._nested = False
            return
        _open_held.discard(self._holder)
        self.release()


class FolderLock(FileLock):
    """The folder a window has open. A second window finds it held and says by whom."""

    def __init__(self, folder: Path | str) -> None:
        super().__init__(Path(folder) / WINDOW_LOCK)
        self.note = Path(folder) / (WINDOW_LOCK + ".who")

    def acquire(self, wait: float = 0.0) -> bool:
        if not super().acquire(wait):
            return False
        try:
            who = {
                "computer": socket.gethostname(),
                "user": default_actor(),
                "pid": os.getpid(),
                "since": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            }
            fd = os.open(self.note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(who, f, ensure_ascii=False)
        except OSError:
            pass  # the note only words the message; the lock is what counts
        return True

    def __enter__(self) -> FolderLock:
        return self

    def holder(self) -> str:
        """Who holds the folder, in words ("电脑 X 上的用户 Y，自 2026-12-01 09:30 起"), or ""."""
        try:
            who = json.loads(self.note.read_text(encoding="utf-8"))
            return f"电脑“{who['computer']}”上的用户“{who['user']}”，自 {who['since']} 起"
        except (OSError, ValueError, KeyError, TypeError):
            return ""
