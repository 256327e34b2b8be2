"""CLI command ``print``: household files, 明白卡 and notices as PDF files."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from desktop.cli.common import EXIT_ERROR, EXIT_OK, EXIT_USAGE, village_store

NOTICE_KINDS = ("identify", "exit", "pairing", "funds")
LEDGER_KINDS = ("projects", "team", "programmes", "inspections")


def print_document(folder: Path, args: argparse.Namespace) -> int:
    from printing.binder import render_binder
    from printing.card import render_cards
    from printing.fonts import find_font
    from printing.household_file import render_households
    from printing.ledgers import render_ledger
    from printing.notices import render_notice

    with village_store(folder, args.village, single=True) as (store, villages):
        village = villages[0]
        assert village.id is not None  # read from the database
        font = find_font(store.config().pdf_font or None)
        if font.warning:
            print(f"提示：{font.warning}", file=sys.stderr)
        year = args.year or dt.date.today().year
        if args.document in ("notice", "ledger"):
            kinds = NOTICE_KINDS if args.document == "notice" else LEDGER_KINDS
            if args.kind not in kinds:
                print(
                    f"错误：打印{'公示' if args.document == 'notice' else '台账'}需要 --kind {'|'.join(kinds)}。",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            if args.document == "notice":
                pages = render_notice(
                    store, village.id, args.kind, year, args.out, font, start=args.start, end=args.end, a3=args.a3
                )
            else:
                pages = render_ledger(store, village.id, args.kind, year, args.out, font)
        elif args.document == "binder":
            pages = render_binder(store, village.id, year, args.out, font)
        else:
            if args.all:
                ids = store.households.ids(village.id)
            elif args.household:
                ids = []
                for number in args.household:
                    found = store.households.by_no(village.id, number.strip())
                    if found is None:
                        print(f"错误：本村没有户编号为 {number} 的户。没有生成文件。", file=sys.stderr)
                        return EXIT_ERROR
                    assert found.id is not None  # read from the database
                    ids.append(found.id)
            else:
                print("错误：请用 --household 指定户，或用 --all 打印全村。", file=sys.stderr)
                return EXIT_USAGE
            render = (
                render_households
                if args.document == "household"
                else (lambda s, i, p, f: render_cards(s, i, p, f, year))
            )
            pages = render(store, ids, args.out, font)
    print(f"已生成 {args.out}，共 {pages} 页。")
    return EXIT_OK
