"""Reading the four ledgers: projects with their payments and beneficiaries, attendance, work
logs, benefits, inspections and their findings."""

from __future__ import annotations

from models.domain import Benefit, Disbursement, Finding, Inspection, Loan, Project, WorkLog
from models.errors import NotFound
from models.storage.base import Repo


class LedgerRepo(Repo):
    # --- Projects -----------------------------------------------------------------

    def projects(self, village_id: int, year: int | None = None) -> list[tuple[Project, int, int]]:
        """(project, paid out in fen, beneficiary households), one grouped query each."""
        where, params = (
            ("village_id = ?", [village_id]) if year is None else ("village_id = ? AND year = ?", [village_id, year])
        )
        projects = self._where(Project, where, params, "year, id")
        ids = [p.id for p in projects]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        paid = dict(
            self.db.execute(
                f"SELECT project_id, sum(amount_fen) FROM disbursements "
                f"WHERE project_id IN ({marks}) GROUP BY project_id",
                ids,
            ).fetchall()
        )
        people = dict(
            self.db.execute(
                f"SELECT project_id, count(*) FROM project_beneficiaries "
                f"WHERE project_id IN ({marks}) GROUP BY project_id",
                ids,
            ).fetchall()
        )
        return [(p, paid.get(p.id, 0), people.get(p.id, 0)) for p in projects]

    def project(self, project_id: int) -> Project:
        rows = self._where(Project, "id = ?", [project_id])
        if not rows:
            raise NotFound(kind="project", key=project_id)
        return rows[0]

    def disbursements(self, project_id: int) -> list[Disbursement]:
        return self._where(Disbursement, "project_id = ?", [project_id], "pay_date, id")

    def beneficiaries(self, project_id: int) -> dict[int, int]:
        """household id -> beneficiary record id."""
        return dict(
            self.db.execute(
                "SELECT household_id, id FROM project_beneficiaries WHERE project_id = ?", [project_id]
            ).fetchall()
        )

    # --- The stationed team ---------------------------------------------------------

    def attendance(self, village_id: int, start: str, end: str) -> list[tuple[int, str]]:
        """(cadre id, day) of the village's cadres between two days."""
        return [
            tuple(r)
            for r in self.db.execute(
                """SELECT a.cadre_id, a.day FROM attendance a JOIN cadres c ON c.id = a.cadre_id
               WHERE c.village_id = ? AND a.day BETWEEN ? AND ? ORDER BY a.day""",
                [village_id, start, end],
            )
        ]

    def attendance_id(self, cadre_id: int, day: str) -> int | None:
        row = self.db.execute("SELECT id FROM attendance WHERE cadre_id = ? AND day = ?", [cadre_id, day]).fetchone()
        return row[0] if row else None

    def visits(self, village_id: int, start: str, end: str) -> list[tuple]:
        """Visits of the period (the assistance work's 走访记录, shown in this ledger too):
        (date, 户编号, 户主, cadre, found, done, next step)."""
        return [
            tuple(r)
            for r in self.db.execute(
                """SELECT v.visit_date, h.household_no, coalesce(hm.name, ''), coalesce(c.name, ''), v.found, v.done,
                      v.next_step
               FROM visits v JOIN households h ON h.id = v.household_id LEFT JOIN cadres c ON c.id = v.cadre_id
               LEFT JOIN members hm ON hm.household_id = h.id AND hm.relation = 'head' AND hm.left_date IS NULL
               WHERE h.village_id = ? AND v.visit_date BETWEEN ? AND ? ORDER BY v.visit_date, v.id""",
                [village_id, start, end],
            )
        ]

    def work_logs(self, village_id: int, start: str, end: str) -> list[WorkLog]:
        return self._where(
            WorkLog, "village_id = ? AND log_date BETWEEN ? AND ?", [village_id, start, end], "log_date DESC, id DESC"
        )

    # --- Special programmes ----------------------------------------------------------

    def benefits(self, village_id: int, start: str, end: str) -> list[Benefit]:
        return [
            Benefit.from_row(dict(zip([d[0] for d in cur.description], row)))
            for cur in [
                self.db.execute(
                    """SELECT b.* FROM benefits b JOIN households h ON h.id = b.household_id
                       WHERE h.village_id = ? AND b.benefit_date BETWEEN ? AND ? ORDER BY b.benefit_date, b.id""",
                    [village_id, start, end],
                )
            ]
            for row in cur.fetchall()
        ]

    def household_benefits(self, household_id: int) -> list[Benefit]:
        return self._where(Benefit, "household_id = ?", [household_id], "benefit_date, id")

    def loans(self, household_id: int) -> list[Loan]:
        return self._where(Loan, "household_id = ?", [household_id], "loan_date, id")

    def overdue_loans(self, village_id: int, today: str) -> int:
        """小额信贷 逾期 in the village: said so, or past due and not repaid (rules.ledgers.loan_overdue)."""
        return self.db.execute(
            """SELECT count(*) FROM loans l JOIN households h ON h.id = l.household_id
               WHERE h.village_id = ? AND (l.status = 'overdue' OR (l.status <> 'repaid' AND l.due_date < ?))""",
            [village_id, today],
        ).fetchone()[0]

    # --- Inspections -------------------------------------------------------------------

    def inspections(self, village_id: int, start: str, end: str) -> list[Inspection]:
        return self._where(
            Inspection, "village_id = ? AND inspect_date BETWEEN ? AND ?", [village_id, start, end], "inspect_date, id"
        )

    def findings(self, inspection_id: int) -> list[Finding]:
        return self._where(Finding, "inspection_id = ?", [inspection_id], "id")

    def overdue_findings(self, village_id: int, today: str) -> int:
        return self.db.execute(
            """SELECT count(*) FROM problems p JOIN inspections i ON i.id = p.inspection_id
               WHERE i.village_id = ? AND p.completed_date IS NULL AND p.deadline < ?""",
            [village_id, today],
        ).fetchone()[0]

    def open_findings_by_village(self) -> dict[int, int]:
        """Problems not yet put right, per village (the county's view)."""
        return dict(
            self.db.execute(
                """SELECT i.village_id, count(*) FROM problems p JOIN inspections i ON i.id = p.inspection_id
               WHERE p.completed_date IS NULL GROUP BY i.village_id"""
            ).fetchall()
        )

    # --- Notices printed ---------------------------------------------------------------

    def notices(self, village_id: int, year: int) -> list[tuple[str, str, str, str]]:
        """Notices printed for a year, as recorded: (kind, start, end, content JSON)."""
        return [
            tuple(r)
            for r in self.db.execute(
                "SELECT kind, start_date, end_date, content FROM notices WHERE village_id = ? AND year = ? ORDER BY id",
                [village_id, year],
            )
        ]

    def latest_notice(self, village_id: int, kind: str) -> tuple[str, str] | None:
        """The period of the last notice of a kind printed for the village: (start, end)."""
        row = self.db.execute(
            "SELECT start_date, end_date FROM notices WHERE village_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
            [village_id, kind],
        ).fetchone()
        return (row[0], row[1]) if row else None
