"""CLI command ``ledger``: each of the four ledgers for a year, with its totals (the same tables
the 台账 screens, the PDFs and the exports show)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from desktop.cli.common import EXIT_OK, village_store


def ledger(folder: Path, args: argparse.Namespace) -> int:
    from models.services.ledger_tables import Period
    from models.services.ledger_tables import ledger as build

    year = args.year or dt.date.today().year
    with village_store(folder, args.village) as (store, villages):
        books = [(v, build(store, v.id or 0, args.kind, Period(year))) for v in villages]
    if args.json:
        print(
            json.dumps(
                {
                    "ledger": args.kind,
                    "villages": [
                        {
                            "code": v.code,
                            "name": v.name,
                            "year": year,
                            "title": book.title,
                            "summary": book.summary,
                            "tables": [
                                {
                                    "title": t.title,
                                    "headers": t.headers,
                                    "rows": t.text(),
                                    "totals": t.text(t.totals),
                                    "warn": t.warn,
                                }
                                for t in book.tables
                            ],
                        }
                        for v, book in books
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_OK
    if not args.year and not any(t.rows for _, book in books for t in book.tables):
        print(f"提示：{year} 年还没有记录；可用 --year 指定其他年度。", file=sys.stderr)
    for v, book in books:
        print(f"{book.title}（{v.code}）")
        for t in book.tables:
            if len(book.tables) > 1:
                print(f"  {t.title}")
            print("    " + "　".join(t.headers))
            for row, warn in zip(t.text(), t.warn or [False] * len(t.rows), strict=True):
                print(("  ⚠ " if warn else "    ") + "　".join(row))
            for row in t.text(t.totals):
                print("    " + "　".join(c for c in row if c))
        for line in book.summary:
            print(f"  {line}")
    return EXIT_OK
