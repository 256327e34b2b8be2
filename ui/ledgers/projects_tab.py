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

from models import codes
from models.domain import Disbursement, Project
from models.errors import CundangError, ValidationFailed
from models.ledgers import project_totals, sums
from models.money import format_fen, parse_yuan, to_decimal
from models.services.ledgers import add_disbursement, save_project
from models.store import Store
from ui.events import AppEvents, Changes
from ui.field_form import Field, FieldForm
from ui.households.event_dialogs import date_edit
from ui.ledgers.common import export, period, year_box
from ui.messages import describe
from ui.print_actions import print_ledger
from ui.tables import fill, key_of, make_table
from ui.widgets import ErrorLabel, FieldErrors

SOURCE_LABELS = [(column, codes.FUND_SOURCE.label(key)) for key, column in codes.PROJECT_FUND_COLUMNS.items()]
PROJECT_FIELDS = [
    Field("name", "项目名称"),
    Field("category", "项目类别", "code", codes.PROJECT_CATEGORY),
    Field("year", "年度", "year", ahead=2),
    Field("place", "实施地点"),
    Field("content", "建设内容与规模"),
    *(Field(column, f"{label}(元)", "money") for column, label in SOURCE_LABELS),
    Field("unit", "实施单位"),
    Field("responsible", "责任人"),
    Field("start_date", "开工日期", placeholder="yyyy-MM-dd"),
    Field("finish_date", "完工日期", placeholder="yyyy-MM-dd"),
    Field("progress", "进度(%)", "int"),
    Field("status", "状态", "code", codes.PROJECT_STATUS),
    Field("goal", "绩效目标"),
    Field("mechanism", "带贫减贫机制"),
]
HEADERS = (
    "项目名称",
    "类别",
    "年度",
    "总投资(元)",
    *(label for _, label in SOURCE_LABELS),
    "已拨付(元)",
    "受益户数",
    "状态",
    "提示",
)


class ProjectDialog(QDialog):
    """A project's facts and its beneficiary households, picked from the register."""

    def __init__(self, store: Store, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.project = store, project
        self.setWindowTitle("扶贫项目")
        self.summary = ErrorLabel()
        self.errors = FieldErrors(self.summary)
        self.form = FieldForm(PROJECT_FIELDS, self.errors, ("project",))
        self.form.load(project)
        self.households = QListWidget()
        self.households.setObjectName("beneficiaries")
        chosen = set(store.ledgers.beneficiaries(project.id)) if project.id else set()
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
        body = QHBoxLayout()
        body.addWidget(self.form, 3)
        side = QVBoxLayout()
        side.addWidget(QLabel("受益户（勾选）"))
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
        for column, _ in SOURCE_LABELS:
            if getattr(project, column) is None:
                setattr(project, column, 0)
        project.progress = project.progress or 0
        project.start_date = project.start_date or None
        project.finish_date = project.finish_date or None
        try:
            if problems:
                raise ValidationFailed(problems)
            self.project_id = save_project(self.store, project, self.chosen())
        except ValidationFailed as exc:
            self.errors.show(exc.problems)
            return
        except CundangError as exc:
            self.summary.set_error(describe(exc))
            return
        self.accept()


class ProjectsTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.year = year_box()
        self.table = make_table(HEADERS, "project-table")
        self.totals = QLabel()
        self.totals.setObjectName("project-totals")
        self.totals.setWordWrap(True)
        self.payments = make_table(("拨付日期", "金额(元)", "收款方", "凭证号", "用途"), "disbursement-table")
        self.new_button = QPushButton("新建项目…")
        self.edit_button = QPushButton("修改项目…")
        self.print_button = QPushButton("打印 PDF…")
        self.export_button = QPushButton("导出所列到 Excel…")
        self.pay_date = date_edit()
        self.pay_amount = QLineEdit()
        self.pay_amount.setPlaceholderText("金额（元）")
        self.payee, self.voucher, self.purpose = QLineEdit(), QLineEdit(), QLineEdit()
        self.payee.setPlaceholderText("收款方")
        self.voucher.setPlaceholderText("凭证号")
        self.purpose.setPlaceholderText("用途")
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
        self.export_button.clicked.connect(
            lambda: self.notice.setText(
                export(self, "扶贫项目资金台账", HEADERS, self.rows_for_export(), footer=self.totals_for_export())
            )
        )

    def print_pdf(self, path: str | None = None) -> str:
        """The ledger of the year shown, as a PDF (the whole year when all years are shown)."""
        return print_ledger(self, "projects", period(self.year)[2], path)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.refresh()

    def _totals(self) -> list:
        if self.village_id is None:
            return []
        return [
            project_totals(p, paid, people, dt.date.today())
            for p, paid, people in self.store.ledgers.projects(self.village_id, period(self.year)[2])
        ]

    def rows_for_export(self) -> list[tuple]:
        return [
            (
                t.project.name,
                codes.PROJECT_CATEGORY.label(t.project.category),
                t.project.year,
                to_decimal(t.project.total_fen),
                *(to_decimal(getattr(t.project, c)) for c, _ in SOURCE_LABELS),
                to_decimal(t.disbursed_fen),
                t.beneficiaries,
                codes.PROJECT_STATUS.label(t.project.status),
                self._warning(t),
            )
            for t in self._totals()
        ]

    def totals_for_export(self) -> list[tuple]:
        """The totals shown under the table: by source, by year, paid out."""
        s = sums(self._totals())
        return [
            (
                "合计",
                "",
                "",
                to_decimal(s.budget_fen),
                *(to_decimal(s.by_source[k]) for k in codes.FUND_SOURCE.keys),
                to_decimal(s.disbursed_fen),
            ),
            *((f"{year} 年", "", "", to_decimal(v)) for year, v in sorted(s.by_year.items())),
        ]

    @staticmethod
    def _warning(t) -> str:
        return "、".join(w for w, on in (("拨付超预算", t.over_budget), ("逾期未完工", t.late)) if on)

    def refresh(self) -> None:
        totals = self._totals()
        rows = [
            (
                t.project.name,
                codes.PROJECT_CATEGORY.label(t.project.category),
                t.project.year,
                format_fen(t.project.total_fen),
                *(format_fen(getattr(t.project, c)) for c, _ in SOURCE_LABELS),
                format_fen(t.disbursed_fen),
                t.beneficiaries,
                codes.PROJECT_STATUS.label(t.project.status),
                self._warning(t),
            )
            for t in totals
        ]
        fill(self.table, rows, keys=[t.project.id for t in totals], warn=[bool(self._warning(t)) for t in totals])
        s = sums(totals)
        by_source = "，".join(f"{codes.FUND_SOURCE.label(k)} {format_fen(v)}" for k, v in s.by_source.items())
        by_year = "，".join(f"{y} 年 {format_fen(v)}" for y, v in sorted(s.by_year.items()))
        self.totals.setText(
            f"合计：总投资 {format_fen(s.budget_fen)} 元，已拨付 {format_fen(s.disbursed_fen)} 元。"
            f"\n按来源：{by_source}。\n按年度：{by_year or '—'}。"
        )
        self._show_payments()

    def selected_project(self) -> int | None:
        row = self.table.currentRow()
        return key_of(self.table, row) if row >= 0 else None

    def _show_payments(self) -> None:
        pid = self.selected_project()
        payments = self.store.ledgers.disbursements(pid) if pid else []
        fill(self.payments, [(d.pay_date, format_fen(d.amount_fen), d.payee, d.voucher, d.purpose) for d in payments])

    def _on_edit(self) -> None:
        pid = self.selected_project()
        if pid is not None:
            self._edit(self.store.ledgers.project(pid))

    def _edit(self, project: Project) -> None:
        if self.village_id is None:
            return
        if ProjectDialog(self.store, project, self).exec():
            self.refresh()
            self.events.emit_changes(Changes(ledgers=True), self)

    def _on_pay(self) -> None:
        pid = self.selected_project()
        if pid is None:
            self.error.set_error("请先选中一个项目。")
            return
        try:
            amount = parse_yuan(self.pay_amount.text(), allow_negative=True)
            add_disbursement(
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
        self.refresh()
        self.table.selectRow(row)
        self.events.emit_changes(Changes(ledgers=True), self)
