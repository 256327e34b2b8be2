"""The 一户一策 section: a household's plan for a year, its measures, suggestions and last year's copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import access, codes, fields
from models.domain import Measure, Plan
from models.errors import CundangError, Problem, ValidationFailed
from models.fields import views
from models.money import format_fen, parse_yuan
from models.rules.assistance import is_overdue, suggest_measures
from models.services.assistance import copy_plan, save_plan
from models.store import Store
from models.wording import describe, describe_problem
from ui.events import AppEvents, Changes
from ui.lazy import LazyVillage
from ui.tables import WARN, fill, key_of, make_table
from ui.widgets import CodeCombo, ErrorLabel, gate

COLUMNS = (
    "category",
    "content",
    "member_id",
    "responsible",
    "funds_fen",
    "funds_source",
    "deadline",
    "status",
    "result",
)
COMBOS = {"category": codes.MEASURE_CATEGORY, "funds_source": codes.FUND_SOURCE, "status": codes.MEASURE_STATUS}


class PlanScreen(LazyVillage, QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.household = QComboBox()
        self.household.setObjectName("plan-household")
        self.household.setEditable(True)
        self.household.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.household.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.household.setMinimumContentsLength(22)
        self.year = QSpinBox()
        self.year.setRange(2014, dt.date.today().year + 1)
        self.year.setValue(dt.date.today().year)
        self.target_exit = QLineEdit()
        self.target_income = QLineEdit()
        self.target_income.setPlaceholderText("元/人")
        self.note = QLineEdit()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("measure-table")
        self.table.setHorizontalHeaderLabels([fields.record("measures").header(c) for c in COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.suggest_button = QPushButton("按致贫原因建议措施")
        self.copy_button = QPushButton("复制上年计划")
        self.add_button = QPushButton("添加措施")
        self.remove_button = QPushButton("删除措施")
        self.save_button = QPushButton("保存计划")
        self.state = QLabel()
        self.error = ErrorLabel()
        self.overview = make_table(
            (fields.record("households").header("household_no"), views.HEAD.header, *views.PLAN_OVERVIEW.headers()),
            "plan-overview",
        )
        self.overview.setMaximumWidth(480)
        self.loaded: object = None  # what was on screen after loading, to tell unsaved edits
        top = QHBoxLayout()
        top.addWidget(QLabel("户"))
        top.addWidget(self.household, 2)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addStretch(1)
        goal = QFormLayout()
        plan = fields.record("plans")
        goal.addRow(plan.header("target_exit_year"), self.target_exit)
        goal.addRow(plan.header("target_income_fen"), self.target_income)
        goal.addRow(plan.header("note"), self.note)
        buttons = QHBoxLayout()
        for b in (self.suggest_button, self.copy_button, self.add_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        editor = QVBoxLayout()
        editor.addLayout(top)
        editor.addLayout(goal)
        editor.addWidget(self.state)
        editor.addWidget(self.table, 1)
        editor.addWidget(self.error)
        editor.addLayout(buttons)
        side = QVBoxLayout()
        side.addWidget(QLabel("本村本年度计划一览（红色：无计划或有逾期）"))
        side.addWidget(self.overview)
        layout = QHBoxLayout(self)
        layout.addLayout(side)
        layout.addLayout(editor, 1)
        self.household.currentIndexChanged.connect(lambda _: self._on_switch())
        self.year.valueChanged.connect(lambda _: self._on_switch())
        self.overview.cellClicked.connect(
            lambda row, _: self.household.setCurrentIndex(self.household.findData(key_of(self.overview, row)))
        )
        self.suggest_button.clicked.connect(self._on_suggest)
        self.copy_button.clicked.connect(self._on_copy)
        self.add_button.clicked.connect(lambda: self._add_row(Measure(category="other")))
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.save_button.clicked.connect(self.save)
        for b in (self.suggest_button, self.copy_button, self.add_button, self.remove_button, self.save_button):
            gate(b, store, access.TABLE_ACTIONS["plans"])  # each makes or changes a plan and its measures
        events.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        """Households, members and cadres are chosen here; plans are made elsewhere too (copy)."""
        if initiator is not self and changes.touches("plans", "households", "cadres", "village"):
            if not self.is_dirty():
                self.set_village(self.village_id)

    def load_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.household.blockSignals(True)
        self.household.clear()
        if village_id is not None:
            for r in self.store.register.pairing_rows(village_id):
                self.household.addItem(f"{r[1]} {r[2]}", r[0])
        self.household.blockSignals(False)
        self.load()

    def refresh_overview(self) -> None:
        """Every registered household: its plan for the year, measures done and overdue."""
        if self.village_id is None:
            fill(self.overview, [])
            return
        plans = {
            r[0]: r[1:]
            for r in self.store.assistance.plan_overview(
                self.village_id, self.year.value(), dt.date.today().isoformat()
            )
        }
        rows, keys, warn = [], [], []
        for hid, number, head, status, *_ in self.store.register.pairing_rows(self.village_id):
            count, done, overdue = plans.get(hid, (None, 0, 0))
            rows.append(
                (
                    number[-4:],
                    head,
                    codes.status_label(status),
                    "无计划" if count is None else count,
                    done or 0,
                    overdue or 0,
                )
            )
            keys.append(hid)
            warn.append((count is None and status in ("not_exited", "returned")) or bool(overdue))
        fill(self.overview, rows, keys=keys, warn=warn)

    def _snapshot(self) -> object:
        return (self.target_exit.text(), self.target_income.text(), self.note.text(), self.collect())

    def is_dirty(self) -> bool:
        return self.loaded is not None and self._snapshot() != self.loaded

    def _on_switch(self) -> None:
        """Another household or year: offer to save what was typed for the one shown before."""
        if self.is_dirty():
            answer = QMessageBox.question(
                self,
                "一户一策",
                "当前计划有未保存的修改，要先保存吗？",
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Save and not self.save(reload=False):
                return  # the problems stay on screen with what was typed
        self.load()

    def show_household(self, household_id: int, year: int) -> None:
        self._apply_pending()
        self.year.blockSignals(True)
        self.year.setValue(year)
        self.year.blockSignals(False)
        self.household.setCurrentIndex(self.household.findData(household_id))
        self.load()

    # --- Loading ------------------------------------------------------------------

    def _members(self) -> list:
        """Everyone of the household, those who left too: a measure may have been for them."""
        hid = self.household.currentData()
        return self.store.households.members(hid) if hid else []

    def load(self) -> None:
        self.read_at = self.store.last_change()  # a save refuses what changed after this
        self.error.set_error("")
        self.table.setRowCount(0)
        self.loaded = None
        self.refresh_overview()
        hid = self.household.currentData()
        if hid is None:
            return
        plan = self.store.assistance.plan(hid, self.year.value())
        self.plan = plan or Plan(household_id=hid, year=self.year.value())
        self.target_exit.setText(str(self.plan.target_exit_year or ""))
        self.target_income.setText(format_fen(self.plan.target_income_fen))
        self.note.setText(self.plan.note)
        if plan:
            assert plan.id is not None  # read from the database
            for m in self.store.assistance.measures(plan.id):
                self._add_row(m)
        self._refresh_state()
        self.loaded = self._snapshot()

    def _add_row(self, m: Measure) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, name in enumerate(COLUMNS):
            if name in COMBOS:
                combo = CodeCombo(COMBOS[name], optional=name == "funds_source")
                combo.set_key(getattr(m, name))
                self.table.setCellWidget(row, col, combo)
            elif name == "member_id":
                member_combo = QComboBox()
                member_combo.addItem("全户", None)
                for person in self._members():
                    member_combo.addItem(person.name if person.is_current else f"{person.name}（已减少）", person.id)
                member_combo.setCurrentIndex(max(member_combo.findData(m.member_id), 0))
                self.table.setCellWidget(row, col, member_combo)
            else:
                value = format_fen(m.funds_fen) if name == "funds_fen" else (getattr(m, name) or "")
                self.table.setItem(row, col, QTableWidgetItem(str(value)))
        content = self.table.item(row, COLUMNS.index("content"))
        assert content is not None  # set just above: content is a text column
        content.setData(Qt.ItemDataRole.UserRole, m.id)
        self.table.resizeColumnsToContents()

    def _refresh_state(self) -> None:
        today = dt.date.today()
        overdue = 0
        measures, _ = self.collect()
        for row, m in enumerate(measures):
            late = is_overdue(m, today)
            overdue += late
            for col in range(self.table.columnCount()):
                item = self.table.item(row, col)
                if item is not None:
                    item.setBackground(WARN if late else self.table.palette().base())
        self.state.setText(f"共 {len(measures)} 条措施" + (f"，逾期未完成 {overdue} 条（红色）" if overdue else ""))
        self.state.setStyleSheet("color: #c0392b;" if overdue else "")

    # --- Reading back and saving ---------------------------------------------------------

    def collect(self) -> tuple[list[Measure], list[Problem]]:
        measures, problems = [], []
        for row in range(self.table.rowCount()):
            values: dict[str, Any] = {}
            for col, name in enumerate(COLUMNS):
                widget = self.table.cellWidget(row, col)
                if isinstance(widget, CodeCombo):
                    values[name] = widget.key()
                elif isinstance(widget, QComboBox):
                    values[name] = widget.currentData()
                else:
                    item = self.table.item(row, col)
                    text = item.text().strip() if item else ""
                    if name == "funds_fen":
                        try:
                            values[name] = parse_yuan(text, allow_negative=True)
                        except CundangError as exc:
                            problems.append(Problem(("measures", row, name), exc))
                            values[name] = 0
                    else:
                        values[name] = text or (None if name == "deadline" else "")
            item = self.table.item(row, COLUMNS.index("content"))
            measures.append(Measure(id=item.data(Qt.ItemDataRole.UserRole) if item else None, **values))
        return measures, problems

    def save(self, *, reload: bool = True) -> bool:
        if self.loaded is None:
            self.error.set_error("请先选择户。")
            return False
        measures, problems = self.collect()
        try:
            target_income = parse_yuan(self.target_income.text()) if self.target_income.text().strip() else None
        except CundangError as exc:
            problems.append(Problem(("plan", "target_income_fen"), exc))
            target_income = None
        target_exit = self.target_exit.text().strip()
        plan = Plan(
            id=self.plan.id,
            uuid=self.plan.uuid,
            household_id=self.plan.household_id,
            year=self.plan.year,
            # Text that is not a year goes on as typed: the rules word the problem at the field.
            target_exit_year=int(target_exit) if target_exit.isdigit() else (target_exit or None),  # type: ignore[arg-type]
            target_income_fen=target_income,
            note=self.note.text().strip(),
        )
        try:
            if problems:
                raise ValidationFailed(problems)
            changes = save_plan(self.store, plan, measures, read_at=self.read_at)
        except ValidationFailed as exc:
            self.error.set_error("未保存：\n" + "\n".join(describe_problem(p) for p in exc.problems))
            return False
        except CundangError as exc:
            self.error.set_error(f"未保存：{describe(exc)}")
            return False
        self.events.emit_changes(changes, self)
        if reload:
            self.load()
            self.state.setText(self.state.text() + "　已保存。")
        return True

    def _on_suggest(self) -> None:
        hid = self.household.currentData()
        if hid is None:
            return
        household = self.store.households.get(hid)
        have = {m.category for m in self.collect()[0]}
        for m in suggest_measures(household, self.store.households.members(hid), dt.date.today()):
            if m.member_id is not None or m.category not in have:
                self._add_row(m)
        self._refresh_state()

    def _on_copy(self) -> None:
        hid = self.household.currentData()
        if hid is None:
            return
        if self.table.rowCount() and self.is_dirty():
            self.error.set_error("当前计划有未保存的修改，请先保存或清空后再复制。")
            return
        try:
            changes = copy_plan(self.store, hid, self.year.value() - 1, self.year.value())
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.events.emit_changes(changes, self)
        self.load()
