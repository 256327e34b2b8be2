"""Assistance operations: cadres, pairing and reassigning, visits, plans, poverty lines, settings, steps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Sequence

from models import assistance as rules_a
from models import codes, exit_check, idnumber, procedures, rules
from models import config as config_module
from models.domain import Cadre, Measure, Pairing, Plan, PovertyLine, ProcedureStep, Visit
from models.errors import (
    CadreHasLeft,
    CundangError,
    DuplicateIdNumber,
    EventOutOfOrder,
    IdNumberMismatch,
    InvalidDate,
    NegativeValue,
    NotFound,
    NotPositive,
    PlanExists,
    PovertyLineMissing,
    Problem,
    Required,
    raise_problems,
)
from models.money import format_fen
from models.store import Store

# --- Cadres ----------------------------------------------------------------------


def validate_cadre(c: Cadre) -> list[Problem]:
    p: list[Problem] = []
    w = ("cadre",)
    if not c.name.strip():
        p.append(Problem(w + ("name",), Required()))
    for name, clist in (("sex", codes.SEX), ("unit_type", codes.UNIT_TYPE)):
        try:
            clist.check(getattr(c, name))
        except CundangError as exc:
            p.append(Problem(w + (name,), exc))
    for role in c.role_keys:
        try:
            codes.CADRE_ROLE.check(role, allow_empty=False)
        except CundangError as exc:
            p.append(Problem(w + ("roles",), exc))
    if c.id_number:
        try:
            info = idnumber.parse(c.id_number)
            if c.sex and c.sex != info.sex:
                p.append(
                    Problem(
                        w + ("sex",),
                        IdNumberMismatch(field="sex", typed=codes.SEX.label(c.sex), derived=codes.SEX.label(info.sex)),
                    )
                )
            c.id_number, c.sex = info.id_number, c.sex or info.sex
        except CundangError as exc:
            p.append(Problem(w + ("id_number",), exc))
    return p


def save_cadre(store: Store, cadre: Cadre) -> int:
    cadre = dataclasses.replace(cadre, name=cadre.name.strip())
    problems = validate_cadre(cadre)
    if cadre.id_number and any(
        c.id_number == cadre.id_number and c.id != cadre.id for c in store.assistance.cadres(cadre.village_id)
    ):
        problems.append(
            Problem(
                ("cadre", "id_number"), DuplicateIdNumber(id_number=cadre.id_number, household_no="", name=cadre.name)
            )
        )
    raise_problems(problems)
    with store.db.atomic():
        if cadre.id is None:
            return store.writer.insert("cadres", cadre.to_record())["id"]
        values = {k: v for k, v in cadre.to_record().items() if k not in ("uuid", "village_id", "left_date")}
        store.writer.update("cadres", cadre.id, values)
        return cadre.id


def cadre_leaves(store: Store, cadre_id: int, day: str, reason: str = "调离", *, today: dt.date | None = None) -> int:
    """A cadre leaves the village: their current pairings end that day. Returns how many ended."""
    day = rules.parse_date(day, today=today).isoformat()
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    ended = store.assistance.pairings_of_cadre(cadre_id)
    for p in ended:
        if day < p.start_date:
            raise EventOutOfOrder(date=day, last=p.start_date)
    with store.db.atomic():
        store.writer.update("cadres", cadre_id, {"left_date": day})
        for p in ended:
            store.writer.update("pairings", p.id, {"end_date": day, "end_reason": reason})
    return len(ended)


# --- Pairing ---------------------------------------------------------------------


def pair(
    store: Store,
    cadre_id: int,
    household_ids: Sequence[int],
    start_date: str,
    *,
    reason: str = "调整帮扶责任人",
    today: dt.date | None = None,
) -> int:
    """Pair a cadre with households from a day. A household paired with someone else is
    reassigned: the old pairing ends the day before ("不脱贫不脱钩": history is kept).
    All households or none. Returns how many pairings were started."""
    day = rules.parse_date(start_date, today=today)
    start = day.isoformat()
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id)}
    started = 0
    with store.db.atomic():
        for hid in household_ids:
            existing = store.assistance.pairings(hid)
            current = rules_a.current_pairing(existing)
            if current is not None and current.cadre_id == cadre_id:
                continue  # already paired with this cadre
            closed = [p for p in existing if p is not current]
            if current is not None and current.start_date == start:
                # Same day: the earlier choice was a mistake; correct it (the audit keeps both).
                store.writer.update("pairings", current.id, {"cadre_id": cadre_id})
                started += 1
                continue
            if current is not None:
                if current.start_date > start:
                    rules_a.check_new_pairing(start, None, [current], cadres)
                end = (day - dt.timedelta(days=1)).isoformat()
                store.writer.update("pairings", current.id, {"end_date": end, "end_reason": reason})
            rules_a.check_new_pairing(start, None, closed, cadres)
            store.writer.insert("pairings", Pairing(household_id=hid, cadre_id=cadre_id, start_date=start).to_record())
            started += 1
    return started


def add_pairing(store: Store, pairing: Pairing, *, today: dt.date | None = None) -> int:
    """Record a pairing with both dates (history typed in later); it may not overlap another."""
    start = rules.parse_date(pairing.start_date, today=today).isoformat()
    end = rules.parse_date(pairing.end_date, today=today, required=False)
    end_text = end.isoformat() if end else None
    if end_text and end_text < start:
        raise EventOutOfOrder(date=end_text, last=start)
    cadre = store.assistance.cadre(pairing.cadre_id)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id)}
    rules_a.check_new_pairing(start, end_text, store.assistance.pairings(pairing.household_id), cadres)
    with store.db.atomic():
        return store.writer.insert(
            "pairings", dataclasses.replace(pairing, start_date=start, end_date=end_text).to_record()
        )["id"]


def correct_pairing(store: Store, pairing_id: int, cadre_id: int) -> None:
    """A pairing entered with the wrong cadre: the cadre is corrected in place (audited: the
    audit log keeps who was recorded first), rather than left in the history as if real."""
    pairing = store.assistance.pairing(pairing_id)
    cadre = store.assistance.cadre(cadre_id)
    if cadre.left_date and cadre.left_date < pairing.start_date:
        raise CadreHasLeft(cadre=cadre.name, left_date=cadre.left_date)
    with store.db.atomic():
        store.writer.update("pairings", pairing_id, {"cadre_id": cadre_id})


def end_pairing(store: Store, pairing_id: int, end_date: str, reason: str, *, today: dt.date | None = None) -> None:
    pairing = store.assistance.pairing(pairing_id)
    day = rules.parse_date(end_date, today=today).isoformat()
    if day < pairing.start_date:
        raise EventOutOfOrder(date=day, last=pairing.start_date)
    cadre = store.assistance.cadre(pairing.cadre_id)
    cadres = {c.id: c for c in store.assistance.cadres(cadre.village_id)}
    others = [p for p in store.assistance.pairings(pairing.household_id) if p.id != pairing_id]
    rules_a.check_new_pairing(pairing.start_date, day, others, cadres)
    with store.db.atomic():
        store.writer.update("pairings", pairing_id, {"end_date": day, "end_reason": reason.strip()})


# --- Visits ----------------------------------------------------------------------


def add_visit(store: Store, visit: Visit, *, today: dt.date | None = None) -> int:
    day = rules.parse_date(visit.visit_date, today=today).isoformat()
    cadre = store.assistance.cadre(visit.cadre_id)
    rules_a.check_visit(cadre, day, store.assistance.pairings(visit.household_id))
    if not (visit.found.strip() or visit.done.strip()):
        raise Required(field="found")
    with store.db.atomic():
        return store.writer.insert("visits", dataclasses.replace(visit, visit_date=day).to_record())["id"]


# --- 一户一策 --------------------------------------------------------------------


def validate_plan(plan: Plan, measures: Sequence[Measure], *, today: dt.date | None = None) -> list[Problem]:
    p: list[Problem] = []
    for name in ("year", "target_exit_year"):
        value = getattr(plan, name)
        if value in (None, "") and name == "target_exit_year":
            continue
        try:
            rules.check_year(value, today=today, ahead=10 if name == "target_exit_year" else 1)
        except CundangError as exc:
            p.append(Problem(("plan", name), exc))
    if plan.target_income_fen is not None and plan.target_income_fen < 0:
        p.append(Problem(("plan", "target_income_fen"), NegativeValue(value=str(plan.target_income_fen))))
    for i, m in enumerate(measures):
        w = ("measures", i)
        for name, clist in (
            ("category", codes.MEASURE_CATEGORY),
            ("status", codes.MEASURE_STATUS),
            ("funds_source", codes.FUND_SOURCE),
        ):
            try:
                clist.check(getattr(m, name), allow_empty=name == "funds_source")
            except CundangError as exc:
                p.append(Problem(w + (name,), exc))
        if m.funds_fen < 0:
            p.append(Problem(w + ("funds_fen",), NegativeValue(value=str(m.funds_fen / 100))))
        if m.deadline:
            try:
                dt.date.fromisoformat(m.deadline)
            except ValueError:
                p.append(Problem(w + ("deadline",), InvalidDate(value=m.deadline)))
    return p


def save_plan(store: Store, plan: Plan, measures: Sequence[Measure], *, today: dt.date | None = None) -> int:
    """A household's plan for a year with its measures, all validated, then written together.
    Measures no longer listed are deleted (audited)."""
    problems = validate_plan(plan, measures, today=today)
    own_members = {m.id for m in store.households.members(plan.household_id)}
    problems += [
        Problem(("measures", i, "member_id"), NotFound(kind="member", key=m.member_id))
        for i, m in enumerate(measures)
        if m.member_id is not None and m.member_id not in own_members
    ]
    raise_problems(problems)
    existing = store.assistance.plan(plan.household_id, plan.year)
    if existing is not None:  # a measure id from another plan is not this plan's to move: add it as new
        own = {m.id for m in store.assistance.measures(existing.id)}
        measures = [m if m.id in own else dataclasses.replace(m, id=None) for m in measures]
    else:
        measures = [dataclasses.replace(m, id=None) for m in measures]
    with store.db.atomic():
        if existing is None:
            plan_id = store.writer.insert("plans", dataclasses.replace(plan, id=None, uuid="").to_record())["id"]
            kept: set[int] = set()
        else:
            plan_id = existing.id
            store.writer.update("plans", plan_id, {k: v for k, v in plan.to_record().items() if k != "uuid"})
            kept = {m.id for m in measures if m.id is not None}
            for old in store.assistance.measures(plan_id):
                if old.id not in kept:
                    store.writer.delete("measures", old.id)
        for i, m in enumerate(measures):
            m = dataclasses.replace(m, plan_id=plan_id, sort_order=i)
            if m.id is None or m.id not in kept:
                store.writer.insert("measures", dataclasses.replace(m, id=None, uuid="").to_record())
            else:
                store.writer.update("measures", m.id, {k: v for k, v in m.to_record().items() if k != "uuid"})
    return plan_id


def copy_plan(store: Store, household_id: int, from_year: int, to_year: int) -> int:
    """Last year's plan as this year's start: measures not finished carry over as 计划."""
    source = store.assistance.plan(household_id, from_year)
    if source is None:
        raise NotFound(kind="plan", key=from_year)
    if store.assistance.plan(household_id, to_year) is not None:
        raise PlanExists(year=to_year)  # copying would overwrite what was planned
    measures = [
        dataclasses.replace(m, id=None, uuid="", status="planned", result="", deadline=None)
        for m in store.assistance.measures(source.id)
        if m.status != "done"
    ]
    plan = dataclasses.replace(source, id=None, uuid="", year=to_year)
    return save_plan(store, plan, measures)


# --- Poverty lines and settings ----------------------------------------------------


def save_poverty_line(store: Store, line: PovertyLine, *, today: dt.date | None = None) -> int:
    rules.check_year(line.year, today=today, first=2010, ahead=1)
    if not line.province.strip():
        raise Required(field="province")
    if line.line_fen <= 0:
        raise NotPositive(value=format_fen(line.line_fen))
    existing = store.assistance.poverty_line(line.year, line.province.strip())
    with store.db.atomic():
        if existing is None:
            return store.writer.insert(
                "poverty_lines", dataclasses.replace(line, id=None, uuid="", province=line.province.strip()).to_record()
            )["id"]
        store.writer.update("poverty_lines", existing.id, {"line_fen": line.line_fen, "source": line.source})
        return existing.id


def delete_poverty_line(store: Store, line_id: int) -> None:
    store.writer.delete("poverty_lines", line_id)


def save_config(store: Store, config: config_module.Config) -> None:
    config.validate()
    with store.db.atomic():
        for key, value in config_module.to_settings(config).items():
            existing = store.assistance.setting_id(key)
            if existing is None:
                if value != config_module.to_settings(config_module.Config())[key]:
                    store.writer.insert("settings", {"key": key, "value": value})
            else:
                store.writer.update("settings", existing, {"value": value})


# --- Procedures and the exit check -----------------------------------------------


def add_step(store: Store, step: ProcedureStep, *, today: dt.date | None = None) -> int:
    """Record the next step of a household's 识别 or 退出 procedure."""
    codes.PROCEDURE.check(step.procedure, allow_empty=False)
    start = rules.parse_date(step.start_date, today=today).isoformat()
    end = rules.parse_date(step.end_date, required=False, today=dt.date.max)
    step = dataclasses.replace(step, start_date=start, end_date=end.isoformat() if end else None)
    f = store.households.file(step.household_id)
    if f.status_events and start < f.status_events[-1].event_date:
        raise EventOutOfOrder(date=start, last=f.status_events[-1].event_date)
    done = procedures.current_round(step.procedure, store.assistance.steps(step.household_id), f.status_events)
    procedures.check_step(step.procedure, step, done, store.config().notice_days)
    with store.db.atomic():
        return store.writer.insert("procedure_steps", step.to_record())["id"]


def line_for(store: Store, year: int, province: str) -> int:
    line = store.assistance.poverty_line(year, province)
    if line is None:
        raise PovertyLineMissing(year=year, province=province)
    return line.line_fen


def run_exit_check(
    store: Store, year: int, *, village_id: int | None = None, household_ids: list[int] | None = None
) -> list[exit_check.HouseholdCheck]:
    """Every registered household of a village (or the folder) checked for a year.
    Refuses when the year's poverty line is missing for a province that income is checked in."""
    config = store.config()
    gc_was_on = gc.isenabled()
    gc.disable()  # a county's check makes a million small objects and no cycles: collecting is wasted work
    try:
        return _check_all(store, year, village_id, household_ids, config)
    finally:
        if gc_was_on:
            gc.enable()


def _check_all(
    store: Store, year: int, village_id: int | None, household_ids: list[int] | None, config: config_module.Config
) -> list[exit_check.HouseholdCheck]:
    households = store.exit_data.households(year, village_id, household_ids)
    lines: dict[str, int | None] = {}
    for h in households:
        if h.province not in lines:
            found = store.assistance.poverty_line(year, h.province)
            if found is None and "income" in config.exit_criteria:
                raise PovertyLineMissing(year=year, province=h.province)
            lines[h.province] = found.line_fen if found else None
    return [exit_check.check_household(h, year, lines[h.province], config) for h in households]


def village_exit_summary(store: Store, village_id: int, year: int) -> exit_check.VillageSummary:
    """贫困发生率 at the end of the year, and the village's facts as recorded now."""
    v = store.villages.get(village_id)
    facts = {k: getattr(v, k) for k in config_module.VILLAGE_FACTS}
    return exit_check.village_summary(
        v.code,
        v.name,
        store.exit_data.poor_people(village_id, year),
        v.agri_population,
        facts,
        v.collective_income_fen,
        store.config(),
    )
