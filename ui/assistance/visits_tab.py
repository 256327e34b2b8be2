"""走访记录: visits listed per household or per cadre, and a new visit recorded."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import access, fields
from models.domain import Visit
from models.errors import CundangError
from models.fields import views
from models.services.assistance import add_visit
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel, gate

_V = fields.record("visits")
HEADERS = (
    _V.header("visit_date"),
    fields.record("households").header("household_no"),
    views.HEAD.header,
    *_V.headers("cadre_id", "found", "done", "next_step"),
)


class VisitsTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.by = QComboBox()
        self.by.addItem("按户", "household")
        self.by.addItem("按干部", "cadre")
        self.which = QComboBox()
        self.which.setObjectName("visits-which")
        self.which.setMinimumContentsLength(24)
        self.table = make_table(HEADERS, "visit-table")
        # a new visit
        self.household = QComboBox()
        self.cadre = QComboBox()
        self.date = date_edit()
        self.found, self.done, self.next_step = QLineEdit(), QLineEdit(), QLineEdit()
        self.add_button = QPushButton("登记走访")
        self.error = ErrorLabel()
        form = QFormLayout()
        row = QHBoxLayout()
        for w in (self.household, self.cadre, self.date):
            row.addWidget(w)
        form.addRow(views.VISIT_WHO.label, row)
        for name, edit in (("found", self.found), ("done", self.done), ("next_step", self.next_step)):
            form.addRow(_V.header(name), edit)
        top = QHBoxLayout()
        top.addWidget(self.by)
        top.addWidget(self.which, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("登记一次走访："))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.add_button)
        self.by.currentIndexChanged.connect(lambda _: self._fill_choices())
        self.which.currentIndexChanged.connect(lambda _: self.show_visits())
        self.add_button.clicked.connect(self._on_add)
        gate(self.add_button, store, access.TABLE_ACTIONS["visits"])

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.household.clear()
        self.cadre.clear()
        if village_id is not None:
            for r in self.store.register.pairing_rows(village_id):
                self.household.addItem(f"{r[1][-4:]} {r[2]}", r[0])
            for c in self.store.assistance.cadres(village_id):
                if c.is_current:
                    self.cadre.addItem(c.name, c.id)
        self._fill_choices()

    def _fill_choices(self) -> None:
        self.which.blockSignals(True)
        self.which.clear()
        source = self.household if self.by.currentData() == "household" else self.cadre
        for i in range(source.count()):
            self.which.addItem(source.itemText(i), source.itemData(i))
        self.which.blockSignals(False)
        self.show_visits()

    def show_visits(self) -> None:
        key = self.which.currentData()
        if key is None:
            fill(self.table, [])
            return
        assert self.village_id is not None  # there is a choice only when a village is shown
        by_household = self.by.currentData() == "household"
        visits = self.store.assistance.visits(**({"household_id": key} if by_household else {"cadre_id": key}))
        names = {c.id: c.name for c in self.store.assistance.cadres(self.village_id)}
        heads = {r[0]: (r[1], r[2]) for r in self.store.register.pairing_rows(self.village_id)}
        fill(
            self.table,
            [
                (
                    v.visit_date,
                    *heads.get(v.household_id, ("", "")),
                    names.get(v.cadre_id, ""),
                    v.found,
                    v.done,
                    v.next_step,
                )
                for v in visits
            ],
        )

    def _on_add(self) -> None:
        visit = Visit(
            household_id=self.household.currentData(),
            cadre_id=self.cadre.currentData(),
            visit_date=self.date.date().toString("yyyy-MM-dd"),
            found=self.found.text().strip(),
            done=self.done.text().strip(),
            next_step=self.next_step.text().strip(),
        )
        if visit.household_id is None or visit.cadre_id is None:
            self.error.set_error("请选择户和走访干部。")
            return
        try:
            changes = add_visit(self.store, visit)
        except CundangError as exc:  # before the pairing, not paired, no content
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        for edit in (self.found, self.done, self.next_step):
            edit.clear()
        self.events.emit_changes(changes, self)
