"""``cundang users …`` and ``cundang init``: operators, their roles and passwords."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.cli.common import EXIT_OK, new_folder_store, new_password, open_store, say_error, user_name


def role_keys(labels: list[str]) -> set[str]:
    """Roles named in Chinese on the command line (管理员 录入 审核 只读 县级)."""
    from models import codes

    return {codes.ROLE.key(label) for label in labels}


def init(folder: Path, args: argparse.Namespace) -> int:
    """``init``: the folder's first 管理员 (with the roles given); the folder is encrypted, and
    data already in it (a folder from before operators) is backed up, then encrypted."""
    from models.services.operators import has_operators

    if has_operators(folder):
        say_error(f"数据文件夹“{folder}”已经有操作员了。添加操作员请用 cundang users add。")
        return 1
    with new_folder_store(folder, "init", role_keys(args.role or []), encrypted=not args.unencrypted) as store:
        assert store.operator is not None
        state = "不加密（管理员的选择，已记入变更记录）" if args.unencrypted else "已加密"
        print(
            f"已建立数据文件夹“{folder}”（{state}），第一位管理员：{store.operator.name}（{store.operator.role_labels}）。"
        )
    return EXIT_OK


def encryption(folder: Path, args: argparse.Namespace) -> int:
    """``encryption [on|off --yes]``: the folder's encryption, said or changed by a 管理员
    (services.encryption; the window's 设置 does the same)."""
    from desktop.cli.common import EXIT_ERROR, require_data
    from models.errors import EncryptionBlocked
    from models.services.encryption import chosen_unencrypted_by, set_encrypted
    from models.storage.folder_lock import FolderLock

    if not require_data(folder):
        return EXIT_ERROR
    with FolderLock(folder) as lock:  # never swap the file under an open window
        if args.state is not None and not lock.acquire():
            raise EncryptionBlocked(path=folder, holder=lock.holder())
        with open_store(folder) as store:
            if args.state is not None:
                store = set_encrypted(store, args.state == "on", confirmed=args.yes)
            with store:
                if store.session.encrypted:
                    print(f"数据文件夹“{folder}”已加密（数据文件和“备份”中的备份）。")
                elif store.operator is None:
                    print(f"数据文件夹“{folder}”没有操作员，未加密（演示文件夹就是这样）。")
                else:
                    who = chosen_unencrypted_by(store)
                    print(f"数据文件夹“{folder}”未加密（{f'管理员“{who}”的选择，' if who else ''}已记入变更记录）。")
    return EXIT_OK


def users(folder: Path, args: argparse.Namespace) -> int:
    from models.services import operators as ops

    action = args.users_command
    if action == "recover":
        name = args.name
        with ops.recover(folder, args.recovery_key, name, new_password(f"为“{name}”设置新密码：")):
            print(f"已用恢复密钥为管理员“{name}”设置新密码。")
        return EXIT_OK
    with open_store(folder) as store:
        if action == "list":
            rows = ops.list_operators(store)
            if args.json:
                out = [{"name": o.name, "roles": o.role_labels.split("、"), "disabled": o.disabled} for o in rows]
                print(json.dumps(out, ensure_ascii=False, indent=1))
            else:
                for o in rows:
                    print(f"{o.name}　{o.role_labels}{'　（已停用）' if o.disabled else ''}")
        elif action == "add":
            ops.add_operator(store, args.name, new_password(f"为“{args.name}”设置密码："), role_keys(args.role))
            print(f"已添加操作员“{args.name}”（{'、'.join(args.role)}）。")
        elif action == "passwd":
            me = store.operator.name if store.operator else user_name()
            if args.name in (None, me):
                from desktop.cli.common import password

                ops.change_password(store, password("原密码："), new_password())
                print("密码已修改。")
            else:
                ops.reset_password(store, args.name, new_password(f"为“{args.name}”设置新密码："))
                print(f"已重设“{args.name}”的密码。")
        elif action == "disable":
            ops.disable_operator(store, args.name)
            print(f"操作员“{args.name}”已停用。")
        elif action == "roles":
            ops.set_roles(store, args.name, role_keys(args.role))
            print(f"“{args.name}”的角色已改为：{'、'.join(args.role)}。")
    return EXIT_OK
