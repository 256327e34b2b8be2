"""The rules of income: who counts in a year's household, 纯收入 and 人均纯收入 in exact fen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from models import fields
from models.domain import INCOME_ITEMS, Income
from models.errors import Problem
from models.rules.values import parse_input


class Dated(Protocol):
    """Anything with a member's three dates (a Member, an exit-check row)."""

    birth_date: str
    joined_date: str | None
    left_date: str | None


def counted_in_year(member: Dated, year: int) -> bool:
    """A member counts for a year's income when in the household on 31 December."""
    year_end = f"{year}-12-31"
    if member.joined_date and member.joined_date > year_end:
        return False
    if member.birth_date and member.birth_date > year_end:
        return False
    return member.left_date is None or member.left_date > year_end


def household_size(members: Iterable[Dated], year: int) -> int:
    return sum(1 for m in members if counted_in_year(m, year))


def per_head(net_fen: int, size: int) -> int | None:
    """纯收入 / 家庭人口 in fen, rounded half up; None for a household of nobody."""
    if size <= 0:
        return None
    q, r = divmod(net_fen, size)
    return q + (1 if 2 * r >= size else 0)


def per_capita_fen(income: Income, size: int) -> int | None:
    """人均纯收入 in fen, rounded half up; None for a household of nobody."""
    return per_head(income.net_fen, size)


def summary(income: Income, members: Iterable[Dated]) -> tuple[int, int, int, int | None]:
    """(转移性收入, 纯收入, 家庭人口 that year, 人均纯收入), money in fen."""
    size = household_size(members, income.year)
    return income.transfer_fen, income.net_fen, size, per_capita_fen(income, size)


def from_texts(household_id: int | None, year: int, texts: dict[str, str]) -> tuple[Income, list[Problem]]:
    """An Income from the 元 amounts a clerk typed; an amount that cannot be read is a problem
    at ("incomes", year, item) and counts as 0 meanwhile."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    record = fields.record("incomes")
    for name in INCOME_ITEMS:
        value = parse_input(record[name], texts.get(name, ""), ("incomes", year, name), problems)
        values[name] = 0 if value is None else value
    return Income(household_id=household_id, year=year, **values), problems
