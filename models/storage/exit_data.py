"""Loading what the exit check reads, for a village or the whole folder, in a few bulk queries."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from models import codes
from models.domain import INCOME_ITEMS, TRANSFER_ITEMS
from models.rules.exit_check import IN_SCHOOL_AGES, HouseholdFacts

# The members a year counts: in the household on 31 December (as rules.counted_in_year says;
# tests/models/test_assistance.py checks the two agree on the demo village).
_COUNTED = """(m.birth_date <= :year_end AND (m.joined_date IS NULL OR m.joined_date <= :year_end)
               AND (m.left_date IS NULL OR m.left_date > :year_end))"""
_NET = " + ".join(f"i.{n}" for n in INCOME_ITEMS if n != "business_cost_fen") + " - i.business_cost_fen"
assert set(TRANSFER_ITEMS) <= set(INCOME_ITEMS)


class ExitDataRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def households(
        self, year: int, village_id: int | None = None, household_ids: list[int] | None = None
    ) -> list[HouseholdFacts]:
        """Every registered household (all but 已清退) with what the year's check needs, as it was
        that year: counted members, their school and insurance of that year (member_years), its
        net income, 两不愁三保障 and 危房 of that year. A county's 100,000 households take a few
        aggregate queries."""
        # Compulsory-school age in the autumn term of the year: six by 31 August, not yet
        # sixteen on 1 September (so a child born in November starts next year).
        clauses, params = (
            ["h.status <> 'removed'"],
            {
                "year": year,
                "year_end": f"{year}-12-31",
                "this_year": dt.date.today().year,  # today's 饮水安全 is compared with this year's only
                "school_from": f"{year - IN_SCHOOL_AGES.stop}-09-01",
                "school_to": f"{year - IN_SCHOOL_AGES.start}-08-31",
            },
        )
        if village_id is not None:
            clauses.append("h.village_id = :village")
            params["village"] = village_id
        if household_ids is not None:
            clauses.append(f"h.id IN ({', '.join(str(int(i)) for i in household_ids)})")
        where = " AND ".join(clauses)
        facts = {
            r[0]: HouseholdFacts(*r)
            for r in self.db.execute(
                f"""SELECT h.id, h.household_no, coalesce(hm.name, ''), h.status, v.province, '',
                       CASE WHEN :year = :this_year THEN h.water_safe END, h.power_household, h.broadcast_tv,
                       h.village_id
                FROM households h JOIN villages v ON v.id = h.village_id
                LEFT JOIN members hm ON hm.household_id = h.id AND hm.relation = 'head' AND hm.left_date IS NULL
                WHERE {where} ORDER BY h.village_id, h.household_no""",
                params,
            )
        }
        sub = f"SELECT h.id FROM households h WHERE {where}"

        def mine(alias: str) -> str:
            """Rows of the households asked about: for a whole county, every row (the households
            read above pick theirs, which is cheaper than asking SQLite to filter)."""
            whole = village_id is None and household_ids is None
            return "" if whole else f"{alias}.household_id IN ({sub}) AND"

        school_age = "m.birth_date BETWEEN :school_from AND :school_to"
        # §3: 失学辍学 fails whatever the 文化程度 (the level reached, not a diploma); 非在校生 fails
        # unless 初中 was finished; 送教上门 and every school level count as in school.
        for hid, size, dropout, not_enrolled, school_unknown, uninsured, insurance_unknown in self.db.execute(
            f"""SELECT m.household_id, count(*),
                       group_concat(CASE WHEN {school_age} AND y.school_status = '{codes.DROPOUT}' THEN m.name END, '、'),
                       group_concat(CASE WHEN {school_age} AND y.school_status = '{codes.NOT_IN_SCHOOL}'
                                          AND coalesce(y.compulsory_done, 0) = 0 THEN m.name END, '、'),
                       group_concat(CASE WHEN {school_age} AND coalesce(y.school_status, '') = '' THEN m.name END, '、'),
                       group_concat(CASE WHEN y.medical_insurance = 0 THEN m.name END, '、'),
                       group_concat(CASE WHEN y.medical_insurance IS NULL THEN m.name END, '、')
                    FROM members m
                    -- each member's facts of the year: its own row, or the latest before it
                    LEFT JOIN member_years y ON y.member_id = m.id AND y.year <= :year
                        AND NOT EXISTS (SELECT 1 FROM member_years z WHERE z.member_id = m.id
                                        AND z.year > y.year AND z.year <= :year)
                    WHERE {mine("m")} {_COUNTED} GROUP BY m.household_id""",
            params,
        ):
            f = facts.get(hid)
            if f is not None:
                f.size = size
                f.dropout = dropout.split("、") if dropout else []
                f.not_enrolled = not_enrolled.split("、") if not_enrolled else []
                f.school_unknown = school_unknown.split("、") if school_unknown else []
                f.uninsured = uninsured.split("、") if uninsured else []
                f.insurance_unknown = insurance_unknown.split("、") if insurance_unknown else []
        for hid, net in self.db.execute(
            f"SELECT i.household_id, {_NET} FROM incomes i WHERE {mine('i')} i.year = :year", params
        ):
            if hid in facts:
                facts[hid].net_fen = net
        for hid, *values in self.db.execute(
            f"""SELECT a.household_id, a.food, a.clothing, a.education, a.medical, a.housing, a.water,
                           a.dangerous_house
                    FROM assurances a WHERE {mine("a")} a.year = :year""",
            params,
        ):
            if hid in facts:
                facts[hid].assurance = tuple(values[:6])
                facts[hid].dangerous_house = values[6]  # the year's 危房, not today's
        return list(facts.values())

    def poor_people(self, village_id: int, year: int) -> int:
        """People of households poor at the end of a year (their last status change by then was
        识别 or 返贫), counted as members that year. A 标注脱贫 counts for its 脱贫年度 even when it
        was recorded in the January after (the events' own dates and years, not today's status)."""
        return self.db.execute(
            f"""SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
                WHERE h.village_id = :village AND {_COUNTED}
                  AND (SELECT e.kind FROM status_events e WHERE e.household_id = h.id
                         AND (e.event_date <= :year_end OR (e.kind = 'exit' AND e.year <= :year))
                       ORDER BY e.event_date DESC, e.id DESC LIMIT 1) IN ('identify', 'return')""",
            {"village": village_id, "year_end": f"{year}-12-31", "year": year},
        ).fetchone()[0]
