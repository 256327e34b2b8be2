"""Loading what the exit check reads, for a village or the whole folder, in a few bulk queries."""
from __future__ import annotations

from collections import defaultdict

from sqlite_utils import Database

from models.domain import Assurance, Income, Member
from models.exit_check import HouseholdFacts


class ExitDataRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def households(self, year: int, village_id: int | None = None,
                   household_ids: list[int] | None = None) -> list[HouseholdFacts]:
        """Every registered household (all but 已清退) with its members, and its income and
        两不愁三保障 of the year."""
        clauses, params = ["h.status <> 'removed'"], []
        if village_id is not None:
            clauses.append("h.village_id = ?")
            params.append(village_id)
        if household_ids is not None:
            clauses.append(f"h.id IN ({', '.join('?' * len(household_ids))})")
            params += household_ids
        where = " AND ".join(clauses)
        facts = {r[0]: HouseholdFacts(*r) for r in self.db.execute(
            f"""SELECT h.id, h.household_no, coalesce(hm.name, ''), h.status, v.province, h.dangerous_house,
                       h.water_safe
                FROM households h JOIN villages v ON v.id = h.village_id
                LEFT JOIN members hm ON hm.household_id = h.id AND hm.relation = 'head' AND hm.left_date IS NULL
                WHERE {where} ORDER BY h.village_id, h.household_no""", params)}
        sub = f"SELECT h.id FROM households h WHERE {where}"
        members = defaultdict(list)
        cur = self.db.execute(
            f"""SELECT household_id, name, birth_date, school_status, medical_insurance, joined_date, left_date
                FROM members WHERE household_id IN ({sub})""", params)
        for hid, name, birth, school, insured, joined, left in cur:
            members[hid].append(Member(name=name, birth_date=birth, school_status=school,
                                       medical_insurance=insured, joined_date=joined, left_date=left))
        for hid, people in members.items():
            if hid in facts:
                facts[hid].members = people
        for table, cls, attr in (("incomes", Income, "income"), ("assurances", Assurance, "assurance")):
            cur = self.db.execute(f"SELECT * FROM {table} WHERE year = ? AND household_id IN ({sub})", [year, *params])
            names = [d[0] for d in cur.description]
            for row in cur:
                record = cls.from_row(dict(zip(names, row)))
                if record.household_id in facts:
                    setattr(facts[record.household_id], attr, record)
        return list(facts.values())

    def poor_people(self, village_id: int) -> int:
        """Current members of households still poor (未脱贫 or 返贫)."""
        return self.db.execute(
            """SELECT count(*) FROM members m JOIN households h ON h.id = m.household_id
               WHERE h.village_id = ? AND h.status IN ('not_exited', 'returned') AND m.left_date IS NULL""",
            [village_id]).fetchone()[0]
