"""Where things are: the data folder (flag, environment, platform default) and bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Cundang"
ENV_DATA = "CUNDANG_DATA"


def data_folder(explicit: str | os.PathLike[str] | None = None, *, remembered: str | None = None) -> Path:
    """--data DIR, else $CUNDANG_DATA, else the folder last used (the window), else the platform's."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_DATA):
        return Path(os.environ[ENV_DATA]).expanduser()
    if remembered:
        return Path(remembered)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resource_root() -> Path:
    """The source tree, or PyInstaller's unpack folder when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent
