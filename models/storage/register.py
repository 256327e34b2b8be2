"""The household register as a list: filters, search by name, pinyin, ID fragment or number, sorting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

from models import codes


@dataclass(frozen=True)
class HouseholdFilter:
    village_id: int | None = None  # None: every village in the folder
    text: str = ""
    group_id: int | None = None
    status: str | None = None
    attribute: str | None = None
    cause: str | None = None  # any of the household's causes
    year: int | None = None
    year_kind: str = "identified"  # or "exit"
    sort: str = "household_no"
    descending: bool = False


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    household_no: str
    head: str
    group: str
    size: int
    attribute: str
    main_cause: str
    status: str
    helper: str = ""  # 帮扶责任人: filled once pairing exists


@dataclass(frozen=True)
class ExportRow:
    row: HouseholdRow
    head_id_number: str
    phone: str
    address: str


COLUMNS = ("household_no", "head", "group", "size", "attribute", "main_cause", "status", "helper")

_SIZE = "(SELECT count(*) FROM members c WHERE c.household_id = h.id AND c.left_date IS NULL)"
_HELPER = """coalesce((SELECT k.name FROM pairings p JOIN cadres k ON k.id = p.cadre_id
                        WHERE p.household_id = h.id AND p.end_date IS NULL), '')"""


def _by_code_order(column: str, clist: codes.CodeList) -> str:
    whens = " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(clist.keys))
    return f"CASE {column} {whens} ELSE 99 END"


_SORT = {
    "household_no": "h.household_no",
    "head": "hm.name_pinyin",
    "group": "g.sort_order",
    "size": _SIZE,
    "attribute": _by_code_order("h.attribute", codes.ATTRIBUTE),
    "main_cause": _by_code_order("h.main_cause", codes.CAUSE),
    "status": _by_code_order("h.status", codes.STATUS),
    "helper": _HELPER,
}

_FROM = """FROM households h
    LEFT JOIN village_groups g ON g.id = h.group_id
    LEFT JOIN members hm ON hm.household_id = h.id AND hm.relation = 'head' AND hm.left_date IS NULL"""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _token_condition(token: str) -> tuple[str, list[object]]:
    """Households one search word finds: a member's name, pinyin or ID fragment, or the number."""
    if _CJK.search(token):
        return "m.name LIKE ? ESCAPE '\\'", [_like(token)]
    if token.isascii() and token.isalpha():
        return (
            "(m.name_pinyin LIKE ? ESCAPE '\\' OR m.name_initials LIKE ? ESCAPE '\\')",
            [_like(token.lower()), _like(token.lower())[1:]],
        )
    return (
        "(m.id_number LIKE ? ESCAPE '\\' OR h2.household_no LIKE ? ESCAPE '\\')",
        [_like(token.upper()), _like(token.upper())],
    )


class RegisterRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, f: HouseholdFilter) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if f.village_id is not None:
            clauses.append("h.village_id = ?")
            params.append(f.village_id)
        for column, value in (("h.group_id", f.group_id), ("h.status", f.status), ("h.attribute", f.attribute)):
            if value not in (None, ""):
                clauses.append(f"{column} = ?")
                params.append(value)
        if f.cause:
            clauses.append("? IN (h.main_cause, h.other_cause1, h.other_cause2)")
            params.append(f.cause)
        if f.year:
            clauses.append("h.exit_year = ?" if f.year_kind == "exit" else "h.identified_year = ?")
            params.append(f.year)
        for token in f.text.split():
            condition, values = _token_condition(token)
            vfilter = "AND m.village_id = ?" if f.village_id is not None else ""
            clauses.append(f"""h.id IN (SELECT m.household_id FROM members m
                JOIN households h2 ON h2.id = m.household_id WHERE {condition} {vfilter}
                UNION SELECT h3.id FROM households h3 WHERE h3.household_no LIKE ? ESCAPE '\\')""")
            params += values + ([f.village_id] if f.village_id is not None else []) + [_like(token.upper())]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def ids(self, f: HouseholdFilter) -> list[int]:
        """Matching household ids in display order."""
        where, params = self._where(f)
        order = _SORT.get(f.sort, "h.household_no") + (" DESC" if f.descending else "")
        return [r[0] for r in self.db.execute(f"SELECT h.id {_FROM}{where} ORDER BY {order}, h.household_no", params)]

    def rows(self, ids: list[int]) -> list[HouseholdRow]:
        """The rows for these ids, in the order given."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        found = {
            r[0]: HouseholdRow(*r)
            for r in self.db.execute(
                f"""SELECT h.id, h.household_no, coalesce(hm.name, ''), coalesce(g.name, ''), {_SIZE},
                       h.attribute, h.main_cause, h.status, {_HELPER} {_FROM} WHERE h.id IN ({marks})""",
                ids,
            )
        }
        return [found[i] for i in ids if i in found]

    def export_rows(self, ids: list[int]) -> list[ExportRow]:
        rows = {r.id: r for r in self.rows(ids)}
        extra = {}
        for chunk in range(0, len(ids), 900):
            part = ids[chunk : chunk + 900]
            marks = ", ".join("?" * len(part))
            extra.update(
                {
                    r[0]: r[1:]
                    for r in self.db.execute(
                        f"SELECT h.id, coalesce(hm.id_number, ''), h.phone, h.address {_FROM} WHERE h.id IN ({marks})",
                        part,
                    )
                }
            )
        return [ExportRow(rows[i], *extra[i]) for i in ids if i in rows]

    def years(self, village_id: int | None) -> list[int]:
        where, params = ("WHERE village_id = ?", [village_id]) if village_id is not None else ("", [])
        return [
            r[0]
            for r in self.db.execute(
                f"""SELECT DISTINCT y FROM (SELECT identified_year y FROM households {where}
                UNION SELECT exit_year FROM households {where}) WHERE y IS NOT NULL ORDER BY y""",
                params * 2,
            )
        ]

    def pairing_rows(self, village_id: int, *, only_unpaired: bool = False) -> list[tuple]:
        """Registered households with their current 帮扶责任人: (id, number, head, status, cadre, since)."""
        where = "h.village_id = ? AND h.status <> 'removed'"
        if only_unpaired:
            where += " AND h.status IN ('not_exited', 'returned') AND p.id IS NULL"
        return [
            tuple(r)
            for r in self.db.execute(
                f"""SELECT h.id, h.household_no, coalesce(hm.name, ''), h.status, coalesce(c.name, ''),
                       coalesce(p.start_date, '')
                {_FROM} LEFT JOIN pairings p ON p.household_id = h.id AND p.end_date IS NULL
                LEFT JOIN cadres c ON c.id = p.cadre_id
                WHERE {where} ORDER BY h.household_no""",
                [village_id],
            )
        ]

    def pairings_on(self, village_id: int, day: str) -> list[tuple]:
        """Each household's 帮扶责任人 on a day (a pairing's end date is its last day):
        (household id, head, group id, cadre, unit, cadre's phone, since), by 户编号."""
        return [
            tuple(r)
            for r in self.db.execute(
                f"""SELECT h.id, coalesce(hm.name, ''), h.group_id, c.name, c.unit, c.phone, p.start_date
                {_FROM} JOIN pairings p ON p.household_id = h.id AND p.start_date <= :day
                         AND (p.end_date IS NULL OR p.end_date >= :day)
                JOIN cadres c ON c.id = p.cadre_id
                WHERE h.village_id = :village AND NOT EXISTS (SELECT 1 FROM status_events e
                      WHERE e.household_id = h.id AND e.kind = 'remove' AND e.event_date <= :day)
                ORDER BY h.household_no""",
                {"village": village_id, "day": day},
            )
        ]

    def household_labels(self, village_id: int) -> dict[int, tuple[str, str]]:
        """Every household of the village, removed ones too: id -> (户编号, 户主)."""
        return {
            r[0]: (r[1], r[2])
            for r in self.db.execute(
                f"SELECT h.id, h.household_no, coalesce(hm.name, '') {_FROM} WHERE h.village_id = ?", [village_id]
            )
        }
