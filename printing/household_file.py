"""户档案: one household's file, or many in one PDF with a contents page and bookmarks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from models import codes, fields
from models.domain import ASSURANCE_ITEMS, Member
from models.errors import Cancelled
from models.fields.views import HEAD, MEMBER_STATE, NOTICES, OVERRIDES, STUDY
from models.money import format_fen
from models.rules import income as income_rules
from models.rules.values import to_text
from models.services.ledger_tables import study
from models.store import Store
from printing.base import Heading, LazyStory, Styles, build, contents, table
from printing.fonts import PdfFont


def title_of(store: Store, household_id: int) -> str:
    h = store.households.get(household_id)
    heads = [m.name for m in store.households.members(household_id) if m.is_current and m.relation == "head"]
    return f"户档案 {h.household_no} {heads[0] if heads else ''}".rstrip()


RELOCATION = ("resettlement", "resettlement_site", "moved_date", "house_area_per_person", "relocation_subsidy_fen")


def household_story(store: Store, household_id: int, s: Styles) -> list:
    f = store.households.file(household_id)
    h = f.household
    assert h.village_id is not None  # a stored household belongs to a village
    village = store.villages.get(h.village_id)
    groups = {g.id: g.name for g in store.villages.groups(h.village_id)}
    head = f.head
    # The cover: what the file is and whose, for the binder and the filing cabinet.
    story: list = [
        Spacer(1, 45 * mm),
        Heading(title_of(store, household_id), s.title, 0, key=f"toc{household_id}"),
        Spacer(1, 12 * mm),
    ]
    hf = fields.record("households")
    for line in (
        f"{village.province}{village.city}{village.county}",
        f"{village.township}{village.name}{groups.get(h.group_id, '')}",
        f"{HEAD.label}：{head.name if head else ''}　{NOTICES.label('size')}：{len(f.current_members)} 人",
        f"{hf.label('identified_year')}：{h.identified_year or '—'}　{hf.label('status')}："
        f"{codes.status_label(h.status)}" + (f"（{h.exit_year} 年）" if h.exit_year else ""),
        f"建档：{village.name}村民委员会",
    ):
        story.append(Paragraph(line, s.big))
    story.append(PageBreak())
    facts = (
        "household_no",
        "address",
        "phone",
        "standard",
        "identified_year",
        "attribute",
        "main_cause",
        "other_cause1",
        "other_cause2",
        "planned_exit_year",
        "exit_year",
    )
    pairs: list[tuple[str, object]] = [(hf.label(n), to_text(hf[n], getattr(h, n))) for n in facts]
    story += [
        Heading("一、基本情况", s.h1, 1),
        table(_two_columns(pairs), s, widths=[35 * mm, 50 * mm, 35 * mm, 50 * mm], header=False),
    ]
    story.append(Heading("二、家庭成员", s.h1, 1))
    mf = fields.record("members")
    shown = mf.specs(
        "name", "sex", "id_number", "relation", "education", "school_status", "health", "labour", "work_status"
    )
    rows: list[tuple] = [(*(f.label for f in shown), MEMBER_STATE.label)]
    for m in f.members:
        rows.append((*(to_text(field, getattr(m, field.name)) for field in shown), member_state(m)))
    story.append(
        table(rows, s, widths=[16 * mm, 9 * mm, 34 * mm, 15 * mm, 15 * mm, 15 * mm, 16 * mm, 18 * mm, 18 * mm, 18 * mm])
    )
    story.append(Heading("三、生产生活条件", s.h1, 1))
    cond: list[tuple[str, object]] = [
        (hf.label(n), to_text(hf[n], getattr(h, n)))
        for n in (
            *Household_AREAS,
            "power_household",
            "water_safe",
            "road_type",
            "house_area",
            "dangerous_house",
            "sanitary_toilet",
            "fuel",
            "cooperative",
            *(RELOCATION if h.resettlement else ()),
        )
    ]
    story.append(table(_two_columns(cond), s, widths=[38 * mm, 47 * mm, 38 * mm, 47 * mm], header=False))
    story.append(Heading("四、收入情况（元）", s.h1, 1))
    inf = fields.record("incomes")
    income_fields = inf.specs(
        "year",
        "wage_fen",
        "business_fen",
        "property_fen",
        "transfer_fen",
        "business_cost_fen",
        "net_fen",
        "size",
        "per_capita_fen",
    )
    rows = [tuple(f.short or f.label for f in income_fields)]
    for i in f.incomes:
        transfer, net, size, per_head = income_rules.summary(i, f.members)
        rows.append(
            (
                i.year,
                format_fen(i.wage_fen),
                format_fen(i.business_fen),
                format_fen(i.property_fen),
                format_fen(transfer),
                format_fen(i.business_cost_fen),
                format_fen(net),
                size,
                format_fen(per_head),
            )
        )
    story.append(table(rows, s))
    story.append(Heading("五、两不愁三保障", s.h1, 1))
    af = fields.record("assurances").specs("year", *ASSURANCE_ITEMS)
    rows = [tuple(f.label for f in af)]
    rows += [tuple(to_text(field, getattr(a, field.name)) for field in af) for a in f.assurances]
    story.append(table(rows, s))
    cadres = {c.id: c for c in store.assistance.cadres(h.village_id)}
    story.append(Heading("六、结对帮扶", s.h1, 1))
    pf, cf = fields.record("pairings"), fields.record("cadres")
    rows = [(pf.label("cadre_id"), cf.label("unit"), cf.label("phone"), pf.label("start_date"), pf.label("end_date"))]
    rows += [
        (cadres[p.cadre_id].name, cadres[p.cadre_id].unit, cadres[p.cadre_id].phone, p.start_date, p.end_date or "至今")
        for p in store.assistance.pairings(household_id)
    ]
    story.append(table(rows, s))
    story.append(Heading("七、一户一策", s.h1, 1))
    measure_fields = fields.record("measures").specs("category", "content", "funds_fen", "deadline", "status", "result")
    for year in store.assistance.plan_years(household_id):
        plan = store.assistance.plan(household_id, year)
        assert plan is not None and plan.id is not None
        story.append(
            Paragraph(
                f"{year} 年计划：目标 {plan.target_exit_year or '—'} 年脱贫，目标人均纯收入 "
                f"{format_fen(plan.target_income_fen) or '—'} 元",
                s.body,
            )
        )
        rows = [tuple(f.header for f in measure_fields)]
        rows += [
            tuple(to_text(field, getattr(m, field.name)) for field in measure_fields)
            for m in store.assistance.measures(plan.id)
        ]
        story.append(table(rows, s))
    story.append(Heading("八、享受帮扶政策", s.h1, 1))
    benefit_fields = fields.record("benefits").specs("benefit_date", "programme", "amount_fen", "note")
    rows = [(*(f.header for f in benefit_fields[:2]), STUDY.header, *(f.header for f in benefit_fields[2:]))]
    for b in store.ledgers.household_benefits(household_id):
        cells = [to_text(field, getattr(b, field.name)) for field in benefit_fields]
        rows.append((*cells[:2], study(b), *cells[2:]))
    story.append(table(rows, s))
    loans = store.ledgers.loans(household_id)
    if loans:
        lf = fields.record("loans")
        names = ("bank", "amount_fen", "loan_date", "due_date", "term_months", "interest_subsidy", "status")
        rows = [tuple(lf.header(n) for n in names)]
        rows += [tuple(to_text(lf[n], getattr(x, n)) for n in names) for x in loans]
        story += [Paragraph(lf.title, s.h2), table(rows, s)]
    story.append(Heading("九、走访记录", s.h1, 1))
    vf = fields.record("visits")
    rows = [tuple(vf.headers("visit_date", "cadre_id", "found", "done", "next_step"))]
    rows += [
        (v.visit_date, cadres[v.cadre_id].name if v.cadre_id in cadres else "", v.found, v.done, v.next_step)
        for v in store.assistance.visits(household_id=household_id)
    ]
    story.append(table(rows, s))
    story.append(Heading("十、状态变更", s.h1, 1))
    ef = fields.record("status_events")
    rows = [tuple(ef.headers("event_date", "kind", "year", "reason", "override_reason"))]
    rows += [(e.event_date, to_text(ef["kind"], e.kind), e.year, e.reason, e.override_reason) for e in f.status_events]
    story.append(table(rows, s))
    if any(e.kind == "exit" and e.override_reason for e in f.status_events):
        story.append(Paragraph(f"注意：本户的标注脱贫为{OVERRIDES.noun}标注（退出核查未通过），理由见上表。", s.body))
    story += [
        Spacer(1, 12 * mm),
        Paragraph(
            "户主签字：______________　　帮扶责任人签字：______________　　村委会（盖章）：______________", s.body
        ),
        PageBreak(),
    ]
    return story


Household_AREAS = ("farmland_mu", "irrigated_mu", "forest_mu", "returned_forest_mu", "orchard_mu")


def member_state(m: Member) -> str:
    """现有, or how and when the member left."""
    return "现有" if m.is_current else f"{codes.MEMBER_LEAVE.label(m.left_kind)} {m.left_date}"


def _two_columns(pairs: list[tuple[str, object]]) -> list[tuple]:
    """(label, value) pairs laid out two to a row."""
    padded = pairs + ([("", "")] if len(pairs) % 2 else [])
    return [(a, "" if b is None else b, c, "" if d is None else d) for (a, b), (c, d) in zip(padded[::2], padded[1::2])]


def render_households(
    store: Store,
    household_ids: Sequence[int],
    path: Path | str,
    font: PdfFont,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """One PDF for one household, a selection or the whole village; a contents page when more than one."""
    s = Styles(font)
    head: list = []
    if len(household_ids) > 1:
        head = [*contents([(title_of(store, hid), f"toc{hid}") for hid in household_ids], s, "户档案目录"), PageBreak()]

    def chunks():  # each household's pages are made only when layout reaches them
        for n, hid in enumerate(household_ids, 1):
            if cancelled and cancelled():
                raise Cancelled()
            yield household_story(store, hid, s)
            if progress:
                progress(n, len(household_ids))

    return build(path, LazyStory(chunks(), head), font, title="户档案", cancelled=cancelled)
