"""The ``cundang`` command: dispatch to the window or to a command, with exit statuses 0/1/2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from desktop.cli import argparse_zh
from desktop.cli.common import EXIT_ERROR, EXIT_USAGE, CliExit, positive, year
from desktop.paths import ENV_DATA, data_folder


def build_parser() -> argparse.ArgumentParser:
    argparse_zh.install()
    parser = argparse.ArgumentParser(prog="cundang", description="村档：精准扶贫村级档案管理。不带命令时打开窗口。")
    parser.add_argument(
        "--data", metavar="DIR", help=f"数据文件夹（默认取环境变量 {ENV_DATA}，否则为系统的用户数据文件夹）"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="以这个操作员的身份运行（默认取环境变量 CUNDANG_USER）；密码从提示输入，或取自 CUNDANG_PASSWORD",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    gui = sub.add_parser("gui", help="打开窗口（默认）")
    gui.add_argument("--demo-if-empty", action="store_true", help="数据文件夹为空时先生成演示村")
    demo = sub.add_parser("demo", help="在空的数据文件夹中生成演示村")
    demo.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认 1）")
    demo.add_argument("--households", type=positive, default=300, metavar="N", help="每村建档立卡户数（默认 300）")
    demo.add_argument("--villages", type=positive, default=1, metavar="K", help="村数，多村即一个县（默认 1）")
    stats = sub.add_parser("stats", help="各村户数、人数统计")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")
    check = sub.add_parser("check", help="核查")
    check_sub = check.add_subparsers(dest="check_kind", metavar="种类", required=True)
    exit_ = check_sub.add_parser("exit", help="贫困户退出核查：逐户逐项，附村级汇总")
    exit_.add_argument("--year", type=year, required=True, metavar="Y", help="核查年度")
    exit_.add_argument("--village", metavar="CODE", help="只核查这个村（12位代码）；默认数据文件夹中的所有村")
    exit_.add_argument("--json", action="store_true", help="以 JSON 输出")
    ledger = sub.add_parser("ledger", help="四类台账及合计")
    ledger.add_argument(
        "kind",
        choices=("projects", "team", "programmes", "inspections"),
        help="projects 项目资金，team 驻村帮扶，programmes 扶贫专项，inspections 督查考核",
    )
    ledger.add_argument("--year", type=year, metavar="Y", help="年度（默认今年）")
    ledger.add_argument("--village", metavar="CODE", help="只列这个村（12位代码）")
    ledger.add_argument("--json", action="store_true", help="以 JSON 输出")
    pr = sub.add_parser("print", help="打印：户档案、明白卡、公示（PDF）")
    pr.add_argument(
        "document",
        choices=("household", "card", "notice", "ledger", "binder"),
        help="household 户档案，card 明白卡，notice 公示，ledger 台账，binder 迎检资料",
    )
    pr.add_argument("--household", action="append", metavar="NO", help="户编号（可重复）")
    pr.add_argument("--all", action="store_true", help="全村")
    pr.add_argument(
        "--kind",
        choices=("identify", "exit", "pairing", "funds", "projects", "team", "programmes", "inspections"),
        help="公示类别或台账类别",
    )
    pr.add_argument("--year", type=year, metavar="Y", help="年度")
    pr.add_argument("--from", dest="start", metavar="DATE", help="公示开始日期 yyyy-MM-dd")
    pr.add_argument("--to", dest="end", metavar="DATE", help="公示结束日期 yyyy-MM-dd")
    pr.add_argument("--a3", action="store_true", help="公示用 A3 纸（默认 A4 横向）")
    pr.add_argument("--village", metavar="CODE", help="村代码（数据文件夹有多个村时）")
    pr.add_argument("--out", required=True, metavar="FILE.pdf", help="输出文件")
    ex = sub.add_parser("export", help="导出本村上报包（Excel），或用 --county 导出县级汇总")
    ex.add_argument("--village", metavar="CODE", help="村代码（数据文件夹有多个村时必填）")
    ex.add_argument("--county", action="store_true", help="导出全县各村汇总（户数、人口、资金、问题、贫困发生率）")
    ex.add_argument("--year", type=year, metavar="Y", help="县级汇总的贫困发生率年度（默认今年）")
    ex.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出文件")
    ex.add_argument(
        "--password-file",
        metavar="FILE",
        help="上报包密码文件（第一行是密码）：上报包加密并签名；不给时用本数据文件夹保存的上报包密码（若有）",
    )
    im = sub.add_parser("import", help="县级导入各村上报包：先全部检查，每个包要么全部导入，要么不导入")
    im.add_argument("files", nargs="+", metavar="FILE", help="上报包（.xlsx），可多个")
    im.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    im.add_argument("--report", metavar="REPORT.xlsx", help="把问题清单写入这个 Excel 文件")
    im.add_argument("--json", action="store_true", help="以 JSON 输出结果和问题")
    im.add_argument(
        "--password-file",
        metavar="FILE",
        help="上报包密码文件（第一行是密码）；不给时用县里保存的上报包密码，都没有时遇到加密的上报包再提示输入",
    )
    im.add_argument(
        "--accept-modified", action="store_true", help="接受导出后被改动过的上报包（校验值不符）；接受记入操作日志"
    )
    dup = sub.add_parser("duplicates", help="在多个村登记的证件号码，列出各处")
    dup.add_argument("--json", action="store_true", help="以 JSON 输出")
    nat = sub.add_parser("import-national", help="从全国扶贫开发信息系统导出的户/人员表建立或更新村")
    nat.add_argument("file", metavar="FILE", help=".xlsx、.xls 或 .csv（UTF-8 或 GBK）")
    nat.add_argument("--village", metavar="CODE", help="村代码（文件中没有村代码时需要）")
    nat.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    nat.add_argument("--report", metavar="REPORT.xlsx", help="把问题清单写入这个 Excel 文件")
    nat.add_argument("--json", action="store_true", help="以 JSON 输出")
    cadres = sub.add_parser("cadres", help="帮扶干部、角色、当前结对户数和缺少的帮扶力量")
    cadres.add_argument("--village", metavar="CODE", help="只列这个村（12位代码）")
    cadres.add_argument("--json", action="store_true", help="以 JSON 输出")
    line = sub.add_parser("poverty-line", help="扶贫标准：按年度、省份列出或设置")
    line_sub = line.add_subparsers(dest="line_command", metavar="操作", required=True)
    line_list = line_sub.add_parser("list", help="列出已有的扶贫标准")
    line_list.add_argument("--json", action="store_true", help="以 JSON 输出")
    line_list.add_argument("--villages", action="store_true", help="列出各村上报包中用的扶贫标准（县级汇总）")
    line_set = line_sub.add_parser("set", help="设置某年某省的扶贫标准（已有则改为新值）")
    line_set.add_argument("--year", type=year, required=True, metavar="Y", help="年度")
    line_set.add_argument("--province", required=True, metavar="省份", help="省份，如 贵州省")
    line_set.add_argument("--source", default="", metavar="文号", help="来源：文件名称或文号")
    line_set.add_argument("amount", metavar="金额", help="每人每年的标准，单位元，如 3747")
    safe = sub.add_parser("backup", help="立即备份数据（校验后保存到数据文件夹的“备份”中）")
    safe.add_argument("--to", metavar="DIR", help="备份到这个文件夹（如 U 盘）")
    listed = sub.add_parser("backups", help="列出已有的备份：时间、大小、户数人数")
    listed.add_argument("--json", action="store_true", help="以 JSON 输出")
    back = sub.add_parser("restore", help="从备份恢复（先检查备份，并把当前数据另存一份）")
    back.add_argument("file", metavar="FILE", help="备份文件（cundang-日期-时间.db）")
    back.add_argument(
        "--backup-user",
        metavar="NAME",
        help="另一台电脑（另一个数据文件夹）的备份：用它的这个操作员打开（默认同 --user）；"
        "密码从提示输入，或取自 CUNDANG_BACKUP_PASSWORD",
    )
    back.add_argument("--recovery-key", metavar="KEY", help="另一台电脑的备份：用那个数据文件夹的恢复密钥打开")
    sub.add_parser("check-db", help="全面检查数据文件：逐页检查、记录引用、变更记录的保护")
    roles = ("管理员", "录入", "审核", "只读", "县级")
    init = sub.add_parser("init", help="新建加密的数据文件夹，--user 指定的操作员为第一位管理员")
    init.add_argument("--role", action="append", choices=roles, help="第一位管理员同时担任的角色（可重复）")
    init.add_argument(
        "--unencrypted", action="store_true", help="不加密保存（不推荐：拿到电脑的人能读出全部个人信息）；记入变更记录"
    )
    enc = sub.add_parser("encryption", help="数据加密：查看，加密（on），或由管理员取消加密（off，要加 --yes 确认）")
    enc.add_argument(
        "state", nargs="?", choices=("on", "off"), help="on 加密数据文件夹，off 取消加密；不给时显示现在的状态"
    )
    enc.add_argument(
        "--yes", action="store_true", help="确认取消加密（不推荐：拿到电脑的人能读出全部个人信息）；记入变更记录"
    )
    users = sub.add_parser("users", help="操作员：添加、列出、改密码、停用、改角色")
    users_sub = users.add_subparsers(dest="users_command", metavar="操作", required=True)
    u_add = users_sub.add_parser("add", help="添加操作员（新密码从提示输入两次，或取自 CUNDANG_NEW_PASSWORD）")
    u_add.add_argument("name", metavar="NAME", help="操作员的名字")
    u_add.add_argument("--role", action="append", required=True, choices=roles, help="角色（可重复）")
    u_list = users_sub.add_parser("list", help="列出操作员和角色")
    u_list.add_argument("--json", action="store_true", help="以 JSON 输出")
    u_pw = users_sub.add_parser("passwd", help="修改自己的密码；管理员可重设别人的密码")
    u_pw.add_argument("name", nargs="?", metavar="NAME", help="操作员（默认自己）")
    u_off = users_sub.add_parser("disable", help="停用操作员（记录保留，不能再登录）")
    u_off.add_argument("name", metavar="NAME")
    u_roles = users_sub.add_parser("roles", help="改操作员的角色")
    u_roles.add_argument("name", metavar="NAME")
    u_roles.add_argument("--role", action="append", required=True, choices=roles, help="角色（可重复）")
    u_rec = users_sub.add_parser("recover", help="用恢复密钥为管理员设置新密码")
    u_rec.add_argument("name", metavar="NAME", help="管理员的名字")
    u_rec.add_argument("--recovery-key", required=True, metavar="KEY", help="首次建立时打印的恢复密钥")
    ver = sub.add_parser("verify", help="核验变更记录：链条是否完整，记录是否都有变更记录、与记录一致")
    ver.add_argument("--json", action="store_true", help="以 JSON 输出")
    return parser


# command -> (module of desktop/cli, function): imported only when the command runs
COMMANDS = {
    "demo": ("register", "demo"),
    "stats": ("register", "stats"),
    "check": ("assistance", "check_exit"),
    "cadres": ("assistance", "cadres"),
    "poverty-line": ("assistance", "poverty_lines"),
    "ledger": ("ledgers", "ledger"),
    "print": ("printing", "print_document"),
    "export": ("exchange", "export"),
    "import": ("exchange", "import_packages"),
    "duplicates": ("exchange", "duplicates"),
    "import-national": ("exchange", "import_national"),
    "backup": ("backup", "backup"),
    "backups": ("backup", "backups"),
    "restore": ("backup", "restore"),
    "check-db": ("backup", "check_db"),
    "verify": ("verify", "verify"),
    "init": ("users", "init"),
    "encryption": ("users", "encryption"),
    "users": ("users", "users"),
}


def _say_waiting(started: bool) -> None:
    if started:
        from models.wording import WAITING

        print(WAITING, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from models.files import use_private_temp

    use_private_temp()
    folder = data_folder(args.data)
    command = args.command or "gui"
    from desktop.cli import common

    common.given_user = args.user
    try:
        if command == "gui":
            from desktop.app import run

            return run(args.data, demo_if_empty=getattr(args, "demo_if_empty", False))
        if command in COMMANDS:
            from models.storage.base import waiting_listeners

            if _say_waiting not in waiting_listeners:
                waiting_listeners.append(_say_waiting)
            module, function = COMMANDS[command]
            return int(getattr(importlib.import_module(f"desktop.cli.{module}"), function)(folder, args))
    except CliExit as stop:
        return stop.status
    except Exception as exc:  # every failure ends in one Chinese sentence and status 1
        from models.wording import describe

        print(f"错误：{describe(exc)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_USAGE
