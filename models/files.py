"""Writing a file whole or not at all: a temporary file beside the target, renamed at the end."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_file(path: Path | str) -> Iterator[str]:
    """Yield a temporary path beside ``path``. When the block ends well it becomes ``path``, for
    its owner only (0600: workbooks and PDFs carry personal data; 个人信息保护法); when it fails or
    is cancelled it is removed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
