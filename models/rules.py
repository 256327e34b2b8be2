"""The rules of the register: what a valid household is, status changes, income per head."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from models import codes, idnumber
from models.domain import Household, Income, Member
from models.errors import (
    CundangError,
    DuplicateIdNumber,
    EventOutOfOrder,
    HeadCount,
    IdNumberMismatch,
    InvalidDate,
    InvalidIdNumber,
    InvalidMonths,
    InvalidPhone,
    InvalidStatusChange,
    InvalidYear,
    NegativeValue,
    NoMembers,
    Problem,
    RepeatedCause,
    Required,
    UnknownCode,
    VillageCodeInvalid,
)

FIRST_YEAR = 2013  # 建档立卡 began in 2013-2014

# (current status, event) -> new status
TRANSITIONS: dict[tuple[str, str], str] = {
    ("", "identify"): "not_exited",
    ("removed", "identify"): "not_exited",
    ("not_exited", "exit"): "exited",
    ("returned", "exit"): "exited",
    ("exited", "return"): "returned",
    ("not_exited", "remove"): "removed",
    ("returned", "remove"): "removed",
    ("exited", "remove"): "removed",
}


def next_status(current: str, event: str) -> str:
    codes.STATUS_EVENT.check(event, allow_empty=False)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise InvalidStatusChange(current=current, event=event) from None


def check_status_event(household: Household, events: list, kind: str, day: str, year: int) -> None:
    """A status change must follow the last one in time, and its year must fit the history."""
    next_status(household.status, kind)
    if events and day < events[-1].event_date:
        raise EventOutOfOrder(date=day, last=events[-1].event_date)
    if int(day[:4]) < year:
        raise EventOutOfOrder(date=day, last=f"{year}-01-01")
    if kind != "identify" and household.identified_year and year < household.identified_year:
        raise InvalidYear(value=str(year))


def parse_date(value: str | None, *, today: dt.date | None = None, required: bool = True) -> dt.date | None:
    """An ISO date (yyyy-MM-dd), not in the future."""
    if value is None or str(value).strip() == "":
        if required:
            raise Required()
        return None
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidDate(value=str(value)) from None
    if day > (today or dt.date.today()) or day.year < 1880:
        raise InvalidDate(value=str(value))
    return day


def check_year(value: object, *, today: dt.date | None = None, first: int = FIRST_YEAR, ahead: int = 0) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        raise InvalidYear(value=str(value)) from None
    if not first <= year <= (today or dt.date.today()).year + ahead:
        raise InvalidYear(value=str(value))
    return year


def check_village_code(code: str) -> str:
    code = code.strip()
    if len(code) != 12 or not code.isdigit() or code[0] in "09":
        raise VillageCodeInvalid(code=code)
    return code


def counted_in_year(member: Member, year: int) -> bool:  # any object with these three dates
    """A member counts for a year's income when in the household on 31 December."""
    year_end = f"{year}-12-31"
    if member.joined_date and member.joined_date > year_end:
        return False
    if member.birth_date and member.birth_date > year_end:
        return False
    return member.left_date is None or member.left_date > year_end


def household_size(members: Iterable[Member], year: int) -> int:
    return sum(1 for m in members if counted_in_year(m, year))


def per_capita_fen(income: Income, size: int) -> int | None:
    """人均纯收入 in fen, rounded half up; None for a household of nobody."""
    return per_head(income.net_fen, size)


def per_head(net_fen: int, size: int) -> int | None:
    """纯收入 / 家庭人口 in fen, rounded half up; None for a household of nobody."""
    if size <= 0:
        return None
    q, r = divmod(net_fen, size)
    return q + (1 if 2 * r >= size else 0)


# --- Validation ---------------------------------------------------------------


def _code(
    problems: list[Problem], where: tuple[object, ...], clist: codes.CodeList, value: str, *, required: bool = False
) -> None:
    if required and not value:
        problems.append(Problem(where, Required()))
        return
    try:
        clist.check(value)
    except UnknownCode as exc:
        problems.append(Problem(where, exc))


def validate_household(h: Household, *, identified: bool = True, today: dt.date | None = None) -> list[Problem]:
    """A household's own fields. ``identified``: it must have its 识别年度 (an applicant has none yet)."""
    p: list[Problem] = []
    w = ("household",)
    if not h.household_no.strip():
        p.append(Problem(w + ("household_no",), Required()))
    _code(p, w + ("standard",), codes.STANDARD, h.standard, required=True)
    _code(p, w + ("attribute",), codes.ATTRIBUTE, h.attribute, required=True)
    _code(p, w + ("main_cause",), codes.CAUSE, h.main_cause, required=True)
    for name in ("other_cause1", "other_cause2"):
        value = getattr(h, name)
        _code(p, w + (name,), codes.CAUSE, value)
        if value and value == h.main_cause:
            p.append(Problem(w + (name,), RepeatedCause(value=value)))
    if h.other_cause1 and h.other_cause1 == h.other_cause2:
        p.append(Problem(w + ("other_cause2",), RepeatedCause(value=h.other_cause2)))
    for name, clist in (("road_type", codes.ROAD), ("dangerous_house", codes.DANGEROUS_HOUSE), ("fuel", codes.FUEL)):
        _code(p, w + (name,), clist, getattr(h, name))
    _year(p, w + ("identified_year",), h.identified_year, today=today, required=identified)
    _year(p, w + ("planned_exit_year",), h.planned_exit_year, today=today, ahead=10)
    for name in Household.AREA_FIELDS:
        value = getattr(h, name)
        if value is not None and value < 0:
            p.append(Problem(w + (name,), NegativeValue(value=str(value))))
    phone = h.phone.strip()
    if phone and not (7 <= len(phone) <= 20 and all(c.isdigit() or c in "-+ " for c in phone)):
        p.append(Problem(w + ("phone",), InvalidPhone(value=phone)))
    return p


def _year(
    p: list[Problem],
    where: tuple[object, ...],
    value: object,
    *,
    today: dt.date | None,
    required: bool = False,
    ahead: int = 0,
) -> None:
    if value is None or value == "":
        if required:
            p.append(Problem(where, Required()))
        return
    try:
        check_year(value, today=today, ahead=ahead)
    except CundangError as exc:
        p.append(Problem(where, exc))


def normalize_member(m: Member, *, today: dt.date | None = None) -> list[Problem]:
    """Validate one member in place, filling birth date and sex from the ID number."""
    return _check_member(m, None, today=today)


def _check_member(m: Member, index: int | None, *, today: dt.date | None) -> list[Problem]:
    p: list[Problem] = []
    w: tuple[object, ...] = ("members", index)
    m.name = m.name.strip()
    if not m.name:
        p.append(Problem(w + ("name",), Required()))
    _code(p, w + ("id_type",), codes.ID_TYPE, m.id_type, required=True)
    m.id_number = idnumber.normalize(m.id_number)
    looks_like_id = m.id_type == "other" and len(m.id_number) == 18 and m.id_number[:17].isdigit()
    id_problems = _check_id(m, w, today=today) if m.id_type in ("resident", "disability") or looks_like_id else []
    p.extend(id_problems)
    # Sex and birth date come from a resident ID number: while it is wrong, asking for them is noise.
    from_id = m.id_type in ("resident", "disability") and any(q.where[-1] == "id_number" for q in id_problems)
    _code(p, w + ("sex",), codes.SEX, m.sex, required=not from_id)
    if m.birth_date:
        try:
            parse_date(m.birth_date, today=today)
        except CundangError as exc:
            p.append(Problem(w + ("birth_date",), exc))
    elif not from_id:
        p.append(Problem(w + ("birth_date",), Required()))
    _code(p, w + ("relation",), codes.RELATION, m.relation, required=True)
    for name, clist in (
        ("ethnicity", codes.ETHNICITY),
        ("politics", codes.POLITICS),
        ("education", codes.EDUCATION),
        ("school_status", codes.SCHOOL),
        ("disability_kind", codes.DISABILITY_KIND),
        ("disability_grade", codes.DISABILITY_GRADE),
        ("labour", codes.LABOUR),
        ("work_status", codes.WORK),
    ):
        _code(p, w + (name,), clist, getattr(m, name))
    for key in m.health_keys:
        _code(p, w + ("health",), codes.HEALTH, key)
    if m.school_status == codes.DROPOUT and not m.dropout_reason.strip():
        p.append(Problem(w + ("dropout_reason",), Required()))
    if m.work_months is not None and (not isinstance(m.work_months, int) or not 0 <= m.work_months <= 12):
        p.append(Problem(w + ("work_months",), InvalidMonths(value=str(m.work_months))))
    for name in ("joined_date", "left_date"):
        if getattr(m, name):
            try:
                parse_date(getattr(m, name), today=today)
            except CundangError as exc:
                p.append(Problem(w + (name,), exc))
    return p


def _check_id(m: Member, w: tuple[object, ...], *, today: dt.date | None) -> list[Problem]:
    if not m.id_number:
        return [Problem(w + ("id_number",), Required())]
    # A disability card number is the ID number followed by two digits.
    if m.id_type == "disability" and not (len(m.id_number) == 20 and m.id_number[18:].isdigit()):
        return [Problem(w + ("id_number",), InvalidIdNumber(id_number=m.id_number, reason="disability_length"))]
    core = m.id_number[:18] if m.id_type == "disability" else m.id_number
    try:
        info = idnumber.parse(core, today=today)
    except InvalidIdNumber as exc:
        return [Problem(w + ("id_number",), exc)]
    p: list[Problem] = []
    derived_birth = info.birth_date.isoformat()
    if m.birth_date and m.birth_date != derived_birth:
        p.append(
            Problem(
                w + ("birth_date",), IdNumberMismatch(field="birth_date", typed=m.birth_date, derived=derived_birth)
            )
        )
    if m.sex and m.sex != info.sex:
        p.append(
            Problem(
                w + ("sex",),
                IdNumberMismatch(
                    field="sex",
                    typed=codes.SEX.label(m.sex) if m.sex in codes.SEX else m.sex,
                    derived=codes.SEX.label(info.sex),
                ),
            )
        )
    m.birth_date = m.birth_date or derived_birth
    m.sex = m.sex or info.sex
    return p


def person_key(m: Member) -> str:
    """Who a member is, for one-registration rules: the 18-character ID number, or ''."""
    if m.id_type in ("resident", "disability") and m.id_number:
        return m.id_number[:18]
    return ""


def validate_members(members: list[Member], *, today: dt.date | None = None) -> list[Problem]:
    """Each member, then the household rules: one head, no ID number twice."""
    p: list[Problem] = []
    for i, m in enumerate(members):
        p.extend(_check_member(m, i, today=today))
    current = [(i, m) for i, m in enumerate(members) if m.is_current]
    heads = [i for i, m in current if m.relation == codes.HEAD]
    if not members:
        p.append(Problem(("members", None, "name"), NoMembers()))
    elif not current:
        pass  # everyone has left (e.g. the last member died): no head is possible or needed
    elif len(heads) != 1:
        where = ("members", heads[1] if len(heads) > 1 else None, "relation")
        p.append(Problem(where, HeadCount(count=len(heads))))
    seen: dict[str, int] = {}
    for i, m in current:
        key = person_key(m)
        if not key:
            continue
        if key in seen:
            other = members[seen[key]]
            p.append(
                Problem(("members", i, "id_number"), DuplicateIdNumber(id_number=key, household_no="", name=other.name))
            )
        else:
            seen[key] = i
    return p
