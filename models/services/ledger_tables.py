"""The four ledgers as tables: one function per ledger builds its columns, rows, warnings and
totals, and the tab, the PDF, the workbook export and the CLI all show that same table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from models import codes, fields
from models.domain import Benefit
from models.fields import FieldSpec
from models.fields import views as v
from models.money import format_fen, to_decimal
from models.rules.ledgers import attendance_by_month, finding_status, month_days, project_totals, shortfall, sums
from models.rules.values import to_text
from models.store import Store

TITLES = {
    "projects": "扶贫项目资金台账",
    "team": "驻村帮扶台账",
    "programmes": "扶贫专项台账",
    "inspections": "督查考核台账",
}
KINDS = tuple(TITLES)


@dataclass(frozen=True)
class Period:
    """A year (None: every year), or one month of it."""

    year: int | None = None
    month: int | None = None

    @property
    def start(self) -> str:
        if self.year is None:
            return "0000-01-01"
        return f"{self.year}-{self.month or 1:02d}-01"

    @property
    def end(self) -> str:
        if self.year is None:
            return "9999-12-31"
        if self.month:
            return f"{self.year}-{self.month:02d}-{month_days(self.year, self.month):02d}"
        return f"{self.year}-12-31"

    @property
    def months(self) -> list[int]:
        return [self.month] if self.month else list(range(1, 13))

    def words(self) -> str:
        if self.year is None:
            return "各年度"
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"


@dataclass
class LedgerTable:
    """One table of a ledger: its fields (columns), rows of stored values (money in fen, codes as
    keys, names where a record is referred to), what each row is (a record id), which rows to
    show in red, and total rows aligned to the columns."""

    title: str
    fields: list[FieldSpec]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    keys: list[object] = field(default_factory=list)
    warn: list[bool] = field(default_factory=list)
    totals: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [f.header for f in self.fields]

    def text(self, rows: Sequence[tuple[Any, ...]] | None = None) -> list[list[str]]:
        """Rows as a person reads them (labels, 元 with two decimals)."""
        return [
            [_text(f, value) for f, value in zip(self.fields, row, strict=False)]
            for row in (self.rows if rows is None else rows)
        ]

    def cells(self, rows: Sequence[tuple[Any, ...]] | None = None) -> list[list[object]]:
        """Rows for a workbook: money and counts as numbers, everything else as text."""
        return [
            [_cell(f, value) for f, value in zip(self.fields, row, strict=False)]
            for row in (self.rows if rows is None else rows)
        ]


def _text(f: FieldSpec, value: Any) -> str:
    if isinstance(value, str) and f.kind in ("fen", "int", "year"):
        return value  # a total's label in a number column
    return to_text(f, value)


def _cell(f: FieldSpec, value: Any) -> object:
    if value is None or value == "":
        return ""
    if f.kind == "fen" and isinstance(value, int):
        return to_decimal(value)
    if f.kind in ("int", "year") and isinstance(value, int):
        return value
    return _text(f, value)


@dataclass
class Ledger:
    kind: str
    title: str  # e.g. 测试村2020年扶贫项目资金台账
    period: Period
    tables: list[LedgerTable]
    summary: list[str] = field(default_factory=list)  # sentences of totals and warnings

    def table(self, title: str) -> LedgerTable:
        return next(t for t in self.tables if t.title == title)


def ledger(store: Store, village_id: int, kind: str, period: Period, today: dt.date | None = None) -> Ledger:
    """The ledger of a kind for a village and period."""
    today = today or dt.date.today()
    village = store.villages.get(village_id)
    title = f"{village.name}{period.words() if period.year else ''}{TITLES[kind]}"
    tables, summary = _BUILDERS[kind](store, village_id, period, today)
    return Ledger(kind, title, period, tables, summary)


# --- 扶贫项目资金台账 ---------------------------------------------------------------------

_P = fields.record("projects")
_SOURCES = [column for column in codes.PROJECT_FUND_COLUMNS.values()]
PROJECT_FIELDS = [
    *_P.specs("name", "category", "year", "total_fen", *_SOURCES),
    v.DISBURSED,
    v.BENEFICIARIES,
    _P["status"],
    v.WARNINGS,
]


def _warnings(t: Any) -> str:
    return "、".join(w for w, on in (("拨付超预算", t.over_budget), ("逾期未完工", t.late)) if on)


def _projects(store: Store, village_id: int, period: Period, today: dt.date) -> tuple[list[LedgerTable], list[str]]:
    totals = [
        project_totals(p, paid, people, today) for p, paid, people in store.ledgers.projects(village_id, period.year)
    ]
    table = LedgerTable("项目", PROJECT_FIELDS)
    for t in totals:
        p = t.project
        table.rows.append(
            (
                p.name,
                p.category,
                p.year,
                p.total_fen,
                *(getattr(p, c) for c in _SOURCES),
                t.disbursed_fen,
                t.beneficiaries,
                p.status,
                _warnings(t),
            )
        )
        table.keys.append(p.id)
        table.warn.append(bool(_warnings(t)))
    s = sums(totals)
    blank = ("",) * 3
    table.totals.append(
        ("合计", "", "", s.budget_fen, *(s.by_source[k] for k in codes.FUND_SOURCE.keys), s.disbursed_fen, *blank)
    )
    table.totals += [(f"{year} 年", "", "", amount) for year, amount in sorted(s.by_year.items())]
    by_source = "，".join(f"{codes.FUND_SOURCE.label(k)} {format_fen(x)}" for k, x in s.by_source.items())
    by_year = "，".join(f"{y} 年 {format_fen(x)}" for y, x in sorted(s.by_year.items()))
    summary = [
        f"合计：总投资 {format_fen(s.budget_fen)} 元，已拨付 {format_fen(s.disbursed_fen)} 元。",
        f"按来源：{by_source}。",
        f"按年度：{by_year or '—'}。",
    ]
    return [table], summary


# --- 驻村帮扶台账 ----------------------------------------------------------------------------

_W, _V = fields.record("work_logs"), fields.record("visits")
ATTENDANCE_FIELDS = [v.MONTH, v.TEAM_MEMBER, v.DAYS, v.MINIMUM, v.SHORT]
WORK_LOG_FIELDS = _W.specs("log_date", "cadre_id", "content")
TEAM_VISIT_FIELDS = [
    _V["visit_date"],
    fields.record("households")["household_no"],
    v.HEAD,
    *_V.specs("cadre_id", "found", "done", "next_step"),
]


def _team(store: Store, village_id: int, period: Period, today: dt.date) -> tuple[list[LedgerTable], list[str]]:
    year = period.year or today.year
    period = Period(year, period.month)
    minimum = store.config().min_attendance_days
    days = store.ledgers.attendance(village_id, period.start, period.end)
    cadres = store.assistance.cadres(village_id)
    attendance = LedgerTable("驻村考勤", ATTENDANCE_FIELDS)
    short_months = 0
    for month in period.months:
        first = f"{year}-{month:02d}-01"
        # the team of that month: members who had not left before it began
        team = [c for c in cadres if c.on_team and (c.left_date is None or c.left_date >= first)]
        counts = attendance_by_month(days, year, month)
        short = shortfall(counts, [c.id for c in team if c.id is not None], minimum)
        short_months += bool(short)
        for c in team:
            assert c.id is not None  # read from the database
            attendance.rows.append((month, c.name, counts.get(c.id, 0), minimum, short.get(c.id, 0)))
            attendance.keys.append(c.id)
            attendance.warn.append(c.id in short)
    names = {c.id: c.name for c in cadres}
    logs = LedgerTable("工作日志", WORK_LOG_FIELDS)
    for w in store.ledgers.work_logs(village_id, period.start, period.end):
        logs.rows.append((w.log_date, names.get(w.cadre_id, ""), w.content))
        logs.keys.append(w.id)
    visits = LedgerTable("走访记录", TEAM_VISIT_FIELDS)
    for row in store.ledgers.visits(village_id, period.start, period.end):
        visits.rows.append(tuple(row))
    summary = [f"驻村工作队员每月在村不少于 {minimum} 天；工作日志 {len(logs.rows)} 条，走访 {len(visits.rows)} 次。"]
    if short_months:
        summary.append(f"有 {short_months} 个月有人在村天数不足（红色）。")
    return [attendance, logs, visits], summary


# --- 扶贫专项台账 ----------------------------------------------------------------------------

_B = fields.record("benefits")
BENEFIT_FIELDS = [
    _B["benefit_date"],
    fields.record("households")["household_no"],
    v.HEAD,
    *_B.specs("member_id", "programme"),
    v.STUDY,
    *_B.specs("amount_fen", "source", "note"),
]


def study(b: Benefit) -> str:
    """A 雨露计划 student's school, grade and term, as one cell ('' for other benefits)."""
    return "　".join(x for x in (b.school, b.grade, codes.TERM.label(b.term)) if x) if b.programme == codes.YULU else ""


def _programmes(
    store: Store, village_id: int, period: Period, today: dt.date, programme: str = ""
) -> tuple[list[LedgerTable], list[str]]:
    """Every benefit of the period; households removed since stay (who benefited is history)."""
    heads = store.register.household_labels(village_id)
    benefits = [
        b
        for b in store.ledgers.benefits(village_id, period.start, period.end)
        if not programme or b.programme == programme
    ]
    names = store.households.member_names([b.member_id for b in benefits if b.member_id])
    table = LedgerTable("享受政策", BENEFIT_FIELDS)
    by_programme: dict[str, int] = {}
    for b in benefits:
        number, head = heads.get(b.household_id or 0, ("", ""))
        table.rows.append(
            (
                b.benefit_date,
                number,
                head,
                names.get(b.member_id or 0, "全户"),
                b.programme,
                study(b),
                b.amount_fen,
                b.source,
                b.note,
            )
        )
        table.keys.append(b.id)
        by_programme[b.programme] = by_programme.get(b.programme, 0) + b.amount_fen
    total = sum(by_programme.values())
    table.totals.append(("合计", "", "", "", "", total))
    table.totals += [("", "", "", "", k, x) for k, x in by_programme.items()]
    parts = "，".join(f"{codes.PROGRAMME.label(k)} {format_fen(x)}" for k, x in by_programme.items())
    return [table], [f"共 {len(benefits)} 笔，合计 {format_fen(total)} 元" + (f"：{parts}" if parts else "") + "。"]


def benefits_of(store: Store, village_id: int, period: Period, programme: str = "") -> Ledger:
    """The special-programme ledger, of one programme only when one is given (the tab's filter)."""
    tables, summary = _programmes(store, village_id, period, dt.date.today(), programme)
    village = store.villages.get(village_id)
    return Ledger("programmes", f"{village.name}{TITLES['programmes']}", period, tables, summary)


# --- 督查考核台账 ----------------------------------------------------------------------------

_I, _F = fields.record("inspections"), fields.record("problems")
INSPECTION_FIELDS = [
    *_I.specs("inspect_date", "kind", "body"),
    *_F.specs("description", "measure", "responsible", "deadline", "state", "completion_note"),
]


def _inspections(store: Store, village_id: int, period: Period, today: dt.date) -> tuple[list[LedgerTable], list[str]]:
    table = LedgerTable("整改问题", INSPECTION_FIELDS)
    for i in store.ledgers.inspections(village_id, period.start, period.end):
        for f in store.ledgers.findings(i.id or 0):
            status = finding_status(f, today)
            table.rows.append(
                (
                    i.inspect_date,
                    i.kind,
                    i.body,
                    f.description,
                    f.measure,
                    f.responsible,
                    f.deadline,
                    status,
                    f"{f.completed_date or ''} {f.completion_note}".strip(),
                )
            )
            table.keys.append((i.id, f.id))
            table.warn.append(status == "overdue")
    overdue = sum(table.warn)
    return [table], [f"共 {len(table.rows)} 个问题，逾期未整改 {overdue} 个（红色）。"]


_BUILDERS = {"projects": _projects, "team": _team, "programmes": _programmes, "inspections": _inspections}
