"""公示 for the village board: 识别, 退出, 帮扶责任人, 项目资金. Large print, landscape, masked:
never a full ID number, phone, bank account or health detail. Each printed notice is recorded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from models import codes, idnumber
from models.changes import Changes
from models.errors import InvalidDate, NoticeTooShort, PeriodReversed
from models.fields import views
from models.money import format_fen
from models.rules.income import household_size, per_capita_fen
from models.store import Store
from printing.base import LANDSCAPE_WIDTH, Heading, Styles, build, table
from printing.fonts import PdfFont


def notice_days(store: Store, kind: str) -> int:
    config = store.config()
    return config.funds_notice_days if kind == "funds" else config.notice_days


def notice_period(store: Store, kind: str, start: str | None, end: str | None) -> tuple[str, str]:
    """The period: given, or from the start for the configured number of days (10 for funds);
    never shorter than that."""
    try:
        first = dt.date.fromisoformat(start) if start else dt.date.today()
        days = notice_days(store, kind)
        last = dt.date.fromisoformat(end) if end else first + dt.timedelta(days=days - 1)
    except ValueError:
        raise InvalidDate(value=f"{start or ''} {end or ''}".strip()) from None
    if last < first:
        raise PeriodReversed(start=first.isoformat(), end=last.isoformat())
    if (last - first).days + 1 < days:
        raise NoticeTooShort(days=(last - first).days + 1, required=days)
    return first.isoformat(), last.isoformat()


def _households_of(store: Store, village_id: int, kind: str, year: int) -> list[int]:
    """Households whose identification or exit of that year is being made public."""
    event = {"identify": "identify", "exit": "exit"}[kind]
    return store.households.with_event(village_id, event, year)


def notice_rows(store: Store, village_id: int, kind: str, year: int) -> tuple[list[str], list[tuple]]:
    """What a notice shows, masked: never a full ID number, phone, bank account or health detail."""
    groups = {g.id: g.name for g in store.villages.groups(village_id)}
    if kind in ("identify", "exit"):
        last_field = views.MAIN_CAUSE if kind == "identify" else views.PER_CAPITA
        headers = [f.header.format(year=year) for f in (*views.NOTICE_PEOPLE, last_field)]
        rows: list[tuple] = []
        for hid in _households_of(store, village_id, kind, year):
            f = store.households.file(hid)
            head = f.head
            size = household_size(f.members, year)
            income = store.households.income(hid, year)
            last = (
                codes.CAUSE.label(f.household.main_cause)
                if kind == "identify"
                else (format_fen(per_capita_fen(income, size)) if income else "")
            )
            rows.append(
                (
                    head.name if head else "",
                    idnumber.mask(head.id_number) if head and head.id_number else "",
                    groups.get(f.household.group_id, ""),
                    size,
                    codes.ATTRIBUTE.label(f.household.attribute),
                    last,
                )
            )
        return headers, rows
    if kind == "pairing":
        headers = [f.header for f in views.NOTICE_PAIRING]
        return headers, [(r[2], "", r[4], "", r[5]) for r in store.register.pairing_rows(village_id) if r[4]]
    headers = [f.header for f in views.NOTICE_FUNDS]
    rows = []
    for p, _, _ in store.ledgers.projects(village_id, year):
        sources = "，".join(
            f"{codes.FUND_SOURCE.label(k)} {format_fen(getattr(p, c))}"
            for k, c in codes.PROJECT_FUND_COLUMNS.items()
            if getattr(p, c)
        )
        rows.append(
            (
                p.name,
                p.place,
                p.content,
                format_fen(p.total_fen),
                sources,
                f"{p.start_date or ''} 至 {p.finish_date or ''}",
                f"{p.unit} {p.responsible}",
                p.goal,
                p.mechanism,
            )
        )
    return headers, rows


def record_notice(store: Store, village_id: int, kind: str, year: int, start: str | None, end: str | None) -> Changes:
    """A notice was posted: keep its kind, period and content, so procedures can rely on its period."""
    first, last = notice_period(store, kind, start, end)
    headers, rows = notice_rows(store, village_id, kind, year)
    if kind == "pairing":
        rows = _pairing_rows(store, village_id)
    with store.operation() as op:
        store.writer.insert(
            "notices",
            {
                "village_id": village_id,
                "kind": kind,
                "year": year,
                "start_date": first,
                "end_date": last,
                "content": json.dumps({"headers": headers, "rows": rows}, ensure_ascii=False),
            },
        )
    return op.changes()


def render_notice(
    store: Store,
    village_id: int,
    kind: str,
    year: int,
    path: Path | str,
    font: PdfFont,
    *,
    start: str | None = None,
    end: str | None = None,
    a3: bool = False,
    record: bool = True,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Print a notice; with ``record`` (printing it for the board) also record it. A preview does not."""
    codes.NOTICE_KIND.check(kind, allow_empty=False)
    first, last = notice_period(store, kind, start, end)
    village = store.villages.get(village_id)
    headers, rows = notice_rows(store, village_id, kind, year)
    if kind == "pairing":  # fill the group and unit columns from the register and the cadres
        rows = _pairing_rows(store, village_id)
    s = Styles(font)
    local = store.config().local_hotline or "________________"
    story = [
        Heading(f"{village.name}{year}年{codes.NOTICE_KIND.label(kind)}", s.title, 0),
        Paragraph(
            f"公示时间：{first} 至 {last}。对公示内容有异议的，请在公示期内向村委会或{village.township}"
            f"人民政府反映；也可拨打扶贫监督举报电话 {codes.SUPERVISION_HOTLINE}，本地监督电话 {local}。",
            s.big,
        ),
        Spacer(1, 4 * mm),
        table([headers, *rows], s, cell=s.board, total=LANDSCAPE_WIDTH),
        Spacer(1, 10 * mm),
        Paragraph(f"公示单位：{village.name}村民委员会（盖章）　　　　{dt.date.today():%Y年%m月%d日}", s.big),
    ]
    pages = build(path, story, font, title=codes.NOTICE_KIND.label(kind), wide=True, a3=a3, cancelled=cancelled)
    if record:
        record_notice(store, village_id, kind, year, first, last)
    return pages


def _pairing_rows(store: Store, village_id: int) -> list[tuple]:
    groups = {g.id: g.name for g in store.villages.groups(village_id)}
    cadres = {c.name: c for c in store.assistance.cadres(village_id)}
    out = []
    for hid, _number, head, _status, cadre, since in store.register.pairing_rows(village_id):
        if cadre:
            household = store.households.get(hid)
            out.append(
                (head, groups.get(household.group_id, ""), cadre, cadres[cadre].unit if cadre in cadres else "", since)
            )
    return out
