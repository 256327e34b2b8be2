"""驻村帮扶台账: the team's days in the village by month (who fell short), the work log, visits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from models.domain import WorkLog
from models.errors import CundangError
from models.ledgers import attendance_by_month, month_days, shortfall
from models.services.ledgers import add_work_log, record_attendance
from models.store import Store
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export
from ui.messages import describe
from ui.print_actions import print_ledger
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel

HEADERS = ("驻村工作队员", "本月在村天数", "要求不少于", "差额")


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
        self.table = make_table(HEADERS, "attendance-table")
        self.cadre = QComboBox()
        self.day = date_edit()
        self.attend_button = QPushButton("登记在村")
        self.log_text = QLineEdit()
        self.log_text.setPlaceholderText("工作日志内容")
        self.log_button = QPushButton("记工作日志")
        self.logs = make_table(("日期", "记录人", "内容"), "work-log-table")
        self.visits = make_table(
            ("走访日期", "户编号", "户主", "走访干部", "发现的情况", "做了什么", "下一步"), "ledger-visits"
        )
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
        for w in (self.cadre, self.day, self.attend_button, self.log_text, self.log_button):
            entry.addWidget(w)
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
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(
            lambda: self.notice.setText(
                export(self, f"驻村考勤{self.year.value()}年{self.month.value()}月", HEADERS, self.rows())
            )
        )

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

    def rows(self) -> list[tuple]:
        if self.village_id is None:
            return []
        year, month = self.year.value(), self.month.value()
        start, end = f"{year}-{month:02d}-01", f"{year}-{month:02d}-{month_days(year, month):02d}"
        counts = attendance_by_month(self.store.ledgers.attendance(self.village_id, start, end), year, month)
        minimum = self.store.config().min_attendance_days
        # the team of that month: members who had not left before it began
        team = [
            c
            for c in self.store.assistance.cadres(self.village_id)
            if c.on_team and (c.left_date is None or c.left_date >= start)
        ]
        short = shortfall(counts, [c.id for c in team], minimum)
        return [(c.name, counts.get(c.id, 0), minimum, short.get(c.id, 0)) for c in team]

    def refresh(self) -> None:
        rows = self.rows()
        fill(self.table, rows, warn=[r[3] > 0 for r in rows])
        if self.village_id is None:
            return
        year, month = self.year.value(), self.month.value()
        start, end = f"{year}-{month:02d}-01", f"{year}-{month:02d}-{month_days(year, month):02d}"
        names = {c.id: c.name for c in self.store.assistance.cadres(self.village_id)}
        logs = self.store.ledgers.work_logs(self.village_id, start, end)
        fill(self.logs, [(w.log_date, names.get(w.cadre_id, ""), w.content) for w in logs])
        fill(
            self.visits,
            [(d, no[-4:], *rest) for d, no, *rest in self.store.ledgers.visits(self.village_id, start, end)],
        )

    def _on_attend(self) -> None:
        try:
            record_attendance(self.store, self.cadre.currentData(), self.day.date().toString("yyyy-MM-dd"))
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        self.refresh()

    def _on_log(self) -> None:
        try:
            add_work_log(
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
        self.refresh()
