"""The village's population by year (年度动态调整): 贫困发生率 of a year divides by that year's
agricultural population; a year without its own row has the latest earlier one."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QVBoxLayout

from models import access, fields
from models.changes import Changes
from models.domain import VillageYear
from models.errors import CundangError, Problem, ValidationFailed
from models.rules.values import parse_input
from models.services.villages import save_village_year
from models.store import Store
from models.wording import describe, describe_problem
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel, gate

_Y = fields.record("village_years")


class VillageYears(QGroupBox):
    """The rows kept, and one year's figures to set."""

    def __init__(self, store: Store) -> None:
        super().__init__(_Y.title)
        self.store = store
        self.village_id: int | None = None
        self.changes = Changes()
        self.table = make_table(_Y.headers("year", "population_total", "agri_population"), "village-years")
        self.year = QSpinBox()
        self.year.setRange(2013, dt.date.today().year)
        self.year.setValue(dt.date.today().year - 1)
        self.total, self.agri = QLineEdit(), QLineEdit()
        self.total.setPlaceholderText(_Y.label("population_total"))
        self.agri.setPlaceholderText(_Y.label("agri_population"))
        self.save_button = QPushButton("保存该年人口")
        self.error = ErrorLabel()
        row = QHBoxLayout()
        for w in (self.year, self.total, self.agri, self.save_button):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.year.valueChanged.connect(lambda _: self._show_year())
        gate(self.save_button, store, access.TABLE_ACTIONS["village_years"])

    def load(self, village_id: int) -> None:
        self.village_id = village_id
        self.read_at = self.store.last_change()  # a save refuses what changed after this
        rows = self.store.villages.years(village_id)
        fill(self.table, [(r.year, r.population_total or "", r.agri_population or "") for r in rows])
        self._show_year()

    def _show_year(self) -> None:
        if self.village_id is None:
            return
        fact = self.store.villages.year_facts(self.village_id, self.year.value())
        self.total.setText("" if fact is None or fact.population_total is None else str(fact.population_total))
        self.agri.setText("" if fact is None or fact.agri_population is None else str(fact.agri_population))

    def save(self) -> Changes | None:
        """The year's figures through the service; None, with the reason shown, when refused."""
        assert self.village_id is not None
        problems: list[Problem] = []
        values = {
            name: parse_input(_Y[name], box.text(), ("village_years", name), problems)
            for name, box in (("population_total", self.total), ("agri_population", self.agri))
        }
        try:
            if problems:
                raise ValidationFailed(problems)
            changes = save_village_year(
                self.store,
                VillageYear(village_id=self.village_id, year=self.year.value(), **values),
                read_at=self.read_at,
            )
        except ValidationFailed as exc:
            self.error.set_error("\n".join(describe_problem(p) for p in exc.problems))
            return None
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return None
        self.error.set_error("")
        self.load(self.village_id)
        return changes
