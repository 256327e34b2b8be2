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
from models.domain import ProcedureStep
from models.errors import CundangError, InvalidDate, NothingToNotice, NoticeStepRefused, NoticeTooShort, PeriodReversed
from models.fields import views
from models.money import format_fen
from models.rules.income import household_size, per_capita_fen
from models.rules.procedures import current_round, expected_step, round_year
from models.rules.settings import notice_floor
from models.services.assistance import add_step
from models.store import Store
from printing.base import LANDSCAPE_WIDTH, Heading, Styles, build, table
from printing.fonts import PdfFont


def notice_days(store: Store, kind: str) -> int:
    """How long a notice of that kind runs: the setting, never below the policy's floor."""
    return notice_floor(store.config(), funds=kind == "funds")


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


# The step before each procedure's notice: a household is on the notice once its round has it (§3:
# the 识别公示 lists the applicants audited by the 村两委, the 退出公示 those who have consented).
BEFORE_NOTICE = {"identify": "audit", "exit": "consent"}


def _households_of(store: Store, village_id: int, kind: str, year: int) -> list[int]:
    """Households whose identification or exit round of that year has reached its notice."""
    return store.households.in_notice(village_id, kind, BEFORE_NOTICE[kind], year)


def pairing_day(year: int, start: str) -> str:
    """The day whose pairing a 帮扶责任人公示 shows: the notice's first day, or the end of its year
    for a notice of a past year."""
    return min(start, f"{year}-12-31")


def notice_rows(
    store: Store, village_id: int, kind: str, year: int, start: str | None = None
) -> tuple[list[str], list[tuple]]:
    """What a notice shows, masked: never a full ID number, a household's phone, bank account or
    health detail. The pairing is the one current on the notice's day; amounts are the year's."""
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
        groups = {g.id: g.name for g in store.villages.groups(village_id)}
        day = pairing_day(year, start or dt.date.today().isoformat())
        return headers, [
            (head, groups.get(group, ""), cadre, unit, phone, since)
            for _, head, group, cadre, unit, phone, since in store.register.pairings_on(village_id, day)
        ]
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
                p.subsidy_standard,
                format_fen(p.total_fen),
                sources,
                f"{p.start_date or ''} 至 {p.finish_date or ''}",
                f"{p.unit} {p.responsible}",
                p.goal,
                p.mechanism,
            )
        )
    return headers, rows


def notice_text(store: Store, village_id: int, kind: str, year: int, first: str, last: str) -> dict[str, str]:
    """The words around a notice's table, as posted: its title, its period with where objections
    go and the supervision lines (12317 and the local number), and who posts it on which day."""
    village = store.villages.get(village_id)
    local = store.config().local_hotline or "________________"
    day = dt.date.fromisoformat(first)
    return {
        "title": f"{village.name}{year}年{codes.NOTICE_KIND.label(kind)}",
        "intro": f"公示时间：{first} 至 {last}。对公示内容有异议的，请在公示期内向村委会或{village.township}"
        f"人民政府反映；也可拨打扶贫监督举报电话 {codes.SUPERVISION_HOTLINE}，本地监督电话 {local}。",
        "footer": f"公示单位：{village.name}村民委员会（盖章）　　　　{day:%Y年%m月%d日}",
    }


def notice_story(posted: dict, s: Styles, *, key: str = "") -> list:
    """A notice as posted (``notice_text`` and its table), for the board and for the binder."""
    return [
        Heading(posted["title"], s.title, 0, key=key),
        Paragraph(posted["intro"], s.big),
        Spacer(1, 4 * mm),
        table([posted["headers"], *posted["rows"]], s, cell=s.board, total=LANDSCAPE_WIDTH),
        Spacer(1, 10 * mm),
        Paragraph(posted["footer"], s.big),
    ]


def posted_notice(
    store: Store, village_id: int, kind: str, year: int, start: str | None, end: str | None
) -> tuple[str, str, dict]:
    """The notice's period and everything it shows; refuses a notice with nobody on it."""
    codes.NOTICE_KIND.check(kind, allow_empty=False)
    first, last = notice_period(store, kind, start, end)
    headers, rows = notice_rows(store, village_id, kind, year, first)
    if not rows:
        raise NothingToNotice(kind=kind, year=year)
    return first, last, {**notice_text(store, village_id, kind, year, first, last), "headers": headers, "rows": rows}


def record_notice(store: Store, village_id: int, kind: str, year: int, start: str | None, end: str | None) -> Changes:
    """A notice was posted: keep its kind, period and content (words and table), and record it
    as the 公示 step of each listed household's round that has reached it. One transaction."""
    first, last, posted = posted_notice(store, village_id, kind, year, start, end)
    with store.operation() as op:
        store.writer.insert(
            "notices",
            {
                "village_id": village_id,
                "kind": kind,
                "year": year,
                "start_date": first,
                "end_date": last,
                "content": json.dumps(posted, ensure_ascii=False),
            },
        )
        if kind in BEFORE_NOTICE:
            _record_steps(store, village_id, kind, year, first, last)
    return op.changes()


def _record_steps(store: Store, village_id: int, kind: str, year: int, first: str, last: str) -> None:
    """The posted notice is the 公示 step of each round on it that is waiting for one."""
    for hid in _households_of(store, village_id, kind, year):
        f = store.households.file(hid)
        done = current_round(kind, store.assistance.steps(hid), f.status_events)
        if round_year(done) != year or expected_step(kind, done) != "notice":
            continue  # decided already, or at another step
        step = ProcedureStep(
            household_id=hid,
            procedure=kind,
            step="notice",
            start_date=first,
            end_date=last,
            year=year,
            note="据张贴的公示登记",
        )
        try:
            add_step(store, step)
        except CundangError as exc:
            raise NoticeStepRefused(household_no=f.household.household_no, reason=exc) from None


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
    """Print a notice; with ``record`` (printing it for the board) also record it, in the same
    transaction: a notice that cannot be recorded is not printed. A preview records nothing."""
    first, last, posted = posted_notice(store, village_id, kind, year, start, end)
    story = notice_story(posted, Styles(font))
    title = codes.NOTICE_KIND.label(kind)
    if not record:
        return build(path, story, font, title=title, wide=True, a3=a3, cancelled=cancelled)
    with store.operation():
        record_notice(store, village_id, kind, year, first, last)
        return build(path, story, font, title=title, wide=True, a3=a3, cancelled=cancelled)
