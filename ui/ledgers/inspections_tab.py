"""督查考核台账: inspections and the problems they found; rectification status from the dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models import codes
from models.domain import Finding, Inspection
from models.errors import CundangError, ValidationFailed
from models.ledgers import finding_status
from models.services.ledgers import save_inspection
from models.store import Store
from ui.events import AppEvents, Changes
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, year_box
from ui.messages import describe, describe_problem
from ui.print_actions import print_ledger
from ui.tables import fill, key_of, make_table
from ui.widgets import CodeCombo, ErrorLabel

HEADERS = ("检查日期", "类型", "检查单位", "发现的问题", "整改措施", "责任人", "整改期限", "状态", "完成情况")


class InspectionsTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.table = make_table(HEADERS, "inspection-table")
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
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(
            lambda: self.notice.setText(export(self, "督查考核台账", HEADERS, self._rows()[0]))
        )

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "inspections", period(self.year)[2], path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def _rows(self) -> tuple[list[tuple], list[tuple[int, int]], list[bool]]:
        if self.village_id is None:
            return [], [], []
        start, end, _ = period(self.year)
        today = dt.date.today()
        rows, keys, overdue = [], [], []
        for i in self.store.ledgers.inspections(self.village_id, start, end):
            for f in self.store.ledgers.findings(i.id):
                status = finding_status(f, today)
                rows.append(
                    (
                        i.inspect_date,
                        codes.INSPECTION_KIND.label(i.kind),
                        i.body,
                        f.description,
                        f.measure,
                        f.responsible,
                        f.deadline,
                        codes.PROBLEM_STATUS.label(status),
                        f"{f.completed_date or ''} {f.completion_note}".strip(),
                    )
                )
                keys.append((i.id, f.id))
                overdue.append(status == "overdue")
        return rows, keys, overdue

    def refresh(self) -> None:
        rows, keys, overdue = self._rows()
        fill(self.table, rows, keys=keys, warn=overdue)
        self.summary.setText(f"共 {len(rows)} 个问题，逾期未整改 {sum(overdue)} 个（红色）。")
        self.summary.setStyleSheet("color: #c0392b;" if any(overdue) else "")

    def _selected_inspection(self) -> tuple[Inspection, list[Finding]] | None:
        row = self.table.currentRow()
        if row < 0:
            return None
        inspection_id, _ = key_of(self.table, row)
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
            save_inspection(self.store, inspection, [*findings, finding])
        except ValidationFailed as exc:
            self.error.set_error("未登记：" + "；".join(describe_problem(p) for p in exc.problems))
            return
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        for edit in (self.problem, self.measure):
            edit.clear()
        self.refresh()
        self.events.emit_changes(Changes(ledgers=True), self)

    def _on_complete(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.error.set_error("请先选中一个问题。")
            return
        _, finding_id = key_of(self.table, row)
        inspection, findings = self._selected_inspection()
        for f in findings:
            if f.id == finding_id:
                if f.completed_date:
                    self.error.set_error(f"这个问题已于 {f.completed_date} 整改完成，不再改动。")
                    return
                f.completed_date = dt.date.today().isoformat()
                f.completion_note = self.complete_note.text().strip()
        try:
            save_inspection(self.store, inspection, findings)
        except (ValidationFailed, CundangError) as exc:
            self.error.set_error(describe(exc))
            return
        self.error.set_error("")
        self.complete_note.clear()
        self.refresh()
        self.events.emit_changes(Changes(ledgers=True), self)
