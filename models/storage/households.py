"""Reading households and what hangs off them: members, incomes, assurances, events."""

from __future__ import annotations

from models.domain import (
    Assurance,
    Household,
    HouseholdFile,
    Income,
    Member,
    MemberEvent,
    MemberYear,
    StatusEvent,
)
from models.errors import NotFound
from models.rules import members as member_rules
from models.storage.audit import with_state
from models.storage.base import Repo


class HouseholdRepo(Repo):
    def get(self, household_id: int) -> Household:
        rows = self._where(Household, "id = ?", [household_id])
        if not rows:
            raise NotFound(kind="household", key=household_id)
        return rows[0]

    def by_no(self, village_id: int, household_no: str) -> Household | None:
        rows = self._where(Household, "village_id = ? AND household_no = ?", [village_id, household_no])
        return rows[0] if rows else None

    def ids(self, village_id: int) -> list[int]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM households WHERE village_id = ? ORDER BY household_no", [village_id]
            )
        ]

    def members(self, household_id: int) -> list[Member]:
        return self._where(Member, "household_id = ?", [household_id], "sort_order, id")

    def member_years(self, household_id: int) -> list[MemberYear]:
        """Every per-year row of the household's members, by member and year."""
        return self._where(MemberYear, "household_id = ?", [household_id], "member_id, year")

    def member_facts(self, household_id: int, year: int) -> dict[int, MemberYear]:
        """Each member's facts of a year: the row of that year, or of the latest year before it
        (a year starts from the one before). A member with no row by then is not in it."""
        facts: dict[int, MemberYear] = {}
        for row in self.member_years(household_id):
            if row.year <= year and row.member_id is not None:
                facts[row.member_id] = row  # ordered by year: the latest wins
        return facts

    def member_fact(self, member_id: int, year: int) -> MemberYear | None:
        """One member's facts of a year (its own row or the latest before), wherever the row was
        recorded."""
        rows = self._where(MemberYear, "member_id = ? AND year <= ?", [member_id, year], "year DESC")
        return rows[0] if rows else None

    def member(self, member_id: int) -> Member:
        rows = self._where(Member, "id = ?", [member_id])
        if not rows:
            raise NotFound(kind="member", key=member_id)
        return rows[0]

    def file(self, household_id: int) -> HouseholdFile:
        """The household with its members, incomes, assurances and history."""
        hid = [household_id]
        return HouseholdFile(
            household=self.get(household_id),
            members=self.members(household_id),
            incomes=self._where(Income, "household_id = ?", hid, "year"),
            assurances=self._where(Assurance, "household_id = ?", hid, "year"),
            status_events=self._where(StatusEvent, "household_id = ?", hid, "event_date, id"),
            member_events=self._where(MemberEvent, "household_id = ?", hid, "event_date, id"),
        )

    def income(self, household_id: int, year: int) -> Income | None:
        rows = self._where(Income, "household_id = ? AND year = ?", [household_id, year])
        return rows[0] if rows else None

    def assurance(self, household_id: int, year: int) -> Assurance | None:
        rows = self._where(Assurance, "household_id = ? AND year = ?", [household_id, year])
        return rows[0] if rows else None

    def registrations(self, village_id: int, people: list[str]) -> list[tuple[str, str, str, int]]:
        """Current registrations in the village of these people (18-character ID numbers):
        (the person's ID number, household_no, name, member_id)."""
        if not people:
            return []
        marks = ", ".join("?" * len(people))
        return [
            tuple(r)
            for r in self.db.execute(
                f"""SELECT substr(m.id_number, 1, 18), h.household_no, m.name, m.id FROM members m
                JOIN households h ON h.id = m.household_id
                WHERE m.village_id = ? AND m.left_date IS NULL AND {member_rules.person_sql("m")}
                  AND substr(m.id_number, 1, 18) IN ({marks})""",
                [village_id, *people],
            )
        ]

    def next_household_no(self, village_code: str, village_id: int) -> str:
        """The village code followed by the next free four-digit sequence."""
        row = self.db.execute(
            "SELECT max(household_no) FROM households WHERE village_id = ? AND household_no LIKE ?",
            [village_id, village_code + "%"],
        ).fetchone()
        last = row[0]
        seq = int(last[len(village_code) :]) + 1 if last and last[len(village_code) :].isdigit() else 1
        return f"{village_code}{seq:04d}"

    def audit_entries(self, household_id: int) -> list[tuple]:
        """Audit rows of the household and of every record hanging off it, newest first:
        (at, actor, action, table_name, before, after, state) (see audit.with_state)."""
        rows = self.db.execute(
            """WITH owned(uuid) AS (
               SELECT uuid FROM households WHERE id = :h
               UNION ALL SELECT uuid FROM members WHERE household_id = :h
               UNION ALL SELECT uuid FROM incomes WHERE household_id = :h
               UNION ALL SELECT uuid FROM assurances WHERE household_id = :h
               UNION ALL SELECT uuid FROM status_events WHERE household_id = :h
               UNION ALL SELECT uuid FROM member_events WHERE household_id = :h)
           SELECT at, actor, action, table_name, record_id, before, after FROM audit_log
           WHERE record_uuid IN (SELECT uuid FROM owned) ORDER BY id""",
            {"h": household_id},
        ).fetchall()
        return with_state(self.db, rows)[::-1]

    def member_names(self, member_ids: list[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        marks = ", ".join("?" * len(member_ids))
        return dict(self.db.execute(f"SELECT id, name FROM members WHERE id IN ({marks})", member_ids).fetchall())

    def in_notice(self, village_id: int, procedure: str, before_notice: str, year: int) -> list[int]:
        """Households whose round of ``procedure`` for ``year`` has reached its notice (the step
        before it, ``before_notice``, is recorded and the round was not stopped after it), or
        whose status changed by it in that year (a past notice, listed as it was)."""
        return [
            r[0]
            for r in self.db.execute(
                """SELECT h.id FROM households h WHERE h.village_id = :village AND (
                       EXISTS (SELECT 1 FROM procedure_steps s WHERE s.household_id = h.id
                               AND s.procedure = :procedure AND s.step = :before
                               AND coalesce(s.year, CAST(substr(s.start_date, 1, 4) AS INTEGER)) = :year
                               AND NOT EXISTS (SELECT 1 FROM procedure_steps t WHERE t.household_id = h.id
                                   AND t.procedure = :procedure AND t.step = 'stop' AND t.start_date >= s.start_date))
                       OR EXISTS (SELECT 1 FROM status_events e WHERE e.household_id = h.id
                                  AND e.kind = :procedure AND e.year = :year))
                   ORDER BY h.household_no""",
                {"village": village_id, "procedure": procedure, "before": before_notice, "year": year},
            )
        ]

    def exit_overrides(self, village_id: int, year: int | None = None) -> list[tuple]:
        """标注脱贫 made over a failed exit check (例外): (household id, 户编号, 户主, 脱贫年度,
        date, the reason, who recorded it), by 户编号."""
        return [
            tuple(r)
            for r in self.db.execute(
                """SELECT h.id, h.household_no, coalesce(hm.name, ''), e.year, e.event_date, e.override_reason,
                          coalesce((SELECT a.actor FROM audit_log a WHERE a.table_name = 'status_events'
                                    AND a.record_id = e.id AND a.action = 'insert' ORDER BY a.id LIMIT 1), '')
                   FROM status_events e JOIN households h ON h.id = e.household_id
                   LEFT JOIN members hm ON hm.household_id = h.id AND hm.relation = 'head' AND hm.left_date IS NULL
                   WHERE h.village_id = :village AND e.kind = 'exit' AND e.override_reason <> ''
                     AND (:year IS NULL OR e.year = :year)
                   ORDER BY h.household_no, e.event_date""",
                {"village": village_id, "year": year},
            )
        ]

    def identified_years(self, village_id: int) -> list[int]:
        """The years in which the village's households were identified, earliest first."""
        return [
            r[0]
            for r in self.db.execute(
                """SELECT DISTINCT e.year FROM status_events e JOIN households h ON h.id = e.household_id
                   WHERE h.village_id = ? AND e.kind = 'identify' ORDER BY e.year""",
                [village_id],
            )
        ]

    def with_event(self, village_id: int, kind: str, year: int) -> list[int]:
        """Households of the village with a status event of this kind for this year."""
        return [
            r[0]
            for r in self.db.execute(
                """SELECT DISTINCT h.id FROM households h JOIN status_events e ON e.household_id = h.id
               WHERE h.village_id = ? AND e.kind = ? AND e.year = ? ORDER BY h.household_no""",
                [village_id, kind, year],
            )
        ]
