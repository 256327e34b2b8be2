"""督查考核台账: inspections and the problems they found; rectification status from the dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import access, codes
from models.domain import Finding, Inspection
from models.errors import CundangError, ValidationFailed
from models.services.ledger_tables import INSPECTION_FIELDS, Ledger, ledger
from models.services.ledgers import save_inspection
from models.store import Store
from models.wording import describe, describe_problem
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, show, year_box
from ui.print_actions import print_ledger
from ui.tables import key_of, make_table
from ui.widgets import CodeCombo, ErrorLabel, gate


class InspectionsTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.table = make_table([f.header for f in INSPECTION_FIELDS], "inspection-table")
        self.summary = QLabel()
        # a new inspection with its first problem
        self.day = date_edit()
        self.kind = CodeCombo(codes.INSPECTION_KIND, optional=False)
        self.body = QLineEdit()
        self.body.setPlaceholderText("检查单位")
        self.problem = QLineEdit()
        self.problem.setPlaceholderText("发现的问题")
        self.measure = QLineEdit()
        self.measure.setPlaceholderText("整改措施")
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText("责任人")
        self.deadline = date_edit()
        self.deadline.setMaximumDate(self.deadline.date().addYears(3))
        self.add_button = QPushButton("登记检查和问题")
        self.more_button = QPushButton("为所选检查再添一个问题")
        self.complete_note = QLineEdit()
        self.complete_note.setPlaceholderText("完成情况（整改完成时填写）")
        self.complete_button = QPushButton("所选问题已整改")
        self.print_button = QPushButton("打印 PDF…")
        self.export_button = QPushButton("导出所列到 Excel…")
        self.error = ErrorLabel()
        self.notice = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        entry = QHBoxLayout()
        for w in (
            self.day,
            self.kind,
            self.body,
            self.problem,
            self.measure,
            self.responsible,
            QLabel("期限"),
            self.deadline,
            self.add_button,
            self.more_button,
        ):
            entry.addWidget(w)
        done = QHBoxLayout()
        done.addWidget(self.complete_note, 1)
        done.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        layout.addLayout(done)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.add_button.clicked.connect(self._on_add)
        self.more_button.clicked.connect(lambda: self._on_add(to_selected=True))
        self.complete_button.clicked.connect(self._on_complete)
        for button in (self.add_button, self.more_button, self.complete_button):  # an inspection and its problems
            gate(button, store, access.TABLE_ACTIONS["inspections"])
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(lambda: self.notice.setText(self.export()))

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "inspections", period(self.year).year, path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def book(self) -> Ledger | None:
        if self.village_id is None:
            return None
        return ledger(self.store, self.village_id, "inspections", period(self.year))

    def export(self, path: str | None = None) -> str:
        book = self.book()
        return export(self, book, path) if book else ""

    def refresh(self) -> None:
        book = self.book()
        if book is None:
            return
        show(self.table, book.tables[0])
        self.summary.setText("".join(book.summary))
        self.summary.setStyleSheet("color: #c0392b;" if any(book.tables[0].warn) else "")

    def _selected_inspection(self) -> tuple[Inspection, list[Finding]] | None:
        row = self.table.currentRow()
        if row < 0:
            return None
        key = key_of(self.table, row)
        assert isinstance(key, tuple) and self.village_id is not None  # rows are (inspection, problem) ids of a village
        inspection_id, _ = key
        inspection = next(
            i
            for i in self.store.ledgers.inspections(self.village_id, "0000-01-01", "9999-12-31")
            if i.id == inspection_id
        )
        return inspection, self.store.ledgers.findings(inspection_id)

    def _on_add(self, to_selected: bool = False) -> None:
        finding = Finding(
            description=self.problem.text().strip(),
            measure=self.measure.text().strip(),
            responsible=self.responsible.text().strip(),
            deadline=self.deadline.date().toString("yyyy-MM-dd"),
        )
        if to_selected:
            chosen = self._selected_inspection()
            if chosen is None:
                self.error.set_error("请先选中一项检查。")
                return
            inspection, findings = chosen
        else:
            inspection = Inspection(
                village_id=self.village_id,
                inspect_date=self.day.date().toString("yyyy-MM-dd"),
                kind=self.kind.key(),
                body=self.body.text().strip(),
            )
            findings = []
        try:
            changes = save_inspection(self.store, inspection, [*findings, finding])
        except ValidationFailed as exc:
            self.error.set_error("未登记：" + "；".join(describe_problem(p) for p in exc.problems))
            return
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        for edit in (self.problem, self.measure):
            edit.clear()
        self.events.emit_changes(changes, self)

    def _on_complete(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.error.set_error("请先选中一个问题。")
            return
        key = key_of(self.table, row)
        assert isinstance(key, tuple)  # (inspection id, problem id)
        _, finding_id = key
        chosen = self._selected_inspection()
        assert chosen is not None  # a row is selected
        inspection, findings = chosen
        for f in findings:
            if f.id == finding_id:
                if f.completed_date:
                    self.error.set_error(f"这个问题已于 {f.completed_date} 整改完成，不再改动。")
                    return
                f.completed_date = dt.date.today().isoformat()
                f.completion_note = self.complete_note.text().strip()
        try:
            changes = save_inspection(self.store, inspection, findings)
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.error.set_error("")
        self.complete_note.clear()
        self.events.emit_changes(changes, self)
