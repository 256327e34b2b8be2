"""CLI commands of the assistance work: ``check exit``, ``cadres`` and ``poverty-line``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop.cli.common import EXIT_ERROR, EXIT_OK, open_store, require_data, say_error, village_store
from models import codes
from models.rules.assistance import missing_requirements
from models.services.assistance import run_exit_check, village_exit_summary
from models.wording import criterion_label, describe_result, exit_verdict


def check_exit(folder: Path, args: argparse.Namespace) -> int:
    with village_store(folder, args.village) as (store, villages):
        out = {"year": args.year, "households": [], "villages": []}
        for v in villages:
            assert v.id is not None  # read from the database
            for c in run_exit_check(store, args.year, village_id=v.id):
                out["households"].append(
                    {
                        "village": v.code,
                        "household_no": c.household_no,
                        "head": c.head,
                        "status": codes.status_label(c.status),
                        "passed": c.passed,
                        "verdict": exit_verdict(c),
                        "failed": [codes.EXIT_CRITERION.label(k) for k in c.failed],
                        "unfilled": [codes.EXIT_CRITERION.label(k) for k in c.missing],
                        "criteria": {
                            codes.EXIT_CRITERION.label(r.criterion): {
                                "passed": r.passed,
                                "outcome": codes.EXIT_OUTCOME.label(r.outcome),
                                "required": r.criterion in c.required,
                                "reason": describe_result(r),
                            }
                            for r in c.results
                        },
                    }
                )
            s = village_exit_summary(store, v.id, args.year)
            out["villages"].append(
                {
                    "code": s.code,
                    "name": s.name,
                    "poor_people": s.poor_people,
                    "agri_population": s.agri_population,
                    "incidence_percent": None if s.incidence_permille is None else round(s.incidence_permille / 10, 2),
                    "passed": s.passed,
                    "criteria": {
                        criterion_label(r.criterion): {
                            "passed": r.passed,
                            "outcome": codes.EXIT_OUTCOME.label(r.outcome),
                            "reason": describe_result(r),
                        }
                        for r in s.results
                    },
                }
            )
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(f"{args.year} 年贫困户退出核查")
    for h in out["households"]:
        reasons = "；".join(h["criteria"][k]["reason"] for k in (*h["failed"], *h["unfilled"]))
        print(
            f"  {h['household_no']} {h['head']}（{h['status']}）{h['verdict']}" + (f"（{reasons}）" if reasons else "")
        )
    passed = sum(h["passed"] for h in out["households"])
    print(f"共 {len(out['households'])} 户，达标 {passed} 户，未达标 {len(out['households']) - passed} 户。")
    for v in out["villages"]:
        print(f"{v['name']}（{v['code']}）村级退出：{'达标' if v['passed'] else '未达标'}")
        for name, r in v["criteria"].items():
            print(
                f"  {name}：{r['outcome']}（{r['reason']}）"
                if r["reason"] != r["outcome"]
                else f"  {name}：{r['outcome']}"
            )
    return EXIT_OK


def cadres(folder: Path, args: argparse.Namespace) -> int:
    with village_store(folder, args.village) as (store, villages):
        config = store.config()
        out: list[dict[str, Any]] = []
        for v in villages:
            assert v.id is not None  # read from the database
            people = store.assistance.cadres(v.id)
            loads = store.assistance.loads(v.id)
            out.append(
                {
                    "code": v.code,
                    "name": v.name,
                    "cadres": [
                        {
                            "name": c.name,
                            "unit": c.unit,
                            "position": c.position,
                            "phone": c.phone,
                            "roles": [codes.CADRE_ROLE.label(r) for r in c.role_keys],
                            "on_team": bool(c.on_team),
                            "current_households": loads.get(c.id, 0) if c.id is not None else 0,
                            "left_date": c.left_date,
                        }
                        for c in people
                    ],
                    "missing_roles": [
                        codes.VILLAGE_REQUIREMENT.label(k) for k in missing_requirements(config.required_roles, people)
                    ],
                    "unpaired_households": len(store.assistance.unpaired(v.id)),
                }
            )
    if args.json:
        print(json.dumps({"villages": out}, ensure_ascii=False, indent=1))
        return EXIT_OK
    for entry in out:
        print(f"{entry['name']}（{entry['code']}）帮扶干部 {len(entry['cadres'])} 人")
        for c in entry["cadres"]:
            team = "驻村工作队 " if c["on_team"] else ""
            left = f"，已于 {c['left_date']} 离开" if c["left_date"] else ""
            print(
                f"  {c['name']}（{team}{'、'.join(c['roles']) or '无角色'}；{c['unit']}）"
                f"结对 {c['current_households']} 户{left}"
            )
        missing = "、".join(entry["missing_roles"]) or "无"
        print(f"  缺少的帮扶力量：{missing}；无帮扶责任人的未脱贫户：{entry['unpaired_households']} 户")
    return EXIT_OK


def poverty_lines(folder: Path, args: argparse.Namespace) -> int:
    """``poverty-line list`` and ``poverty-line set``: the 扶贫标准 dialog's work from the command line."""
    from models.domain import PovertyLine
    from models.errors import ValidationFailed
    from models.fields import record
    from models.money import format_fen, parse_yuan
    from models.services.assistance import save_poverty_line
    from models.wording import describe_problem

    if args.line_command == "list" and not require_data(folder):
        return EXIT_ERROR  # a county sets its lines before its first import: set may start the folder
    label = record("poverty_lines").label
    with open_store(folder) as store:
        if args.line_command == "set":
            try:
                line = PovertyLine(
                    year=args.year, province=args.province, line_fen=parse_yuan(args.amount), source=args.source
                )
                save_poverty_line(store, line)
            except ValidationFailed as exc:
                for p in exc.problems:
                    say_error(describe_problem(p))
                return EXIT_ERROR
            print(
                f"已保存：{args.year} 年 {args.province.strip()} {label('line_fen')} {format_fen(line.line_fen)} 元。"
            )
            return EXIT_OK
        if args.villages:
            return _reported_lines(store, args, label)
        lines = store.assistance.poverty_lines()
        rows = [
            {
                label("year"): p.year,
                label("province"): p.province,
                label("line_fen"): format_fen(p.line_fen),
                label("source"): p.source,
            }
            for p in lines
        ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not rows:
        print("还没有扶贫标准。可用 cundang poverty-line set --year 年度 --province 省份 金额 添加。")
    for row in rows:
        print("　".join(f"{k}：{v}" for k, v in row.items() if v != ""))
    return EXIT_OK


def _reported_lines(store: Any, args: argparse.Namespace, label: Callable[[str], str]) -> int:
    """``poverty-line list --villages``: the line each village's package carried, beside the
    county's own (the county's exit check uses its own where it has one)."""
    from models.fields import VIEWS
    from models.money import format_fen

    view = VIEWS["reported_lines"].label
    rows, differs = [], []
    for code, name, year, province, fen, source, own in store.assistance.reported_lines():
        rows.append(
            {
                view("code"): code,
                view("name"): name,
                view("year"): year,
                view("province"): province,
                view("line_fen"): format_fen(fen),
                label("source"): source,
                view("county_fen"): "无（核查用村上报的）" if own is None else format_fen(own),
            }
        )
        differs.append(own is not None and own != fen)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not rows:
        print("还没有导入带扶贫标准的上报包（格式版本 3 起的上报包带有村里用的扶贫标准）。")
    for row, other in zip(rows, differs, strict=True):
        print("　".join(f"{k}：{v}" for k, v in row.items() if v != "") + ("　与县里不同" if other else ""))
    return EXIT_OK
