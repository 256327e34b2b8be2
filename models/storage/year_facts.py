"""Writing the per-year facts (年度动态调整): a member's first year row, and a year's facts set
where they differ from the year before (a year without a row of its own has the latest earlier)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlite_utils import Database

from models.domain import MEMBER_YEAR_FACTS, VILLAGE_YEAR_FACTS, MemberYear, VillageYear
from models.storage.audit import AuditedWriter
from models.storage.households import HouseholdRepo
from models.storage.villages import VillageRepo

# The first year a member's facts hold for: the year they joined, else the first year the records
# know of the household (identified, or its first income or 两不愁三保障), else this year.
_FIRST_YEAR = """CASE WHEN m.joined_date IS NOT NULL AND m.joined_date <> '' THEN CAST(substr(m.joined_date, 1, 4) AS INTEGER)
    ELSE min(coalesce(h.identified_year, :this_year),
             coalesce((SELECT min(i.year) FROM incomes i WHERE i.household_id = h.id), 9999),
             coalesce((SELECT min(a.year) FROM assurances a WHERE a.household_id = h.id), 9999)) END"""


def seed_member_years(
    db: Database, writer: AuditedWriter, *, village_id: int | None = None, household_ids: Sequence[int] = ()
) -> int:
    """Members with no year row get one, of their facts as stored, from their first year (every
    door that adds members calls this, so every member has facts for the years they count in).
    Returns how many rows were written."""
    clauses = ["NOT EXISTS (SELECT 1 FROM member_years y WHERE y.member_id = m.id)"]
    params: dict[str, object] = {"this_year": dt.date.today().year}
    if village_id is not None:
        clauses.append("h.village_id = :village")
        params["village"] = village_id
    if household_ids:
        clauses.append(f"h.id IN ({', '.join(str(int(i)) for i in household_ids)})")
    rows = db.execute(
        f"""SELECT m.id, m.household_id, {_FIRST_YEAR}, m.school_status, m.compulsory_done, m.medical_insurance
            FROM members m JOIN households h ON h.id = m.household_id WHERE {" AND ".join(clauses)}""",
        params,
    ).fetchall()
    writer.insert_many(
        "member_years",
        [
            {
                "member_id": mid,
                "household_id": hid,
                "year": year,
                "school_status": school,
                "compulsory_done": done,
                "medical_insurance": insured,
            }
            for mid, hid, year, school, done, insured in rows
        ],
    )
    return len(rows)


def seed_village_years(db: Database, writer: AuditedWriter, *, village_id: int | None = None) -> int:
    """Villages with no year row get one, of their population as stored, from the first year
    their households were identified (carried to every later year)."""
    rows = db.execute(
        """SELECT v.id, coalesce((SELECT min(h.identified_year) FROM households h WHERE h.village_id = v.id),
                                 CAST(strftime('%Y', 'now') AS INTEGER)), v.population_total, v.agri_population
           FROM villages v WHERE NOT EXISTS (SELECT 1 FROM village_years y WHERE y.village_id = v.id)
             AND (v.population_total IS NOT NULL OR v.agri_population IS NOT NULL)
             AND (:village IS NULL OR v.id = :village)""",
        {"village": village_id},
    ).fetchall()
    writer.insert_many(
        "village_years",
        [
            {"village_id": vid, "year": year, "population_total": total, "agri_population": agri}
            for vid, year, total, agri in rows
        ],
    )
    return len(rows)


def set_member_year(db: Database, writer: AuditedWriter, fact: MemberYear) -> bool:
    """A member's facts of a year: written where they differ from what the year has now
    (its own row is changed, else a row of that year is added). Returns whether anything changed."""
    assert fact.member_id is not None and fact.household_id is not None
    now = HouseholdRepo(db).member_fact(fact.member_id, fact.year)
    wanted = {k: getattr(fact, k) for k in MEMBER_YEAR_FACTS}
    if now is not None and all(getattr(now, k) == v for k, v in wanted.items()):
        return False
    if now is not None and now.year == fact.year:
        assert now.id is not None
        writer.update("member_years", now.id, wanted)
    else:
        writer.insert(
            "member_years",
            {"member_id": fact.member_id, "household_id": fact.household_id, "year": fact.year, **wanted},
        )
    return True


def set_village_year(db: Database, writer: AuditedWriter, fact: VillageYear) -> bool:
    """The village's population of a year, written where it differs from what the year has now."""
    assert fact.village_id is not None
    now = VillageRepo(db).year_facts(fact.village_id, fact.year)
    wanted = {k: getattr(fact, k) for k in VILLAGE_YEAR_FACTS}
    if now is not None and all(getattr(now, k) == v for k, v in wanted.items()):
        return False
    if now is None and all(v is None for v in wanted.values()):
        return False
    if now is not None and now.year == fact.year:
        assert now.id is not None
        writer.update("village_years", now.id, wanted)
    else:
        writer.insert("village_years", {"village_id": fact.village_id, "year": fact.year, **wanted})
    return True
