"""CLI command ``ledger``: each of the four ledgers for a year, with its totals."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from desktop.cli import EXIT_OK, village_store
from models import codes
from models.ledgers import (
    attendance_by_month,
    finding_status,
    project_totals,
    proposed_transfer_income,
    shortfall,
    sums,
)
from models.money import format_fen


def _yuan(fen: int) -> str:
    return format_fen(fen)


def ledger(folder: Path, args: argparse.Namespace) -> int:
    today = dt.date.today()
    year = args.year or today.year
    start, end = f"{year}-01-01", f"{year}-12-31"
    with village_store(folder, args.village) as (store, villages):
        out = []
        for v in villages:
            entry: dict[str, object] = {"code": v.code, "name": v.name, "year": year}
            if args.kind == "projects":
                rows = [
                    project_totals(p, paid, people, today) for p, paid, people in store.ledgers.projects(v.id, year)
                ]
                total = sums(rows)
                entry["projects"] = [
                    {
                        "name": t.project.name,
                        "category": codes.PROJECT_CATEGORY.label(t.project.category),
                        "status": codes.PROJECT_STATUS.label(t.project.status),
                        "budget_yuan": _yuan(t.project.total_fen),
                        "disbursed_yuan": _yuan(t.disbursed_fen),
                        "beneficiaries": t.beneficiaries,
                        "warnings": [w for w, on in (("拨付超预算", t.over_budget), ("逾期未完工", t.late)) if on],
                    }
                    for t in rows
                ]
                entry["totals"] = {
                    "budget_yuan": _yuan(total.budget_fen),
                    "disbursed_yuan": _yuan(total.disbursed_fen),
                    "by_source_yuan": {codes.FUND_SOURCE.label(k): _yuan(x) for k, x in total.by_source.items()},
                }
            elif args.kind == "team":
                team = [c for c in store.assistance.cadres(v.id) if c.on_team]
                days = store.ledgers.attendance(v.id, start, end)
                minimum = store.config().min_attendance_days
                months = []
                for month in range(1, 13):
                    counts = attendance_by_month(days, year, month)
                    short = shortfall(counts, [c.id for c in team], minimum)
                    months.append(
                        {
                            "month": month,
                            "days": {c.name: counts.get(c.id, 0) for c in team},
                            "short": [c.name for c in team if c.id in short],
                        }
                    )
                entry["team"] = [c.name for c in team]
                entry["minimum_days"] = minimum
                entry["months"] = months
                entry["work_logs"] = len(store.ledgers.work_logs(v.id, start, end))
            elif args.kind == "programmes":
                benefits = store.ledgers.benefits(v.id, start, end)
                by_programme: dict[str, int] = {}
                for b in benefits:
                    by_programme[b.programme] = by_programme.get(b.programme, 0) + b.amount_fen
                entry["benefits"] = len(benefits)
                entry["by_programme_yuan"] = {codes.PROGRAMME.label(k): _yuan(x) for k, x in by_programme.items()}
                entry["total_yuan"] = _yuan(sum(by_programme.values()))
                entry["proposed_transfer_income_yuan"] = {
                    k: _yuan(x) for k, x in proposed_transfer_income(benefits, year).items()
                }
            else:
                inspections = []
                for i in store.ledgers.inspections(v.id, start, end):
                    findings = store.ledgers.findings(i.id)
                    inspections.append(
                        {
                            "date": i.inspect_date,
                            "kind": codes.INSPECTION_KIND.label(i.kind),
                            "body": i.body,
                            "problems": [
                                {
                                    "description": f.description,
                                    "deadline": f.deadline,
                                    "status": codes.PROBLEM_STATUS.label(finding_status(f, today)),
                                }
                                for f in findings
                            ],
                        }
                    )
                entry["inspections"] = inspections
                entry["overdue"] = store.ledgers.overdue_findings(v.id, today.isoformat())
            out.append(entry)
    if args.json:
        print(json.dumps({"ledger": args.kind, "villages": out}, ensure_ascii=False, indent=1))
        return EXIT_OK
    empty = all(not (e.get("projects") or e.get("benefits") or e.get("inspections") or e.get("work_logs")) for e in out)
    if empty and not args.year:
        print(f"提示：{year} 年还没有记录；可用 --year 指定其他年度。", file=sys.stderr)
    for e in out:
        print(f"{e['name']}（{e['code']}）{year} 年")
        if args.kind == "projects":
            for p in e["projects"]:
                warn = f"  ⚠ {'、'.join(p['warnings'])}" if p["warnings"] else ""
                print(
                    f"  {p['name']}（{p['status']}）预算 {p['budget_yuan']} 元，已拨付 {p['disbursed_yuan']} 元，"
                    f"受益 {p['beneficiaries']} 户{warn}"
                )
            t = e["totals"]
            print(
                f"  合计：预算 {t['budget_yuan']} 元，已拨付 {t['disbursed_yuan']} 元；按来源："
                + "，".join(f"{k} {x}" for k, x in t["by_source_yuan"].items())
            )
        elif args.kind == "team":
            print(
                f"  驻村工作队：{'、'.join(e['team'])}；每月不少于 {e['minimum_days']} 天；工作日志 {e['work_logs']} 条"
            )
            for m in e["months"]:
                days = "，".join(f"{k} {x} 天" for k, x in m["days"].items())
                short = f"；不足：{'、'.join(m['short'])}" if m["short"] else ""
                print(f"  {m['month']} 月：{days}{short}")
        elif args.kind == "programmes":
            print(
                f"  共 {e['benefits']} 笔，合计 {e['total_yuan']} 元："
                + "，".join(f"{k} {x}" for k, x in e["by_programme_yuan"].items())
            )
        else:
            for i in e["inspections"]:
                print(f"  {i['date']} {i['kind']}（{i['body']}）")
                for f in i["problems"]:
                    print(f"    {f['description']}：期限 {f['deadline']}，{f['status']}")
            print(f"  逾期未整改：{e['overdue']} 项")
    return EXIT_OK
