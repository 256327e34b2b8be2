"""登记小额信贷: one loan of a household, its fields from the field table, refused or warned beside
each field (a loan beyond 5万元 or 3 years is kept, with a warning)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from models import access
from models.changes import Changes
from models.domain import Loan
from models.errors import CundangError, Problem, ValidationFailed
from models.services.ledgers import save_loan
from models.store import Store
from models.wording import describe, describe_problem
from ui.field_form import FieldForm
from ui.widgets import ErrorLabel, FieldErrors, gate

LOAN_FIELDS = (
    "member_id",
    "bank",
    "amount_fen",
    "loan_date",
    "due_date",
    "term_months",
    "interest_subsidy",
    "status",
    "note",
)


class LoanDialog(QDialog):
    def __init__(self, store: Store, household_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.read_at = store.last_change()  # a save refuses what changed after this
        self.store, self.household_id = store, household_id
        self.changes = Changes()
        self.setWindowTitle("登记小额信贷")
        self.summary = ErrorLabel()
        self.errors = FieldErrors(self.summary)
        self.borrower = QComboBox()
        self.borrower.addItem("", None)
        for m in store.households.members(household_id):
            if m.is_current:
                self.borrower.addItem(m.name, m.id)
        self.form = FieldForm("loans", LOAN_FIELDS, self.errors, widgets={"member_id": self.borrower})
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None  # asked for just above
        self.save_button = save
        gate(save, store, access.TABLE_ACTIONS["loans"])  # as the tab's 登记小额信贷 is
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def save(self) -> bool:
        problems: list[Problem] = []
        loan = self.form.apply(Loan(household_id=self.household_id), problems)
        loan.member_id = self.borrower.currentData()
        try:
            if problems:
                raise ValidationFailed(problems)
            self.changes = save_loan(self.store, loan, read_at=self.read_at)
        except ValidationFailed as exc:
            self.errors.show(exc.problems)
            return False
        except CundangError as exc:
            self.summary.set_error(f"未保存：{describe(exc)}")
            return False
        if self.changes.warnings:
            self.summary.set_error("已保存。请核对：\n" + "\n".join(describe_problem(p) for p in self.changes.warnings))
        self.accept()
        return True
