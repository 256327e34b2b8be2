"""Turning what a clerk typed into record values: numbers, years, money, with problems by field."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from models import rules
from models.domain import INCOME_ITEMS, Income, Member
from models.errors import CundangError, InvalidAmount, NegativeValue, NotAWholeNumber, Problem
from models.money import parse_yuan


def number(
    text: str, where: tuple[object, ...], problems: list[Problem], *, integer: bool = False
) -> float | int | None:
    """An optional non-negative number (area, distance, months); '' is None."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        problems.append(Problem(where, InvalidAmount(value=text)))
        return None
    if value < 0:
        problems.append(Problem(where, NegativeValue(value=text)))
        return None
    if integer:
        if value != value.to_integral_value():
            problems.append(Problem(where, NotAWholeNumber(value=text)))
            return None
        return int(value)
    return float(value)


def year(text: str, where: tuple[object, ...], problems: list[Problem], *, ahead: int = 0) -> int | None:
    if not text.strip():
        return None
    try:
        return rules.check_year(text.strip(), ahead=ahead)
    except CundangError as exc:
        problems.append(Problem(where, exc))
        return None


def income(household_id: int | None, year_value: int, texts: dict[str, str]) -> tuple[Income, list[Problem]]:
    """An Income from typed 元 amounts; bad amounts are problems at ("incomes", year, field)."""
    problems: list[Problem] = []
    values = {}
    for name in INCOME_ITEMS:
        try:
            values[name] = parse_yuan(texts.get(name, ""))
        except CundangError as exc:
            problems.append(Problem(("incomes", year_value, name), exc))
            values[name] = 0
    return Income(household_id=household_id, year=year_value, **values), problems


def income_summary(inc: Income, members: Iterable[Member]) -> tuple[int, int, int, int | None]:
    """(转移性收入, 纯收入, 家庭人口 that year, 人均纯收入), money in fen."""
    size = rules.household_size(members, inc.year)
    return inc.transfer_fen, inc.net_fen, size, rules.per_capita_fen(inc, size)
