"""扶贫项目资金台账: projects with funds by source, payments, beneficiaries, totals and warnings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import access, codes, fields
from models.changes import Changes
from models.domain import Disbursement, Project
from models.errors import CundangError, ValidationFailed
from models.money import parse_yuan
from models.rules.values import to_text
from models.services.ledger_tables import PROJECT_FIELDS as PROJECT_LEDGER_FIELDS
from models.services.ledger_tables import Ledger, ledger
from models.services.ledgers import add_disbursement, save_project
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.field_form import FieldForm
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, show, year_box
from ui.print_actions import print_ledger
from ui.tables import fill, key_of, make_table
from ui.widgets import ErrorLabel, FieldErrors, gate

PROJECT_FIELDS = (
    "name",
    "category",
    "year",
    "place",
    "content",
    "subsidy_standard",
    *codes.PROJECT_FUND_COLUMNS.values(),
    "unit",
    "responsible",
    "start_date",
    "finish_date",
    "progress",
    "status",
    "goal",
    "mechanism",
)
_D = fields.record("disbursements")
PAYMENT_FIELDS = ("pay_date", "amount_fen", "payee", "voucher", "purpose")


class ProjectDialog(QDialog):
    """A project's facts and its beneficiary households, picked from the register."""

    def __init__(self, store: Store, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_at = store.last_change()  # a save refuses what changed after this
        self.store, self.project = store, project
        self.setWindowTitle("扶贫项目")
        self.summary = ErrorLabel()
        self.errors = FieldErrors(self.summary)
        self.changes = Changes()
        self.form = FieldForm("projects", PROJECT_FIELDS, self.errors)
        self.form.load(project)
        self.households = QListWidget()
        self.households.setObjectName("beneficiaries")
        chosen = set(store.ledgers.beneficiaries(project.id)) if project.id else set()
        assert project.village_id is not None  # the tab opens a project only for its village
        rows = [r for r in store.register.pairing_rows(project.village_id) if r[3]]  # identified households
        listed = {r[0] for r in rows}
        labels = store.register.household_labels(project.village_id)
        # beneficiaries recorded earlier stay listed even if the household was removed since
        rows += [(hid, *labels[hid], "removed") for hid in sorted(chosen - listed) if hid in labels]
        for hid, number, head, status, *_ in rows:
            item = QListWidgetItem(f"{number[-4:]} {head}（{codes.status_label(status)}）")
            item.setData(Qt.ItemDataRole.UserRole, hid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if hid in chosen else Qt.CheckState.Unchecked)
            self.households.addItem(item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None  # asked for just above
        self.save_button = save
        gate(save, store, access.TABLE_ACTIONS["projects"])
        body = QHBoxLayout()
        body.addWidget(self.form, 3)
        side = QVBoxLayout()
        side.addWidget(QLabel(f"{fields.record('project_beneficiaries').label('household_id')}（勾选）"))
        side.addWidget(self.households)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(1000, 640)

    def chosen(self) -> list[int]:
        return [
            self.households.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.households.count())
            if self.households.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        problems: list = []
        project = self.form.apply(self.project, problems)
        try:
            if problems:
                raise ValidationFailed(problems)
            self.changes = save_project(self.store, project, self.chosen(), read_at=self.read_at)
        except ValidationFailed as exc:
            self.errors.show(exc.problems)
            return
        except CundangError as exc:
            self.summary.set_error(describe(exc))
            return
        self.project_id = self.changes.id
        self.accept()


class ProjectsTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.table = make_table([f.header for f in PROJECT_LEDGER_FIELDS], "project-table")
        self.totals = QLabel()
        self.totals.setObjectName("project-totals")
        self.totals.setWordWrap(True)
        self.payments = make_table(_D.headers(*PAYMENT_FIELDS), "disbursement-table")
        self.new_button = QPushButton("新建项目…")
        self.edit_button = QPushButton("修改项目…")
        self.print_button = QPushButton("打印 PDF…")
        self.export_button = QPushButton("导出所列到 Excel…")
        self.pay_date = date_edit()
        self.pay_amount = QLineEdit()
        self.pay_amount.setPlaceholderText(_D.header("amount_fen"))
        self.payee, self.voucher, self.purpose = QLineEdit(), QLineEdit(), QLineEdit()
        for name, edit in (("payee", self.payee), ("voucher", self.voucher), ("purpose", self.purpose)):
            edit.setPlaceholderText(_D.header(name))
        self.pay_button = QPushButton("登记拨付")
        self.notice = QLabel()
        self.error = ErrorLabel()
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addStretch(1)
        for b in (self.new_button, self.edit_button, self.print_button, self.export_button):
            top.addWidget(b)
        pay = QHBoxLayout()
        for w in (
            QLabel("所选项目拨付："),
            self.pay_date,
            self.pay_amount,
            self.payee,
            self.voucher,
            self.purpose,
            self.pay_button,
        ):
            pay.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.totals)
        layout.addWidget(self.payments, 1)
        layout.addLayout(pay)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.itemSelectionChanged.connect(self._show_payments)
        self.new_button.clicked.connect(
            lambda: self._edit(Project(village_id=self.village_id, year=dt.date.today().year))
        )
        self.edit_button.clicked.connect(self._on_edit)
        self.pay_button.clicked.connect(self._on_pay)
        self.print_button.clicked.connect(lambda: self.print_pdf())
        self.export_button.clicked.connect(lambda: self.notice.setText(self.export()))
        gate(self.new_button, store, access.TABLE_ACTIONS["projects"])  # 修改项目… shows one; its 保存 is gated
        gate(self.pay_button, store, access.TABLE_ACTIONS["disbursements"])

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "projects", period(self.year).year, path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def book(self) -> Ledger | None:
        """The ledger of the period shown: the table, its totals and its warnings."""
        if self.village_id is None:
            return None
        return ledger(self.store, self.village_id, "projects", period(self.year))

    def export(self, path: str | None = None) -> str:
        book = self.book()
        return export(self, book, path) if book else ""

    def refresh(self) -> None:
        book = self.book()
        if book is None:
            return
        show(self.table, book.tables[0])
        self.totals.setText("\n".join(book.summary))
        self._show_payments()

    def selected_project(self) -> int | None:
        row = self.table.currentRow()
        if row < 0:
            return None
        project_id = key_of(self.table, row)
        assert project_id is None or isinstance(project_id, int)  # each row is keyed by its project's id
        return project_id

    def _show_payments(self) -> None:
        pid = self.selected_project()
        payments = self.store.ledgers.disbursements(pid) if pid else []
        fill(self.payments, [[to_text(_D[n], getattr(d, n)) for n in PAYMENT_FIELDS] for d in payments])

    def _on_edit(self) -> None:
        pid = self.selected_project()
        if pid is not None:
            self._edit(self.store.ledgers.project(pid))

    def _edit(self, project: Project) -> None:
        if self.village_id is None:
            return
        dialog = ProjectDialog(self.store, project, self)
        if dialog.exec():
            self.events.emit_changes(dialog.changes, self)

    def _on_pay(self) -> None:
        pid = self.selected_project()
        if pid is None:
            self.error.set_error("请先选中一个项目。")
            return
        try:
            amount = parse_yuan(self.pay_amount.text(), allow_negative=True)
            changes = add_disbursement(
                self.store,
                Disbursement(
                    project_id=pid,
                    pay_date=self.pay_date.date().toString("yyyy-MM-dd"),
                    amount_fen=amount,
                    payee=self.payee.text().strip(),
                    voucher=self.voucher.text().strip(),
                    purpose=self.purpose.text().strip(),
                ),
            )
        except CundangError as exc:
            self.error.set_error(f"未登记：{describe(exc)}")
            return
        self.error.set_error("")
        for edit in (self.pay_amount, self.voucher, self.purpose):
            edit.clear()
        row = self.table.currentRow()
        self.events.emit_changes(changes, self)
        self.table.selectRow(row)
