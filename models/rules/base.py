"""The shape of a rule over one record: the fields it reads, a pure function, its level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from models.errors import ERROR, CundangError

Found = list[tuple[str, CundangError]]  # (field a problem points at, error)


@dataclass(frozen=True)
class RowRule:
    """A rule over some fields of one record, written once and run by every door: the services
    call it on the record they save, the imports on every row of a sheet (``distinct``: once per
    distinct tuple of inputs, for rules whose inputs repeat, such as relation and sex)."""

    reads: tuple[str, ...]
    fn: Callable[..., Found]
    level: str = ERROR
    distinct: bool = False
    today: bool = False  # the function takes today= (dates, ages, years)
    unless: tuple[str, ...] = ()  # not run where one of these fields already has a problem

    def __call__(self, values: Sequence[Any], today: dt.date | None = None) -> Found:
        return self.fn(*values, today=today) if self.today else self.fn(*values)


def row_rule(
    *reads: str, level: str = ERROR, distinct: bool = False, today: bool = False, unless: tuple[str, ...] = ()
) -> Callable[[Callable[..., Found]], RowRule]:
    """Decorator: the function becomes a RowRule reading these fields in this order."""

    def wrap(fn: Callable[..., Found]) -> RowRule:
        return RowRule(tuple(reads), fn, level, distinct, today, unless)

    return wrap


def repeated(keys: Sequence[object]) -> list[tuple[int, int]]:
    """(index, index of its first) for every key an earlier one already has (falsy: no key)."""
    present = [k for k in keys if k]
    if len(set(present)) == len(present):
        return []
    first: dict[object, int] = {}
    out = []
    for i, k in enumerate(keys):
        if not k:
            continue
        if k in first:
            out.append((i, first[k]))
        else:
            first[k] = i
    return out
