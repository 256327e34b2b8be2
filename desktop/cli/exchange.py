"""CLI commands of the county exchange: export, import, duplicates, import-national."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import tempfile
from pathlib import Path

from desktop.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    CliExit,
    command_store,
    open_store,
    require_data,
    say_error,
    village_store,
)


def export(folder: Path, args: argparse.Namespace) -> int:
    if args.county:
        from models.exchange.county import export_county

        year = args.year or dt.date.today().year
        if not 2013 <= year <= dt.date.today().year + 1:
            print(f"错误：{year} 不在精准扶贫的年度范围内（2013 年起）。", file=sys.stderr)
            return EXIT_USAGE
        with village_store(folder, None) as (store, villages):
            rows = export_county(store, args.out, year)
        print(
            f"已导出县级汇总 {args.out}：{len(villages)} 个村，{year} 年末贫困发生率。"
            + "，".join(f"{k} {n} 行" for k, n in rows.items())
        )
        return EXIT_OK
    from models.exchange.package import export_village
    from models.exchange.password import stored_password

    given = _password_file(args)
    with village_store(folder, args.village, single=True) as (store, villages):
        village_id = villages[0].id
        assert village_id is not None  # read from the database
        password = given or stored_password(store)
        facts = export_village(store, village_id, args.out, password=password)
    sheets = "，".join(f"{k} {n}" for k, n in facts["sheets"].items() if n)
    print(f"已导出 {args.out}：{sheets}。")
    if password:
        where = "--password-file 给的" if given else "本数据文件夹保存的"
        print(f"上报包已用{where}上报包密码加密并签名。")
    else:
        print("上报包未加密、未签名（没有设上报包密码）：县里导入时会看到“未加密、未签名”的提醒。")
    return EXIT_OK


def _password_file(args: argparse.Namespace) -> str | None:
    """The password in ``--password-file`` (its first line); the command stops in words when
    the file cannot be read or that line is empty."""
    if not args.password_file:
        return None
    try:
        with open(args.password_file, encoding="utf-8-sig") as f:
            line = f.readline().strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "不是 UTF-8 文本"
        say_error(f"读不了上报包密码文件“{args.password_file}”（{reason}），没有做任何事。")
        raise CliExit(EXIT_USAGE) from None
    if not line:
        say_error(f"上报包密码文件“{args.password_file}”的第一行是空的，没有做任何事。")
        raise CliExit(EXIT_USAGE)
    return line


def _import_password(args: argparse.Namespace, store, files: list[str]) -> str | None:
    """The package password for an import: --password-file, else the county's saved one, else
    asked at a prompt once, when a package is encrypted (never echoed)."""
    from models.exchange.password import stored_password
    from models.exchange.reader import is_encrypted_file

    password = _password_file(args) or stored_password(store)
    if password:
        return password
    locked = next((f for f in files if is_encrypted_file(f)), None)
    if locked is None:
        return None
    try:
        typed = getpass.getpass(f"上报包“{Path(locked).name}”已加密，请输入上报包密码：")
    except (EOFError, KeyboardInterrupt):
        typed = ""
    return typed.strip() or None


def _check_report_path(args: argparse.Namespace) -> None:
    """Refuse an unwritable --report before any work, so a refusal never hides an import."""
    if args.report:
        folder = Path(args.report).resolve().parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            print(f"错误：不能在“{folder}”中写问题清单（文件夹不存在或不可写），没有导入任何文件。", file=sys.stderr)
            raise CliExit(EXIT_USAGE)


def _report(args: argparse.Namespace, problems: list) -> None:
    if args.report:
        from models.exchange.problems import write_report

        try:
            write_report(args.report, problems)
        except OSError as exc:
            print(f"错误：问题清单没有写成（{exc.strerror or exc}）；上面的结果不受影响。", file=sys.stderr)


def import_packages(folder: Path, args: argparse.Namespace) -> int:
    from models.exchange.package_import import CHECKED, IMPORTED, UNCHANGED
    from models.exchange.package_import import import_packages as run
    from models.exchange.problems import table_text
    from models.storage.database import has_data
    from models.store import Store

    _check_report_path(args)
    _password_file(args)  # an unreadable password file is said before any work
    with tempfile.TemporaryDirectory(prefix="cundang-dry-") as empty:
        # A dry run against a folder with no county yet checks against an empty one, and leaves
        # no data folder behind.
        dry_and_new = args.dry_run and not has_data(folder)
        with Store.open(empty) if dry_and_new else command_store(folder, "import", {"county"}) as store:
            password = _import_password(args, store, args.files)
            outcomes = run(
                store, args.files, dry_run=args.dry_run, accept_modified=args.accept_modified, password=password
            )
    problems = [p for o in outcomes for p in o.problems]
    refused = [o for o in outcomes if o.status not in (IMPORTED, UNCHANGED, CHECKED)]
    if args.json:
        print(
            json.dumps(
                {"ok": not refused, "dry_run": args.dry_run, "files": [o.as_json() for o in outcomes]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for o in outcomes:
            who = f"{o.village_name}（{o.village_code}），导出于 {o.exported_at}" if o.village_code else ""
            added = sum(c[0] for c in o.changes.values())
            changed = sum(c[1] for c in o.changes.values())
            removed = sum(c[2] for c in o.changes.values())
            detail = (
                (
                    f"：新增 {added} 条，修改 {changed} 条，删除 {removed} 条"
                    f"（户 {o.changes.get('households', (0, 0, 0))[0]} 户新增）"
                )
                if o.changes
                else ""
            )
            print(f"{o.status}  {o.file}  {who}{detail}")
            if o.village_code and not o.signed:
                print(f"  提醒：{o.protection}，无法确认导出后没有被改动过。")
            if o.problems:
                print(table_text(o.problems, limit=30))
        print(
            f"共 {len(outcomes)} 个文件："
            + "，".join(
                f"{s} {n}"
                for s in (IMPORTED, UNCHANGED, CHECKED, "已拒绝")
                if (n := sum(1 for o in outcomes if o.status == s))
            )
            + "。"
            + (f"问题清单写入 {args.report}。" if args.report else "")
        )
        if args.dry_run and not refused:
            print("这是试导入（--dry-run），没有写入任何数据。")
    _report(args, problems)
    return EXIT_ERROR if refused else EXIT_OK


def duplicates(folder: Path, args: argparse.Namespace) -> int:
    from models.exchange.county import duplicates as find

    if not require_data(folder):
        raise CliExit(EXIT_ERROR)
    with open_store(folder) as store:
        found = find(store)
    if args.json:
        print(json.dumps({"duplicates": [d.as_json() for d in found]}, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not found:
        print("没有在多个村登记的证件号码。")
    for d in found:
        print(f"{d.id_number}：" + "；".join(p.text() for p in d.places))
    if found:
        print(f"共 {len(found)} 人在多个村登记。")
    return EXIT_OK


def import_national(folder: Path, args: argparse.Namespace) -> int:
    from models.errors import FileRefused
    from models.exchange.national import import_national as run
    from models.exchange.problems import table_text
    from models.storage.database import has_data
    from models.store import Store
    from models.wording import describe

    _check_report_path(args)
    dry_and_new = args.dry_run and not has_data(folder)  # checked against an empty folder, left behind by none
    with (
        tempfile.TemporaryDirectory(prefix="cundang-dry-") as empty,
        Store.open(empty) if dry_and_new else command_store(folder, "import-national", {"entry"}) as store,
    ):
        try:
            result = run(store, args.file, village_code=args.village, dry_run=args.dry_run)
        except FileRefused as refused:
            print(f"错误：{describe(refused)}", file=sys.stderr)
            return EXIT_ERROR
    errors = [p for p in result.problems if p.is_error]
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not errors,
                    "written": result.written,
                    "village_code": result.village_code,
                    "village_name": result.village_name,
                    "households_added": result.households_added,
                    "households_updated": result.households_updated,
                    "members_added": result.members_added,
                    "members_updated": result.members_updated,
                    "problems": [p.as_json() for p in result.problems],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        nothing = not (
            result.households_added or result.households_updated or result.members_added or result.members_updated
        )
        state = (
            "已拒绝，未写入任何数据"
            if errors
            else "试导入，未写入"
            if args.dry_run
            else "无变化"
            if nothing
            else "已写入"
        )
        print(
            f"{state}  {args.file}  {result.village_name}（{result.village_code}）：新增 {result.households_added} 户、"
            f"更新 {result.households_updated} 户；新增 {result.members_added} 人、更新 {result.members_updated} 人。"
        )
        if result.problems:
            print(table_text(result.problems, limit=30))
    _report(args, result.problems)
    return EXIT_ERROR if errors else EXIT_OK
