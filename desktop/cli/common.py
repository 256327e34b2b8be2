"""What every command shares: exit statuses, opening the data folder, choosing villages, years."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.domain import Village
    from models.store import Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliExit(Exception):
    """Stop a command with an exit status; its message was already printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def say_error(text: str) -> None:
    print(f"错误：{text}", file=sys.stderr)


def open_store(folder: Path | str) -> Store:
    """The data folder's store; what an upgrade did to it is told once, on stderr."""
    from models.store import Store
    from models.wording import upgrade_notes

    store = Store.open(folder)
    for report in store.upgrade_reports():
        for line in upgrade_notes(report):
            print(f"提示：{line}", file=sys.stderr)
    return store


def require_data(folder: Path) -> bool:
    from models.storage.database import has_data

    if not has_data(folder):
        say_error(f"数据文件夹“{folder}”中还没有数据。可先运行 cundang --data {folder} demo 生成演示村。")
        return False
    return True


@contextmanager
def village_store(folder: Path, code: str | None, *, single: bool = False) -> Iterator[tuple[Store, list[Village]]]:
    """The open store and the villages a command is about (``--village CODE`` or all of them);
    with ``single``, exactly one. Stops the command in words when there is no such village."""
    if not require_data(folder):
        raise CliExit(EXIT_ERROR)
    with open_store(folder) as store:
        villages = store.villages.all()
        if code:
            villages = [v for v in villages if v.code == code]
            if not villages:
                say_error(f"数据文件夹中没有代码为 {code} 的村。")
                raise CliExit(EXIT_ERROR)
        if single and len(villages) > 1:
            say_error("数据文件夹中有多个村，请用 --village 指定。")
            raise CliExit(EXIT_USAGE)
        yield store, villages


def year(text: str) -> int:
    """An argument that is a year (如 2019)."""
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"“{text}”不是年度（如 2019）")
    return int(text)


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”应为正整数")
    return value
