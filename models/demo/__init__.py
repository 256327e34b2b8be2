"""The demo village generator: the only product code that makes up data, and where it lives."""

from __future__ import annotations

from pathlib import Path

DEMO_SUFFIX = "-演示村（示例数据）"


def demo_folder(folder: Path) -> Path:
    """The demo's own folder beside a data folder, named so that nobody takes it for real data.
    The demo is never written into a data folder (first start, ``gui --demo-if-empty``)."""
    folder = Path(folder)
    return folder if is_demo_folder(folder) else folder.parent / f"{folder.name}{DEMO_SUFFIX}"


def is_demo_folder(folder: Path) -> bool:
    return Path(folder).name.endswith(DEMO_SUFFIX)
