"""The exit check screen (统计 section): every household against each criterion, the village summary,
a filter to failures and an export of what is shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import access, codes
from models.errors import CundangError
from models.exchange.xlsx import write_table
from models.fields import views
from models.rules.exit_check import FAILED, MET, MISSING, HouseholdCheck, required_criteria
from models.services.assistance import run_exit_check, village_exit_summary
from models.store import Store
from models.wording import criterion_label, describe, describe_result, exit_verdict
from ui.events import AppEvents, Changes
from ui.settings_dialogs import ConfigDialog, PovertyLineDialog
from ui.tables import fill, make_table
from ui.widgets import ERROR_STYLE, ErrorLabel, gate

MARKS = {MET: "✓", FAILED: "✗", MISSING: "？"}  # 达标, 未达标, 未填写 (the summary says so)
LEGEND = "　".join(f"{mark} {codes.EXIT_OUTCOME.label(k)}" for k, mark in MARKS.items())


class ExitCheckScreen(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.checks: list[HouseholdCheck] = []
        self.overrides: dict[int, str] = {}  # household -> its 例外 (exit marked over a failed check)
        self.year = QSpinBox()
        self.year.setRange(2014, dt.date.today().year)
        self.year.setValue(dt.date.today().year - 1)
        self.run_button = QPushButton("核查")
        self.only_failed = QCheckBox("只看未达标")
        self.export_button = QPushButton("导出所列到 Excel…")
        self.lines_button = QPushButton("扶贫标准…")
        self.config_button = QPushButton("核查设置…")
        self.criteria = required_criteria(store.config())  # the columns: what decides exit here
        self.table = make_table(self.headers, "exit-check-table")
        self.summary = QLabel()
        self.summary.setObjectName("exit-summary")
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addWidget(self.run_button)
        top.addWidget(self.only_failed)
        top.addStretch(1)
        for b in (self.lines_button, self.config_button, self.export_button):
            top.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.run_button.clicked.connect(self.run)
        self.only_failed.toggled.connect(lambda _: self.show_rows())
        self.export_button.clicked.connect(self._on_export)
        self.lines_button.clicked.connect(self._on_lines)
        self.config_button.clicked.connect(self._on_config)
        gate(self.lines_button, store, access.TABLE_ACTIONS["poverty_lines"])  # as save_poverty_line requires
        gate(self.config_button, store, "settings")  # as save_config requires
        events.data_changed.connect(self._on_data_changed)

    @property
    def headers(self) -> tuple[str, ...]:
        return (
            *views.EXIT_CHECK.headers("household_no", "head", "status"),
            *(codes.EXIT_CRITERION.label(k) for k in self.criteria),
            views.EXIT_CHECK.header("verdict"),
        )

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        """A check on screen is run again when what it read changed (members, incomes, 两不愁三保障,
        status changes, poverty lines, settings)."""
        if initiator is not self and self.checks and changes.touches("households", "settings", "village"):
            self.run()

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.checks = []
        self.show_rows()
        self.summary.setText("选择年度后点“核查”。")

    def run(self) -> None:
        if self.village_id is None:
            return
        try:
            self.checks = run_exit_check(self.store, self.year.value(), village_id=self.village_id)
        except CundangError as exc:  # a missing poverty line, most likely
            self.checks = []
            self.error.set_error(describe(exc))
            self.show_rows()
            return
        self.error.set_error("")
        self.criteria = required_criteria(self.store.config())
        self.table.setColumnCount(len(self.headers))
        self.table.setHorizontalHeaderLabels(list(self.headers))
        self.overrides = {
            hid: f"{views.OVERRIDES.noun}标注：{reason}（{actor or '未记录'}，{day}）"
            for hid, _, _, _, day, reason, actor in self.store.households.exit_overrides(
                self.village_id, self.year.value()
            )
        }
        s = village_exit_summary(self.store, self.village_id, self.year.value())
        passed = sum(c.passed for c in self.checks)
        parts = []
        for r in s.results:
            reason = describe_result(r)
            verdict = codes.EXIT_OUTCOME.label(r.outcome)
            parts.append(f"{criterion_label(r.criterion)}：{verdict}" + ("" if reason == verdict else f"（{reason}）"))
        unfilled = sum(1 for c in self.checks if not c.passed and not c.failed)
        self.summary.setText(
            f"{self.year.value()} 年：共 {len(self.checks)} 户，达标 {passed} 户，"
            f"未达标 {len(self.checks) - passed - unfilled} 户，有未填写项目 {unfilled} 户"
            + (f"；{views.OVERRIDES.noun}标注 {len(self.overrides)} 户" if self.overrides else "")
            + f"。（{LEGEND}）"
            f"\n村级退出{'达标' if s.passed else '未达标'}：" + "；".join(parts)
        )
        self.summary.setStyleSheet("" if s.passed else ERROR_STYLE)
        self.show_rows()

    def shown(self) -> list[HouseholdCheck]:
        return [c for c in self.checks if not (self.only_failed.isChecked() and c.passed)]

    def rows(self) -> tuple[list[tuple], list[list[str]]]:
        rows, tips = [], []
        for c in self.shown():
            results = {r.criterion: r for r in c.results}
            shown = [results[k] for k in self.criteria]
            marks = [MARKS[r.outcome] for r in shown]
            verdict = exit_verdict(c) + (f"；{self.overrides[c.id]}" if c.id in self.overrides else "")
            rows.append((c.household_no, c.head, codes.status_label(c.status), *marks, verdict))
            tips.append(["", "", "", *(describe_result(r) for r in shown), ""])
        return rows, tips

    def show_rows(self) -> None:
        rows, tips = self.rows()
        fill(self.table, rows, warn=[not c.passed or c.id in self.overrides for c in self.shown()], tips=tips)

    def _on_export(self) -> None:
        if not self.checks:
            self.error.set_error("请先核查。")
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "导出退出核查", f"{self.year.value()}年退出核查.xlsx", "Excel 工作簿 (*.xlsx)"
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> int | None:
        """Each criterion as ✓/✗ with its reason, as shown (filtered or not)."""
        rows, tips = self.rows()
        out = [
            (*row[:3], *(f"{mark} {tip}" for mark, tip in zip(row[3:-1], tip_row[3:-1])), row[-1])
            for row, tip_row in zip(rows, tips)
        ]
        try:
            return write_table(path if path.endswith(".xlsx") else path + ".xlsx", "退出核查", self.headers, out)
        except (CundangError, OSError) as exc:  # an unwritable path
            self.error.set_error(f"导出失败：{describe(exc)}")
            return None

    def _on_lines(self) -> None:
        province = self.store.villages.get(self.village_id).province if self.village_id else ""
        dialog = PovertyLineDialog(self.store, province, self)
        dialog.exec()
        self.events.emit_changes(dialog.changes, self)
        if self.checks or self.error.text():
            self.run()  # the lines may have changed what passes

    def _on_config(self) -> None:
        dialog = ConfigDialog(self.store, self)
        if dialog.exec():
            self.events.emit_changes(dialog.changes, self)
            self.run()
