"""The household form: 基本信息, 家庭成员, 生产生活条件, 收入, 两不愁三保障, 变更记录."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import access, codes
from models.domain import Household
from models.errors import CundangError, Problem, ValidationFailed
from models.privacy import masked
from models.rules import register
from models.rules.ledgers import proposed_transfer_income
from models.services import households as svc
from models.storage import sql
from models.store import Store
from models.wording import describe, describe_problem
from printing.jobs import PrintJob
from ui.emit import emit
from ui.events import AppEvents, Changes
from ui.field_form import FieldForm
from ui.households.assistance_tab import AssistanceTab
from ui.households.event_dialogs import MemberChangeDialog, StatusDialog
from ui.households.history_tab import HistoryTab
from ui.households.members_model import MemberDelegate, MemberTableModel
from ui.households.yearly_tabs import AssuranceTab, IncomeTab
from ui.print_actions import save_pdf_now
from ui.widgets import ErrorLabel, FieldErrors, gate

BASIC_FIELDS = (
    "household_no",
    "group_id",
    "address",
    "phone",
    "bank_name",
    "bank_account",
    "standard",
    "identified_year",
    "attribute",
    "main_cause",
    "other_cause1",
    "other_cause2",
    "planned_exit_year",
    "military_family",
    "only_child",
    "two_daughters",
)
CONDITION_FIELDS = (
    "farmland_mu",
    "irrigated_mu",
    "forest_mu",
    "returned_forest_mu",
    "orchard_mu",
    "pasture_mu",
    "water_surface_mu",
    "power_production",
    "power_household",
    "water_difficulty",
    "water_safe",
    "broadcast_tv",
    "distance_km",
    "road_type",
    "house_area",
    "dangerous_house",
    "sanitary_toilet",
    "fuel",
    "cooperative",
    "resettlement",
    "resettlement_site",
    "moved_date",
    "house_area_per_person",
    "relocation_subsidy_fen",
)


class HouseholdForm(QDialog):
    """One household, new or saved. Saving validates everything and writes it in one transaction."""

    saved = Signal(int)

    def __init__(
        self,
        store: Store,
        events: AppEvents,
        *,
        village_id: int,
        household_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.events, self.village_id, self.household_id = store, events, village_id, household_id
        self.setObjectName("household-form")
        self.resize(1100, 720)
        self.summary = ErrorLabel()
        self.summary.setObjectName("form-summary")
        self.errors = FieldErrors(self.summary)
        self.group_combo = QComboBox()
        for g in store.villages.groups(village_id):
            self.group_combo.addItem(g.name, g.id)
        self.basic = FieldForm("households", BASIC_FIELDS, self.errors, widgets={"group_id": self.group_combo})
        self.conditions = FieldForm("households", CONDITION_FIELDS, self.errors)
        self.status_label = QLabel()
        self.status_label.setObjectName("status-label")
        # A new household is an applicant; entering one identified earlier (补录) is a choice.
        self.backfill = QCheckBox("补录以前已识别的户（按所填识别年度登记“识别”）")
        self.backfill.setObjectName("backfill")
        self.backfill_reason = QLineEdit()
        self.backfill_reason.setObjectName("backfill-reason")
        self.backfill_reason.setPlaceholderText("补录原因（必填），如：2016 年已识别，据纸质档案录入")
        self.backfill_reason.setEnabled(False)
        self.backfill.toggled.connect(self.backfill_reason.setEnabled)

        # 家庭成员
        self.members = MemberTableModel()
        self.member_view = QTableView()
        self.member_view.setObjectName("member-table")
        self.member_view.setModel(self.members)
        self.member_view.setItemDelegate(MemberDelegate(self.member_view))
        self.member_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.member_view.setTabKeyNavigation(True)
        self.member_view.horizontalHeader().setMinimumSectionSize(60)
        self.add_member_button = QPushButton("添加成员(&A)")
        self.remove_member_button = QPushButton("移除未保存的成员")
        self.head_button = QPushButton("设为户主(&H)")
        self.change_button = QPushButton("人员变更(&M)…")
        self.member_errors = ErrorLabel()
        member_page = QWidget()
        mlayout = QVBoxLayout(member_page)
        buttons = QHBoxLayout()
        for b in (self.add_member_button, self.remove_member_button, self.head_button, self.change_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        mlayout.addLayout(buttons)
        mlayout.addWidget(self.member_view)
        mlayout.addWidget(self.member_errors)

        self.income = IncomeTab(lambda: self.members.members, self._proposed_transfers)
        self.assurance = AssuranceTab(
            lambda: self.members.members,
            lambda year: self.store.households.member_facts(self.household_id, year) if self.household_id else {},
        )
        self.history = HistoryTab(store)
        self.assistance = AssistanceTab(store, events)

        basic_page = QWidget()
        blayout = QVBoxLayout(basic_page)
        blayout.addWidget(self.status_label)
        backfill_row = QHBoxLayout()
        backfill_row.addWidget(self.backfill)
        backfill_row.addWidget(self.backfill_reason, 1)
        blayout.addLayout(backfill_row)
        blayout.addWidget(self.errors.add(("status_events", "reason"), self.backfill_reason))
        blayout.addWidget(self.basic)
        self.tabs = QTabWidget()
        self.tabs.addTab(basic_page, "基本信息")
        self.tabs.addTab(member_page, "家庭成员")
        self.tabs.addTab(self.conditions, "生产生活条件")
        self.tabs.addTab(self.income, "收入")
        self.tabs.addTab(self.assurance, "两不愁三保障")
        self.tabs.addTab(self.assistance, "帮扶")
        self.tabs.addTab(self.history, "变更记录")

        self.status_buttons = {
            kind: QPushButton(codes.STATUS_EVENT.label(kind) + "…") for kind in codes.STATUS_EVENT.keys
        }
        self.print_file_button = QPushButton("打印户档案…")
        self.print_card_button = QPushButton("打印明白卡…")
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("关闭 (Esc)")
        bottom = QHBoxLayout()
        for b in self.status_buttons.values():
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(self.print_file_button)
        bottom.addWidget(self.print_card_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)

        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.print_file_button.clicked.connect(lambda: self.print_pdf("household"))
        self.print_card_button.clicked.connect(lambda: self.print_pdf("card"))
        self.cancel_button.clicked.connect(self.close)
        self.add_member_button.clicked.connect(self._on_add_member)
        self.remove_member_button.clicked.connect(self._on_remove_member)
        self.head_button.clicked.connect(self._on_make_head)
        self.change_button.clicked.connect(self._on_member_change)
        self.members.dataChanged.connect(lambda *_: self.income.refresh_totals())
        for kind, button in self.status_buttons.items():
            button.clicked.connect(lambda _=False, k=kind: self._on_status(k))
        self._gate()
        events.data_changed.connect(self._on_data_changed)
        self.load()

    def _gate(self) -> None:
        """What the operator's roles may not write is withheld (the services refuse the same): the
        household file a 录入's; 标注脱贫, 返贫 and 清退 a 审核's (识别 either's)."""
        tables = access.TABLE_ACTIONS
        gate(self.save_button, self.store, tables["households"])
        self.may_change = gate(self.change_button, self.store, tables["member_events"])
        self.may_members = gate(self.add_member_button, self.store, tables["members"])
        for b in (self.remove_member_button, self.head_button):
            gate(b, self.store, tables["members"])
        self.may_status = {
            kind: gate(button, self.store, access.row_actions("status_events", {"kind": kind}))
            for kind, button in self.status_buttons.items()
        }
        yearly = (
            (self.income.picker, (self.income.propose_button,), tables["incomes"]),
            (self.assurance.picker, (), tables["assurances"]),
        )
        for picker, more, actions in yearly:  # a year added or removed is written by 保存
            for b in (picker.add_button, picker.remove_button, *more):
                gate(b, self.store, actions)

    # --- Loading ----------------------------------------------------------------------

    def load(self) -> None:
        read_at = self.store.last_change()  # before reading: a save refuses what changed since
        if self.household_id is None:
            village = self.store.villages.get(self.village_id)
            assert village.id is not None  # read from the database
            household = Household(
                village_id=self.village_id,
                household_no=self.store.households.next_household_no(village.code, village.id),
                group_id=self.group_combo.itemData(0),
            )
            self.household = household
            self.basic.load(household)
            self.conditions.load(household)
            self.members.set_members([])
            self.members.add()
            self.income.load([])
            self.assurance.load([])
            self.history.load(None)
            self.assistance.load(None)
            self.setWindowTitle("新建贫困户")
        else:
            f = self.store.households.file(self.household_id)
            self.household = f.household
            self.basic.load(f.household)
            self.conditions.load(f.household)
            self.members.set_members(f.members)
            self.income.load(f.incomes)
            self.assurance.load(f.assurances)
            self.history.load(self.household_id)
            self.assistance.load(self.household_id)
            head = f.head.name if f.head else "（无户主）"
            self.setWindowTitle(f"贫困户 {f.household.household_no} {head}")
        self._refresh_state()
        self._mask_for_role()
        self.errors.clear()
        self.member_errors.set_error("")
        self.member_view.resizeColumnsToContents()
        self._initial = self._raw()
        self.read_at = read_at

    def _mask_for_role(self) -> None:
        """An operator who may not see full numbers (只读) sees ID, phone and bank numbers masked
        and cannot change them (the services refuse the same)."""
        if self.store.may("unmasked"):
            return
        for name in ("phone", "bank_account"):
            edit = self.basic.widgets.get(name)
            if isinstance(edit, QLineEdit):
                edit.setText(masked(name, edit.text()))
                edit.setReadOnly(True)
        self.members.masked = True

    def _refresh_state(self) -> None:
        saved = self.household_id is not None
        status = self.household.status
        text = f"脱贫状态：{codes.status_label(status)}"
        if self.household.exit_year:
            text += f"（{self.household.exit_year} 年脱贫）"
        self.status_label.setText(
            text
            if saved
            else "新建户：新申请户保存后在“帮扶”页按识别程序办理，识别年度留空；以前已识别的户请勾选“补录”。"
        )
        self.backfill.setVisible(not saved)
        self.backfill_reason.setVisible(not saved)
        for kind, button in self.status_buttons.items():
            button.setVisible(saved)
            button.setEnabled(saved and (status, kind) in register.TRANSITIONS and self.may_status[kind])
        self.change_button.setEnabled(saved and self.may_change)
        self.add_member_button.setEnabled(not saved and self.may_members)
        self.remove_member_button.setEnabled(not saved and self.may_members)
        if self.may_members:  # else the tooltip says who may
            tip = "已登记的户，增减成员请用“人员变更”，以便留下变更记录。" if saved else ""
            self.add_member_button.setToolTip(tip)
            self.remove_member_button.setToolTip(tip)

    def _raw(self) -> object:
        return (self.basic.raw(), self.conditions.raw(), self.members.raw(), self.income.raw(), self.assurance.raw())

    def is_dirty(self) -> bool:
        return self._raw() != self._initial

    def _proposed_transfers(self, year: int) -> dict[str, int]:
        if self.household_id is None:
            return {}
        return proposed_transfer_income(self.store.ledgers.household_benefits(self.household_id), year)

    # --- Saving -----------------------------------------------------------------------

    def save(self) -> bool:
        """Validate everything; show each problem beside its field, or save and say so."""
        self.member_view.setFocus()  # commits a cell still being edited
        problems: list[Problem] = []
        household = self.conditions.apply(self.basic.apply(self.household, problems), problems)
        incomes, income_problems = self.income.collect(self.household_id)
        problems += income_problems
        changes = None
        if not problems:
            try:
                changes = svc.save_household_file(
                    self.store,
                    household,
                    self.members.members,
                    incomes,
                    self.assurance.collect(self.household_id),
                    delete_incomes=sorted(self.income.deleted),
                    delete_assurances=sorted(self.assurance.deleted),
                    member_years=self.assurance.member_years.collect(),
                    backfill_reason=self.backfill_reason.text() if self.backfill.isChecked() else None,
                    read_at=self.read_at,
                )
            except ValidationFailed as exc:
                problems = exc.problems
            except (CundangError, sql.Error) as exc:  # refused by the database itself: nothing was written
                self.summary.set_error(f"未保存：{describe(exc)}")
                return False
        if problems or changes is None:
            self._show_problems(problems)
            return False
        self.household_id = changes.id
        self.load()
        self.summary.set_error("")
        if changes.warnings:  # saved; what the clerk should still look at
            self.summary.set_error("已保存。请核对：\n" + "\n".join(describe_problem(p) for p in changes.warnings))
        self.events.emit_changes(changes, self)
        assert changes.id is not None
        emit(self.saved, changes.id)
        return True

    def _on_data_changed(self, changes: Changes, initiator: object) -> None:
        """Pairings, plans, visits, benefits and procedure steps are edited elsewhere too: their
        tab and the history follow; what the clerk is typing here is left alone."""
        if initiator is self or self.household_id is None:
            return
        if changes.touches("pairings", "plans", "visits", "benefits", "procedure_steps", "cadres"):
            self.assistance.load(self.household_id)
        if changes.touches("households", "pairings", "plans", "visits", "benefits"):
            self.history.load(self.household_id)

    def _show_problems(self, problems: list[Problem]) -> None:
        first: dict[tuple[object, ...], Problem] = {}
        for p in problems:  # one message per field: the first, most specific one
            first.setdefault(p.where, p)
        problems = sorted(first.values(), key=lambda p: not p.is_error)  # go to what refuses the save first
        self.errors.show(problems)
        self.members.show_problems(problems)
        self.income.show_problems(problems)
        member_lines = [p for p in problems if p.where[0] == "members"]
        self.member_errors.set_error("\n".join(describe_problem(p) for p in member_lines))
        # Go to the first problem, so the clerk sees it.
        where = problems[0].where
        if where[0] == "members":
            self.tabs.setCurrentIndex(1)
        elif where[0] == "incomes":
            self.tabs.setCurrentIndex(3)
        else:
            field = self.errors.first_field(problems)
            if field is not None:
                self.tabs.setCurrentIndex(2 if field.window() and self.conditions.isAncestorOf(field) else 0)
                field.setFocus()

    def print_pdf(self, document: str, path: str | None = None) -> str:
        """户档案 or 明白卡 of this household, as saved."""
        if self.household_id is None:
            self.summary.set_error("请先保存，再打印。")
            return ""
        job = PrintJob(
            document=document, village_id=self.village_id, year=dt.date.today().year, household_ids=(self.household_id,)
        )
        name = f"{'户档案' if document == 'household' else '明白卡'}-{self.household.household_no}"
        message = save_pdf_now(self, self.store, job, name, path)
        self.status_label.setText(message or self.status_label.text())
        return message

    # --- Members and events -------------------------------------------------------------

    def _on_add_member(self) -> None:
        row = self.members.add()
        self.member_view.setCurrentIndex(self.members.index(row, 0))
        self.member_view.setFocus()

    def _on_remove_member(self) -> None:
        row = self.member_view.currentIndex().row()
        if row >= 0 and self.members.members[row].id is None:
            self.members.remove(row)

    def _on_make_head(self) -> None:
        row = self.member_view.currentIndex().row()
        if row >= 0:
            self.members.make_head(row)

    def _ask_save_first(self) -> bool:
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(self, "先保存", "有未保存的修改。要先保存再登记变更吗？")
        return answer == QMessageBox.StandardButton.Yes and self.save()

    def _run_event(self, dialog: MemberChangeDialog | StatusDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load()
            self.events.emit_changes(dialog.changes, self)

    def _on_member_change(self) -> None:
        if self.household_id is not None and self._ask_save_first():
            self._run_event(MemberChangeDialog(self.store, self.household_id, self))

    def _on_status(self, kind: str) -> None:
        if self.household_id is not None and self._ask_save_first():
            self._run_event(StatusDialog(self.store, self.household_id, kind, self))

    # --- Closing ------------------------------------------------------------------------

    def reject(self) -> None:  # Esc
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self,
                "未保存的修改",
                "有未保存的修改。要保存吗？",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        event.accept()
        self.done(QDialog.DialogCode.Accepted if self.household_id else QDialog.DialogCode.Rejected)
