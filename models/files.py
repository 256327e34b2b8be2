"""Writing a file whole or not at all: a temporary file beside the target, renamed at the end."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Temporary files are named ".~cundang-<pid>-<random>-<name>": a later write to the same folder
# finds those a killed program left (a power cut, a task manager) and removes them, since they may
# hold personal data half-written.
TEMP_PREFIX = ".~cundang-"
_TEMP = re.compile(r"\.~cundang-(\d+)-")
_STALE_S = 120  # Windows: no cheap way to ask after a process, so only a file untouched this long


@contextmanager
def atomic_file(path: Path | str) -> Iterator[str]:
    """Yield a temporary path beside ``path``. When the block ends well it becomes ``path``, for
    its owner only (0600: workbooks and PDFs carry personal data; 个人信息保护法); when it fails or
    is cancelled it is removed. Leftovers of killed writers in the folder are cleared first."""
    path = Path(path)
    remove_leftovers(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{path.name}", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of writers that are no longer running; returns them."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found is None or not entry.is_file(follow_symlinks=False):
            continue
        if _alive(int(found.group(1)), entry):
            continue
        try:
            os.remove(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass  # still open (Windows), or gone already
    return removed


_WORK = "cundang-work-"


def use_private_temp() -> Path | None:
    """Point this process's temporary files (openpyxl writes each sheet's XML to one, the print
    previews are PDFs) into a folder of its own, for its owner only, removed at exit; the folders
    of killed runs are removed at the next start. Personal data is never left in the temp folder."""
    import atexit
    import shutil

    base = Path(tempfile.gettempdir())
    try:
        for entry in list(os.scandir(base)):
            found = re.match(rf"{_WORK}(\d+)-", entry.name)
            if found and entry.is_dir(follow_symlinks=False) and not _alive(int(found.group(1)), entry):
                shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:
        pass  # a temp folder that cannot be listed holds nothing of ours to clear
    try:
        path = Path(tempfile.mkdtemp(prefix=f"{_WORK}{os.getpid()}-", dir=base))  # mode 0700
    except OSError:
        return None  # a full or locked temp folder: what needs one will say so when it writes
    tempfile.tempdir = str(path)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def preview_folder() -> tempfile.TemporaryDirectory:
    """A temporary folder for print previews, inside the process's private one."""
    return tempfile.TemporaryDirectory(prefix="cundang-print-")


def _alive(pid: int, entry: os.DirEntry) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would end the process there: go by the file's age
        try:
            return time.time() - entry.stat().st_mtime < _STALE_S
        except OSError:
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's running process
    return True
