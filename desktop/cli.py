"""The ``cundang`` command: dispatch to the window or to a command, with exit statuses 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import contextmanager

from desktop import argparse_zh
from desktop.paths import ENV_DATA, data_folder

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}”应为正整数")
    return value


def build_parser() -> argparse.ArgumentParser:
    argparse_zh.install()
    parser = argparse.ArgumentParser(prog="cundang", description="村档：精准扶贫村级档案管理。不带命令时打开窗口。")
    parser.add_argument(
        "--data", metavar="DIR", help=f"数据文件夹（默认取环境变量 {ENV_DATA}，否则为系统的用户数据文件夹）"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    gui = sub.add_parser("gui", help="打开窗口（默认）")
    gui.add_argument("--demo-if-empty", action="store_true", help="数据文件夹为空时先生成演示村")
    demo = sub.add_parser("demo", help="在空的数据文件夹中生成演示村")
    demo.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认 1）")
    demo.add_argument("--households", type=_positive, default=300, metavar="N", help="每村建档立卡户数（默认 300）")
    demo.add_argument("--villages", type=_positive, default=1, metavar="K", help="村数，多村即一个县（默认 1）")
    stats = sub.add_parser("stats", help="各村户数、人数统计")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")
    check = sub.add_parser("check", help="核查")
    check_sub = check.add_subparsers(dest="check_kind", metavar="种类", required=True)
    exit_ = check_sub.add_parser("exit", help="贫困户退出核查：逐户逐项，附村级汇总")
    exit_.add_argument("--year", type=_year, required=True, metavar="Y", help="核查年度")
    exit_.add_argument("--village", metavar="CODE", help="只核查这个村（12位代码）；默认数据文件夹中的所有村")
    exit_.add_argument("--json", action="store_true", help="以 JSON 输出")
    ledger = sub.add_parser("ledger", help="四类台账及合计")
    ledger.add_argument(
        "kind",
        choices=("projects", "team", "programmes", "inspections"),
        help="projects 项目资金，team 驻村帮扶，programmes 扶贫专项，inspections 督查考核",
    )
    ledger.add_argument("--year", type=_year, metavar="Y", help="年度（默认今年）")
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
    pr.add_argument("--year", type=_year, metavar="Y", help="年度")
    pr.add_argument("--from", dest="start", metavar="DATE", help="公示开始日期 yyyy-MM-dd")
    pr.add_argument("--to", dest="end", metavar="DATE", help="公示结束日期 yyyy-MM-dd")
    pr.add_argument("--a3", action="store_true", help="公示用 A3 纸（默认 A4 横向）")
    pr.add_argument("--village", metavar="CODE", help="村代码（数据文件夹有多个村时）")
    pr.add_argument("--out", required=True, metavar="FILE.pdf", help="输出文件")
    ex = sub.add_parser("export", help="导出本村上报包（Excel），或用 --county 导出县级汇总")
    ex.add_argument("--village", metavar="CODE", help="村代码（数据文件夹有多个村时必填）")
    ex.add_argument("--county", action="store_true", help="导出全县各村汇总（户数、人口、资金、问题、贫困发生率）")
    ex.add_argument("--year", type=_year, metavar="Y", help="县级汇总的贫困发生率年度（默认今年）")
    ex.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出文件")
    im = sub.add_parser("import", help="县级导入各村上报包：先全部检查，每个包要么全部导入，要么不导入")
    im.add_argument("files", nargs="+", metavar="FILE", help="上报包（.xlsx），可多个")
    im.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    im.add_argument("--report", metavar="REPORT.xlsx", help="把问题清单写入这个 Excel 文件")
    im.add_argument("--json", action="store_true", help="以 JSON 输出结果和问题")
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
    return parser


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"“{text}”不是年度（如 2019）")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folder = data_folder(args.data)
    command = args.command or "gui"
    try:
        if command == "gui":
            from desktop.app import run

            return run(args.data, demo_if_empty=getattr(args, "demo_if_empty", False))
        if command == "demo":
            return _demo(folder, args)
        if command == "stats":
            return _stats(folder, args)
        if command == "check":
            from desktop import cli_assistance

            return cli_assistance.check_exit(folder, args)
        if command == "ledger":
            from desktop import cli_ledgers

            return cli_ledgers.ledger(folder, args)
        if command == "print":
            from desktop import cli_print

            return cli_print.print_document(folder, args)
        if command in ("export", "import", "duplicates", "import-national"):
            from desktop import cli_exchange

            return {
                "export": cli_exchange.export,
                "import": cli_exchange.import_packages,
                "duplicates": cli_exchange.duplicates,
                "import-national": cli_exchange.import_national,
            }[command](folder, args)
        if command == "cadres":
            from desktop import cli_assistance

            return cli_assistance.cadres(folder, args)
    except CliExit as stop:
        return stop.status
    except Exception as exc:  # every failure ends in one Chinese sentence and status 1
        from ui.messages import describe

        print(f"错误：{describe(exc)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_USAGE


def _demo(folder, args: argparse.Namespace) -> int:
    from models.demo.generator import generate
    from models.store import Store

    with Store.open(folder, actor="演示数据生成") as store:
        summary = generate(store, seed=args.seed, households=args.households, villages=args.villages)
    print(
        f"已生成演示数据：{summary.villages} 个村，{summary.households} 户，{summary.members} 人。数据文件夹：{folder}"
    )
    return EXIT_OK


class CliExit(Exception):
    """Stop a command with an exit status; its message was already printed."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@contextmanager
def village_store(folder, code: str | None, *, single: bool = False):
    """The open store and the villages a command is about (``--village CODE`` or all of them);
    with ``single``, exactly one. Stops the command in words when there is no such village."""
    from models.store import Store

    if not require_data(folder):
        raise CliExit(EXIT_ERROR)
    with Store.open(folder) as store:
        villages = store.villages.all()
        if code:
            villages = [v for v in villages if v.code == code]
            if not villages:
                print(f"错误：数据文件夹中没有代码为 {code} 的村。", file=sys.stderr)
                raise CliExit(EXIT_ERROR)
        if single and len(villages) > 1:
            print("错误：数据文件夹中有多个村，请用 --village 指定。", file=sys.stderr)
            raise CliExit(EXIT_USAGE)
        yield store, villages


def require_data(folder) -> bool:
    from models.storage.database import has_data

    if not has_data(folder):
        print(
            f"错误：数据文件夹“{folder}”中还没有数据。可先运行 cundang --data {folder} demo 生成演示村。",
            file=sys.stderr,
        )
        return False
    return True


def _stats(folder, args: argparse.Namespace) -> int:
    from models import codes
    from models.store import Store

    if not require_data(folder):
        return EXIT_ERROR
    with Store.open(folder) as store:
        stats = store.stats.villages()
    if args.json:
        print(json.dumps({"villages": [s.as_json() for s in stats]}, ensure_ascii=False, indent=1))
        return EXIT_OK
    for s in stats:
        print(f"{s.name}（{s.code}）")
        print(
            f"  建档立卡户 {s.registered} 户（另有已清退 {s.households - s.registered} 户），现有人口 {s.members} 人；"
            f"未脱贫（含返贫） {s.poor} 户，已脱贫 {s.exited} 户"
        )
        print("  按脱贫状态：" + "，".join(f"{codes.status_label(k)} {n}" for k, n in s.by_status.items()))
        print("  按村民小组：" + "，".join(f"{k} {n}" for k, n in s.by_group.items()))
    return EXIT_OK
