"""The four ledgers as printed tables for a year, in the layout of their screens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Paragraph

from models import codes
from models.ledgers import attendance_by_month, finding_status, project_totals, shortfall, sums
from models.money import format_fen
from models.store import Store
from printing.base import LANDSCAPE_WIDTH, Heading, Styles, build, table
from printing.fonts import PdfFont

LEDGER_TITLES = {
    "projects": "扶贫项目资金台账",
    "team": "驻村帮扶台账",
    "programmes": "扶贫专项台账",
    "inspections": "督查考核台账",
}


def ledger_story(store: Store, village_id: int, kind: str, year: int, s: Styles) -> list:
    village = store.villages.get(village_id)
    start, end = f"{year}-01-01", f"{year}-12-31"
    today = dt.date.today()
    story: list = [Heading(f"{village.name}{year}年{LEDGER_TITLES[kind]}", s.title, 0)]
    if kind == "projects":
        rows = [project_totals(p, paid, people, today) for p, paid, people in store.ledgers.projects(village_id, year)]
        story.append(
            table(
                [
                    ("项目名称", "类别", "总投资", *(codes.FUND_SOURCE.labels)),
                    *(
                        (
                            t.project.name,
                            codes.PROJECT_CATEGORY.label(t.project.category),
                            format_fen(t.project.total_fen),
                            *(format_fen(getattr(t.project, c)) for c in codes.PROJECT_FUND_COLUMNS.values()),
                        )
                        for t in rows
                    ),
                ],
                s,
                total=LANDSCAPE_WIDTH,
            )
        )
        story.append(
            table(
                [
                    ("项目名称", "已拨付", "受益户", "开工", "完工", "状态", "提示"),
                    *(
                        (
                            t.project.name,
                            format_fen(t.disbursed_fen),
                            t.beneficiaries,
                            t.project.start_date or "",
                            t.project.finish_date or "",
                            codes.PROJECT_STATUS.label(t.project.status),
                            "、".join(w for w, on in (("拨付超预算", t.over_budget), ("逾期未完工", t.late)) if on),
                        )
                        for t in rows
                    ),
                ],
                s,
                total=LANDSCAPE_WIDTH,
            )
        )
        total = sums(rows)
        story.append(
            Paragraph(
                f"合计：总投资 {format_fen(total.budget_fen)} 元，已拨付 {format_fen(total.disbursed_fen)} 元。"
                + "按来源："
                + "，".join(f"{codes.FUND_SOURCE.label(k)} {format_fen(v)}" for k, v in total.by_source.items()),
                s.body,
            )
        )
    elif kind == "team":
        team = [c for c in store.assistance.cadres(village_id) if c.on_team]
        days = store.ledgers.attendance(village_id, start, end)
        minimum = store.config().min_attendance_days
        rows = [("月份", *(c.name for c in team))]
        for month in range(1, 13):
            counts = attendance_by_month(days, year, month)
            short = shortfall(counts, [c.id for c in team], minimum)
            rows.append(
                (f"{month}月", *(f"{counts.get(c.id, 0)}" + ("（不足）" if c.id in short else "") for c in team))
            )
        story += [Paragraph(f"驻村考勤（每月不少于 {minimum} 天）", s.h2), table(rows, s, total=LANDSCAPE_WIDTH)]
        names = {c.id: c.name for c in store.assistance.cadres(village_id)}
        story += [
            Paragraph("工作日志", s.h2),
            table(
                [
                    ("日期", "记录人", "内容"),
                    *(
                        (w.log_date, names.get(w.cadre_id, ""), w.content)
                        for w in store.ledgers.work_logs(village_id, start, end)
                    ),
                ],
                s,
                total=LANDSCAPE_WIDTH,
            ),
        ]
    elif kind == "programmes":
        heads = store.register.household_labels(village_id)
        benefits = store.ledgers.benefits(village_id, start, end)
        story.append(
            table(
                [
                    ("日期", "户编号", "户主", "项目", "金额（元）", "备注"),
                    *(
                        (
                            b.benefit_date,
                            *heads.get(b.household_id, ("", "")),
                            codes.PROGRAMME.label(b.programme),
                            format_fen(b.amount_fen),
                            b.note,
                        )
                        for b in benefits
                    ),
                ],
                s,
                total=LANDSCAPE_WIDTH,
            )
        )
        story.append(Paragraph(f"合计 {format_fen(sum(b.amount_fen for b in benefits))} 元。", s.body))
    else:
        rows = [("检查日期", "类型", "检查单位", "问题", "整改措施", "责任人", "期限", "状态")]
        for i in store.ledgers.inspections(village_id, start, end):
            rows += [
                (
                    i.inspect_date,
                    codes.INSPECTION_KIND.label(i.kind),
                    i.body,
                    f.description,
                    f.measure,
                    f.responsible,
                    f.deadline,
                    codes.PROBLEM_STATUS.label(finding_status(f, today)),
                )
                for f in store.ledgers.findings(i.id)
            ]
        story.append(table(rows, s, total=LANDSCAPE_WIDTH))
    return story


def render_ledger(
    store: Store,
    village_id: int,
    kind: str,
    year: int,
    path: Path | str,
    font: PdfFont,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    return build(
        path,
        ledger_story(store, village_id, kind, year, Styles(font)),
        font,
        title=LEDGER_TITLES[kind],
        wide=True,
        cancelled=cancelled,
    )
