"""What every command shares: exit statuses, opening the data folder, choosing villages, years."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.domain import Village
    from models.store import Login, Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliExit(Exception):
    """Stop a command with an exit status; its message was already printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def say_error(text: str) -> None:
    print(f"错误：{text}", file=sys.stderr)


ENV_USER, ENV_PASSWORD, ENV_NEW_PASSWORD = "CUNDANG_USER", "CUNDANG_PASSWORD", "CUNDANG_NEW_PASSWORD"
given_user: str | None = None  # --user, set by main


def user_name() -> str | None:
    """The operator a command runs as: --user, else CUNDANG_USER."""
    return given_user or os.environ.get(ENV_USER) or None


def password(prompt: str = "密码：") -> str:
    """The operator's password: CUNDANG_PASSWORD (scripts), else asked without echo."""
    return os.environ.get(ENV_PASSWORD) or getpass.getpass(prompt)


def new_password(prompt: str = "新密码：") -> str:
    """A new password: CUNDANG_NEW_PASSWORD (scripts), else asked twice without echo."""
    from models.storage.keyring import check_new_password

    if os.environ.get(ENV_NEW_PASSWORD):
        text = os.environ[ENV_NEW_PASSWORD]
        check_new_password(text)
        return text
    text = getpass.getpass(prompt)
    check_new_password(text, getpass.getpass("再输入一次新密码："))
    return text


def login(folder: Path | str) -> Login | None:
    """The login a command opens the folder with (None when the folder has no operators)."""
    from models.errors import LoginRequired
    from models.services.operators import has_operators
    from models.store import Login

    if not has_operators(Path(folder)):
        return None
    name = user_name()
    if not name:
        raise LoginRequired(path=Path(folder))
    return Login(name, password(f"“{name}”的密码："))


def new_folder_store(folder: Path, command: str, roles: set[str], *, encrypted: bool = True) -> Store:
    """The store of a folder a command makes (``import``, ``import-national``, ``init``): the
    operator named by --user or CUNDANG_USER becomes its first 管理员 (with ``roles``, which the
    command needs), and the folder is encrypted. The recovery key is printed once."""
    from models.errors import NoOperatorGiven
    from models.services.operators import first_operator

    name = user_name()
    if not name:
        raise NoOperatorGiven(command=command)
    store, recovery = first_operator(
        folder, name, new_password(f"为“{name}”设置密码（至少 8 个字符）："), roles, encrypted=encrypted
    )
    say_recovery_key(recovery)
    return store


def command_store(folder: Path, command: str, roles: set[str]) -> Store:
    """The store a command that may make its folder opens (``import``, ``import-national``): a
    new folder gets its first 管理员 (``new_folder_store``); any other is opened as usual."""
    from models.errors import OperatorExists
    from models.services.operators import has_operators
    from models.storage.database import has_data

    if not has_operators(folder) and not has_data(folder):
        try:
            return new_folder_store(folder, command, roles)
        except OperatorExists:  # another command made it meanwhile: log in as its operator
            pass
    return open_store(folder)


def say_recovery_key(key: str) -> None:
    print("恢复密钥（只显示这一次，请抄下或打印后放进办公室保险柜）：", file=sys.stderr)
    print(f"    {key}", file=sys.stderr)
    print("忘记所有管理员密码时，用 cundang users recover 和这个恢复密钥重设。", file=sys.stderr)


def open_store(folder: Path | str) -> Store:
    """The data folder's store, opened by the command's operator when the folder has operators;
    what an upgrade did to it is told once, on stderr."""
    from models.store import Store
    from models.wording import upgrade_notes

    store = Store.open(folder, login=login(folder))
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
        if single and not villages:
            say_error(f"数据文件夹“{folder}”中还没有村。")
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
