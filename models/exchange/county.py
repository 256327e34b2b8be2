"""The county's view of its villages: what was imported when, counts, ID numbers registered in
more than one village, and the county summary workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from models import codes
from models.exchange.xlsx import write_sheets
from models.fields import views
from models.fields.records import VILLAGE
from models.money import to_decimal
from models.rules import members as member_rules
from models.store import Store


@dataclass
class VillageLine:
    village_id: int
    code: str
    name: str
    township: str
    imported_at: str = ""  # when the county last took a package ('' when made here)
    exported_at: str = ""  # when the village exported it
    accepted_modified: bool = False
    households: int = 0
    registered: int = 0
    members: int = 0
    poor: int = 0
    exited: int = 0
    open_problems: int = 0
    duplicates: int = 0

    def as_json(self) -> dict:
        return dict(self.__dict__)


def overview(store: Store, found: list[Duplicate] | None = None) -> list[VillageLine]:
    """Every village with its last import and its counts (``found``: the duplicates, when the
    caller has them already)."""
    stats = {s.code: s for s in store.stats.villages()}
    lines = []
    last = {
        vid: (at, exported, bool(acc))
        for vid, at, exported, acc in store.db.execute(
            """SELECT village_id, created_at, exported_at, accepted_modified FROM imports i
           WHERE id = (SELECT id FROM imports j WHERE j.village_id = i.village_id
                       ORDER BY exported_at DESC, id DESC LIMIT 1)"""
        )
    }
    problems = store.ledgers.open_findings_by_village()
    dup_count: dict[str, int] = {}
    for d in duplicates(store) if found is None else found:
        for place in {p.village_code for p in d.places}:
            dup_count[place] = dup_count.get(place, 0) + 1
    for v in store.villages.all():
        assert v.id is not None  # read from the database
        s = stats.get(v.code)
        at, exported, acc = last.get(v.id, ("", "", False))
        lines.append(
            VillageLine(
                v.id,
                v.code,
                v.name,
                v.township,
                at,
                exported,
                acc,
                s.households if s else 0,
                s.registered if s else 0,
                s.members if s else 0,
                s.poor if s else 0,
                s.exited if s else 0,
                problems.get(v.id, 0),
                dup_count.get(v.code, 0),
            )
        )
    return lines


@dataclass
class Place:
    village_code: str
    village_name: str
    household_no: str
    name: str
    relation: str

    def text(self) -> str:
        return f"{self.village_name}（{self.village_code}）第 {self.household_no} 户 {self.name}（{self.relation}）"


@dataclass
class Duplicate:
    id_number: str
    places: list[Place] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"id_number": self.id_number, "places": [p.__dict__ for p in self.places]}


def duplicates(store: Store) -> list[Duplicate]:
    """Every person (first 18 characters of the ID number) who is a current member in more than
    one village, with each place (a 县级 operator's: it lists whole ID numbers)."""
    store.require("county")
    rows = store.db.execute(
        f"""WITH current AS (
               SELECT substr(m.id_number, 1, 18) AS person, m.village_id, m.household_id, m.name, m.relation
               FROM members m JOIN households h ON h.id = m.household_id
               WHERE m.left_date IS NULL AND {member_rules.person_sql("m")}
                 AND h.status <> 'removed'),
           shared AS (SELECT person FROM current GROUP BY person HAVING count(DISTINCT village_id) > 1)
           SELECT c.person, v.code, v.name, h.household_no, c.name, c.relation
           FROM current c JOIN shared USING (person) JOIN villages v ON v.id = c.village_id
           JOIN households h ON h.id = c.household_id
           ORDER BY c.person, v.code"""
    ).fetchall()
    found: dict[str, Duplicate] = {}
    for person, code, vname, no, name, relation in rows:
        found.setdefault(person, Duplicate(person)).places.append(
            Place(code, vname, no, name, codes.RELATION.label(relation) if relation in codes.RELATION else relation)
        )
    return list(found.values())


def summary_rows(store: Store, year: int) -> dict[str, tuple[list[str], list[list[object]]]]:
    """The county summary's sheets: (headers, rows) by sheet name; totals as the last row."""
    from models.services.assistance import village_exit_summary

    villages = store.villages.all()
    stats = {s.code: s for s in store.stats.villages()}
    by = {kind: _count_by(store, column) for kind, column in (("attribute", "attribute"), ("cause", "main_cause"))}
    funds = {
        vid: list(values)
        for vid, *values in store.db.execute(
            "SELECT village_id, "
            + ", ".join(f"sum({column})" for column in codes.PROJECT_FUND_COLUMNS.values())
            + " FROM projects GROUP BY village_id"
        )
    }
    open_problems = store.ledgers.open_findings_by_village()
    status_keys = list(codes.STATUS.keys)
    main_headers = views.COUNTY_SUMMARY.headers(*views.COUNTY_SUMMARY, year=year)
    incidence_i = list(views.COUNTY_SUMMARY).index("incidence")
    main: list[list[object]] = []
    totals: list[object] = ["合计", "", f"{len(villages)} 个村"] + [0] * (len(main_headers) - 3)
    for v in villages:
        assert v.id is not None  # read from the database
        s = stats.get(v.code)
        summary = village_exit_summary(store, v.id, year)
        money = [to_decimal(f or 0) for f in funds.get(v.id, [0] * len(codes.PROJECT_FUND_COLUMNS))]
        incidence = (
            (Decimal(summary.poor_people * 100) / Decimal(v.agri_population)).quantize(Decimal("0.01"))
            if v.agri_population
            else "未填写农业人口"
        )
        row: list[object] = [
            v.code,
            v.township,
            v.name,
            *((s.by_status.get(k, 0) if s else 0) for k in status_keys),
            s.registered if s else 0,
            s.members if s else 0,
            summary.poor_people,
            v.agri_population or 0,
            incidence,
            *money,
            sum(money, Decimal(0)),
            open_problems.get(v.id, 0),
        ]
        main.append(row)
        for i, value in enumerate(row[3:], 3):
            if isinstance(value, (int, Decimal)) and i != incidence_i:
                total = totals[i]
                assert isinstance(total, (int, Decimal))  # a number column's total starts at 0
                totals[i] = total + value
    poor_i, agri_i = (list(views.COUNTY_SUMMARY).index(n) for n in ("poor_people", "agri_population"))
    poor, agri = totals[poor_i], totals[agri_i]
    assert isinstance(poor, int) and isinstance(agri, int)  # sums of people counts
    totals[incidence_i] = (Decimal(poor * 100) / Decimal(agri)).quantize(Decimal("0.01")) if agri else ""
    sheets = {"各村汇总": (main_headers, [*main, totals])}
    for title, kind, clist in (
        ("按贫困户属性", "attribute", codes.ATTRIBUTE),
        ("按主要致贫原因", "cause", codes.CAUSE),
    ):
        keys = list(clist.keys)
        counted = [by[kind].get(v.id, {}) if v.id is not None else {} for v in villages]
        rows = [[v.code, v.name, *(c.get(k, 0) for k in keys)] for v, c in zip(villages, counted, strict=True)]
        rows.append(["合计", "", *(sum(c.get(k, 0) for c in counted) for k in keys)])
        sheets[title] = ([VILLAGE.header("code"), VILLAGE.header("name"), *(clist.label(k) for k in keys)], rows)
    return sheets


def _count_by(store: Store, column: str) -> dict[int, dict[str, int]]:
    """Registered households (not removed) per village by a coded column."""
    out: dict[int, dict[str, int]] = {}
    for vid, key, n in store.db.execute(
        f"SELECT village_id, {column}, count(*) FROM households WHERE status <> 'removed' GROUP BY village_id, {column}"
    ):
        out.setdefault(vid, {})[key] = n
    return out


def export_county(store: Store, path: Path | str, year: int) -> dict[str, int]:
    """The county summary workbook; returns rows per sheet (a 县级 operator's)."""
    store.require("county")
    sheets = summary_rows(store, year)
    write_sheets(path, [(name, headers, rows) for name, (headers, rows) in sheets.items()])
    return {name: len(rows) for name, (_, rows) in sheets.items()}
