"""驻村帮扶台账: the team's days in the village by month (who fell short), the work log, visits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from models import access
from models.domain import WorkLog
from models.errors import CundangError
from models.services.ledger_tables import ATTENDANCE_FIELDS, TEAM_VISIT_FIELDS, WORK_LOG_FIELDS, Ledger, Period, ledger
from models.services.ledgers import add_work_log, record_attendance
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, show
from ui.print_actions import print_ledger
from ui.tables import make_table
from ui.widgets import ErrorLabel, gate


class TeamLedgerTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setRange(2014, today.year)
        self.year.setValue(today.year)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setValue(today.month)
        self.month.setSuffix(" 月")
        self.table = make_table([f.header for f in ATTENDANCE_FIELDS], "attendance-table")
        self.cadre = QComboBox()
        self.day = date_edit()
        self.attend_button = QPushButton("登记在村")
        self.log_text = QLineEdit()
        self.log_text.setPlaceholderText("工作日志内容")
        self.log_button = QPushButton("记工作日志")
        self.logs = make_table([f.header for f in WORK_LOG_FIELDS], "work-log-table")
        self.visits = make_table([f.header for f in TEAM_VISIT_FIELDS], "ledger-visits")
        self.print_button = QPushButton("打印 PDF…")
        self.export_button = QPushButton("导出本月考勤…")
        self.error = ErrorLabel()
        self.notice = QLabel()
        top = QHBoxLayout()
        for w in (QLabel("年月"), self.year, self.month):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        entry = QHBoxLayout()
        for widget in (self.cadre, self.day, self.attend_button, self.log_text, self.log_button):
            entry.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 2)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("工作日志"))
        layout.addWidget(self.logs, 2)
        layout.addWidget(QLabel("本月走访记录（来自“帮扶 → 走访记录”）"))
        layout.addWidget(self.visits, 2)
        layout.addWidget(self.notice)
        for box in (self.year, self.month):
            box.valueChanged.connect(lambda _: self.refresh())
        self.attend_button.clicked.connect(self._on_attend)
        self.log_button.clicked.connect(self._on_log)
        gate(self.attend_button, store, access.TABLE_ACTIONS["attendance"])
        gate(self.log_button, store, access.TABLE_ACTIONS["work_logs"])
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(lambda: self.notice.setText(self.export()))

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "team", self.year.value(), path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.cadre.clear()
        if village_id is not None:
            for c in self.store.assistance.cadres(village_id):
                if c.on_team and c.is_current:
                    self.cadre.addItem(c.name, c.id)
        self.refresh()

    def book(self) -> Ledger | None:
        """The month shown: attendance against the minimum, the work log and the visits."""
        if self.village_id is None:
            return None
        return ledger(self.store, self.village_id, "team", Period(self.year.value(), self.month.value()))

    def export(self, path: str | None = None) -> str:
        book = self.book()
        return export(self, book, path) if book else ""

    def refresh(self) -> None:
        book = self.book()
        if book is None:
            return
        attendance, logs, visits = book.tables
        show(self.table, attendance)
        show(self.logs, logs)
        show(self.visits, visits)

    def _on_attend(self) -> None:
        try:
            changes = record_attendance(self.store, self.cadre.currentData(), self.day.date().toString("yyyy-MM-dd"))
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        self.events.emit_changes(changes, self)

    def _on_log(self) -> None:
        try:
            changes = add_work_log(
                self.store,
                WorkLog(
                    village_id=self.village_id,
                    cadre_id=self.cadre.currentData(),
                    log_date=self.day.date().toString("yyyy-MM-dd"),
                    content=self.log_text.text(),
                ),
            )
        except CundangError as exc:
            self.error.set_error(f"未记录：{describe(exc)}")
            return
        self.error.set_error("")
        self.log_text.clear()
        self.events.emit_changes(changes, self)
