"""Reading assistance records: cadres, pairings, visits, plans and measures, poverty lines, settings, steps."""

from __future__ import annotations

from models.domain import Cadre, Measure, Pairing, Plan, PovertyLine, ProcedureStep, Visit
from models.errors import NotFound
from models.storage.base import Repo


class AssistanceRepo(Repo):
    # --- Cadres and the team --------------------------------------------------------

    def cadres(self, village_id: int) -> list[Cadre]:
        return self._where(Cadre, "village_id = ?", [village_id], "left_date IS NOT NULL, on_team DESC, id")

    def cadre(self, cadre_id: int) -> Cadre:
        rows = self._where(Cadre, "id = ?", [cadre_id])
        if not rows:
            raise NotFound(kind="cadre", key=cadre_id)
        return rows[0]

    def loads(self, village_id: int) -> dict[int, int]:
        """Current paired households per cadre."""
        return dict(
            self.db.execute(
                """SELECT p.cadre_id, count(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id
               WHERE c.village_id = ? AND p.end_date IS NULL GROUP BY p.cadre_id""",
                [village_id],
            ).fetchall()
        )

    # --- Pairing --------------------------------------------------------------------

    def pairings(self, household_id: int) -> list[Pairing]:
        return self._where(Pairing, "household_id = ?", [household_id], "start_date, id")

    def pairing(self, pairing_id: int) -> Pairing:
        rows = self._where(Pairing, "id = ?", [pairing_id])
        if not rows:
            raise NotFound(kind="pairing", key=pairing_id)
        return rows[0]

    def pairings_of_cadre(self, cadre_id: int, *, current: bool = True) -> list[Pairing]:
        where = "cadre_id = ?" + (" AND end_date IS NULL" if current else "")
        return self._where(Pairing, where, [cadre_id], "start_date, id")

    def unpaired(self, village_id: int) -> list[int]:
        """Households not exited (未脱贫 or 返贫) with no current pairing."""
        return [
            r[0]
            for r in self.db.execute(
                """SELECT h.id FROM households h WHERE h.village_id = ? AND h.status IN ('not_exited', 'returned')
               AND NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = h.id AND p.end_date IS NULL)
               ORDER BY h.household_no""",
                [village_id],
            )
        ]

    # --- Visits ---------------------------------------------------------------------

    def visits(self, *, household_id: int | None = None, cadre_id: int | None = None) -> list[Visit]:
        if household_id is not None:
            return self._where(Visit, "household_id = ?", [household_id], "visit_date DESC, id DESC")
        return self._where(Visit, "cadre_id = ?", [cadre_id], "visit_date DESC, id DESC")

    # --- Plans ----------------------------------------------------------------------

    def plan(self, household_id: int, year: int) -> Plan | None:
        rows = self._where(Plan, "household_id = ? AND year = ?", [household_id, year])
        return rows[0] if rows else None

    def plan_years(self, household_id: int) -> list[int]:
        return [
            r[0] for r in self.db.execute("SELECT year FROM plans WHERE household_id = ? ORDER BY year", [household_id])
        ]

    def measures(self, plan_id: int) -> list[Measure]:
        return self._where(Measure, "plan_id = ?", [plan_id], "sort_order, id")

    def plan_overview(self, village_id: int, year: int, today: str) -> list[tuple[int, int, int, int]]:
        """Per household with a plan that year: (household id, measures, done, overdue)."""
        return [
            tuple(r)
            for r in self.db.execute(
                """SELECT p.household_id, count(m.id), sum(m.status = 'done'),
                      sum(m.deadline < ? AND m.status IN ('planned', 'in_progress'))
               FROM plans p JOIN households h ON h.id = p.household_id LEFT JOIN measures m ON m.plan_id = p.id
               WHERE h.village_id = ? AND p.year = ? GROUP BY p.household_id""",
                [today, village_id, year],
            )
        ]

    # --- Poverty lines and settings -------------------------------------------------

    def poverty_lines(self) -> list[PovertyLine]:
        return self._where(PovertyLine, "1 = 1", [], "year, province")

    def poverty_line(self, year: int, province: str) -> PovertyLine | None:
        rows = self._where(PovertyLine, "year = ? AND province = ?", [year, province])
        return rows[0] if rows else None

    def village_lines(self, year: int, province: str) -> dict[int, int]:
        """The line of that year and province each village's package carried (a county's
        folder), by village id."""
        return dict(
            self.db.execute(
                "SELECT village_id, line_fen FROM village_poverty_lines WHERE year = ? AND province = ?",
                [year, province],
            ).fetchall()
        )

    def reported_lines(self) -> list[tuple[str, str, int, str, int, str, int | None]]:
        """Every village's carried line (code, name, year, province, line, source) with the
        folder's own line of that year and province (None when it has none)."""
        return self.db.execute(
            """SELECT v.code, v.name, l.year, l.province, l.line_fen, l.source, own.line_fen
               FROM village_poverty_lines l JOIN villages v ON v.id = l.village_id
               LEFT JOIN poverty_lines own ON own.year = l.year AND own.province = l.province
               ORDER BY v.code, l.year, l.province"""
        ).fetchall()

    def village_rules(self, village_id: int) -> tuple[list[dict], dict[str, str]]:
        """What a village's package said of the rules it applied: its lines and exit settings."""
        lines = [
            dict(zip(("year", "province", "line_fen", "source"), row))
            for row in self.db.execute(
                "SELECT year, province, line_fen, source FROM village_poverty_lines WHERE village_id = ? "
                "ORDER BY year, province",
                [village_id],
            )
        ]
        settings = dict(
            self.db.execute("SELECT key, value FROM village_settings WHERE village_id = ?", [village_id]).fetchall()
        )
        return lines, settings

    def settings(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM settings").fetchall())

    def setting_id(self, key: str) -> int | None:
        row = self.db.execute("SELECT id FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    # --- Procedures -----------------------------------------------------------------

    def steps(self, household_id: int) -> list[ProcedureStep]:
        return self._where(ProcedureStep, "household_id = ?", [household_id], "start_date, id")
