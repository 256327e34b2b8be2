"""明白卡: one page per household, left with the family: who helps them, how to reach them,
this year's measures and the policies they enjoy, and where to complain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from models import codes, fields
from models.fields.views import NOTICES
from models.money import format_fen
from models.rules.assistance import current_pairing
from models.rules.income import household_size
from models.store import Store
from printing.base import Heading, LazyStory, Styles, build, table
from printing.fonts import PdfFont


def card_story(store: Store, household_id: int, year: int, s: Styles) -> list:
    f = store.households.file(household_id)
    h = f.household
    assert h.village_id is not None  # a stored household belongs to a village
    village = store.villages.get(h.village_id)
    config = store.config()
    cadres = {c.id: c for c in store.assistance.cadres(h.village_id)}
    # The card of a year shows who helped then: the pairing on the year's last day (today's
    # for this year), and the first secretaries serving that day; each cadre once.
    day = min(f"{year}-12-31", dt.date.today().isoformat())
    paired = current_pairing(store.assistance.pairings(household_id), on=day)
    serving = [
        c for c in cadres.values() if "first_secretary" in c.role_keys and (c.left_date is None or c.left_date >= day)
    ]
    head = f.head.name if f.head else ""
    hf = fields.record("households")
    story: list = [
        Heading(f"精准扶贫明白卡 · {head}", s.title, 0),
        Paragraph(
            f"{village.township}{village.name}　{hf.label('household_no')} {h.household_no}　"
            f"{NOTICES.label('size')} {household_size(f.members, year)} 人　{codes.ATTRIBUTE.label(h.attribute)}　"
            f"{hf.label('main_cause')}：{codes.CAUSE.label(h.main_cause)}",
            s.body,
        ),
        Spacer(1, 4 * mm),
    ]
    pairing, cadre = fields.record("pairings"), fields.record("cadres")
    rows: list[tuple] = [(pairing.label("cadre_id"), cadre.label("unit"), cadre.label("phone"))]
    if paired is not None and paired.cadre_id in cadres:
        c = cadres[paired.cadre_id]
        also = "（结对帮扶责任人、第一书记）" if c in serving else "（结对帮扶责任人）"
        rows.append((c.name + also, c.unit, c.phone))
    rows += [(f"{c.name}（第一书记）", c.unit, c.phone) for c in serving if paired is None or c.id != paired.cadre_id]
    story += [Paragraph("谁帮扶我家、怎么联系", s.h1), table(rows, s, widths=[50 * mm, 70 * mm, 50 * mm])]
    plan = store.assistance.plan(household_id, year)
    measure = fields.record("measures")
    rows = [tuple(measure.headers("category", "content", "deadline", "status"))]
    if plan:
        assert plan.id is not None
        rows += [
            (
                codes.MEASURE_CATEGORY.label(m.category),
                m.content,
                m.deadline or "",
                codes.MEASURE_STATUS.label(m.status),
            )
            for m in store.assistance.measures(plan.id)
        ]
    story += [
        Paragraph(f"{year} 年帮扶措施（一户一策）", s.h1),
        table(rows, s, widths=[35 * mm, 75 * mm, 30 * mm, 30 * mm]),
    ]
    benefit = fields.record("benefits")
    rows = [tuple(benefit.headers("programme", "benefit_date", "amount_fen"))]
    rows += [
        (codes.PROGRAMME.label(b.programme), b.benefit_date, format_fen(b.amount_fen))
        for b in store.ledgers.household_benefits(household_id)
        if b.benefit_date.startswith(str(year))
    ]
    story += [Paragraph(f"{year} 年享受的帮扶政策", s.h1), table(rows, s, widths=[70 * mm, 50 * mm, 50 * mm])]
    local = config.local_hotline or "________________"
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            f"有困难、有意见，请找帮扶责任人或村委会；也可拨打扶贫监督举报电话 "
            f"{codes.SUPERVISION_HOTLINE}，本地监督电话 {local}。",
            s.big,
        ),
        Spacer(1, 8 * mm),
        Paragraph("户主签字：______________　　帮扶责任人签字：______________", s.body),
        PageBreak(),
    ]
    return story


def render_cards(
    store: Store,
    household_ids: Sequence[int],
    path: Path | str,
    font: PdfFont,
    year: int | None = None,
    *,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    s = Styles(font)
    year = year or dt.date.today().year

    def chunks():
        for hid in household_ids:
            yield card_story(store, hid, year, s)

    return build(path, LazyStory(chunks()), font, title="明白卡", cancelled=cancelled)
