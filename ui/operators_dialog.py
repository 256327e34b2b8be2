"""操作员: the 管理员's list of operators (add, roles, reset a password, disable), and anyone's
own password change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import codes, fields
from models.errors import CundangError
from models.fields.views import ACCOUNT as A
from models.services import operators as ops
from models.storage.keyring import check_new_password
from models.store import Store
from models.wording import describe
from ui.login import password_edit
from ui.widgets import ErrorLabel, ok_cancel


class PasswordDialog(QDialog):
    """A new password typed twice (and, for one's own, the old one)."""

    def __init__(self, title: str, *, ask_old: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.old = password_edit("password-old")
        self.new = password_edit("password-new")
        self.again = password_edit("password-again")
        form = QFormLayout()
        if ask_old:
            form.addRow(A.label("old_password"), self.old)
        form.addRow(A.label("new_password"), self.new)
        form.addRow(A.label("again"), self.again)
        self.error = ErrorLabel()
        self.error.setObjectName("password-error")
        ok_cancel(self, form, self.error, on_ok=self.check)
        self.action: Callable[[str, str], None] | None = None  # set by the caller: what to do with (old, new)

    def check(self) -> None:
        try:
            check_new_password(self.new.text(), self.again.text())
            if self.action is not None:
                self.action(self.old.text(), self.new.text())
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.accept()


def change_own_password(store: Store, parent: QWidget | None = None) -> bool:
    dialog = PasswordDialog("修改我的密码", ask_old=True, parent=parent)
    dialog.action = lambda old, new: ops.change_password(store, old, new)
    return dialog.exec() == QDialog.DialogCode.Accepted


class RolesBox(QWidget):
    def __init__(self, chosen: frozenset[str] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.checks = {key: QCheckBox(label) for key, label in codes.ROLE.items}
        for key, box in self.checks.items():
            box.setChecked(key in chosen)
            layout.addWidget(box)

    def roles(self) -> set[str]:
        return {k for k, box in self.checks.items() if box.isChecked()}


class OperatorsDialog(QDialog):
    """The operators of the folder; every change is the 管理员's and is audited."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("操作员")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["操作员", "角色", "状态"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.name = QLineEdit()
        self.name.setObjectName("operator-name")
        self.password = password_edit("operator-password")
        self.again = password_edit("operator-again")
        self.new_roles = RolesBox(frozenset({"entry"}))
        add = QFormLayout()
        add.addRow(A.label("new_operator"), self.name)
        add.addRow(A.label("new_password"), self.password)
        add.addRow(A.label("again"), self.again)
        add.addRow(fields.record("operators").label("roles"), self.new_roles)
        self.add_button = QPushButton("添加")
        self.roles_button = QPushButton("改角色…")
        self.reset_button = QPushButton("重设密码…")
        self.disable_button = QPushButton("停用")
        row = QHBoxLayout()
        for b in (self.roles_button, self.reset_button, self.disable_button):
            row.addWidget(b)
        row.addStretch(1)
        self.error = ErrorLabel()
        self.error.setObjectName("operators-error")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(add)
        layout.addWidget(self.add_button)
        layout.addWidget(self.error)
        layout.addWidget(close)
        close.rejected.connect(self.reject)
        self.add_button.clicked.connect(self.add)
        self.roles_button.clicked.connect(self.change_roles)
        self.reset_button.clicked.connect(self.reset)
        self.disable_button.clicked.connect(self.disable)
        self.resize(640, 560)
        self.refresh()

    def refresh(self) -> None:
        self.rows = ops.list_operators(self.store)
        self.table.setRowCount(len(self.rows))
        for i, o in enumerate(self.rows):
            for j, text in enumerate((o.name, o.role_labels, "已停用" if o.disabled else "在用")):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> ops.OperatorRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _do(self, action) -> bool:
        try:
            action()
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return False
        self.error.set_error("")
        self.refresh()
        return True

    def add(self) -> None:
        def action() -> None:
            check_new_password(self.password.text(), self.again.text())
            ops.add_operator(self.store, self.name.text(), self.password.text(), self.new_roles.roles())

        if self._do(action):
            self.name.clear()
            self.password.clear()
            self.again.clear()

    def change_roles(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = QDialog(self)
        dialog.setWindowTitle(f"“{chosen.name}”的角色")
        box = RolesBox(chosen.roles)
        ok_cancel(dialog, box, on_ok=dialog.accept)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._do(lambda: ops.set_roles(self.store, chosen.name, box.roles()))

    def reset(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = PasswordDialog(f"重设“{chosen.name}”的密码", ask_old=False, parent=self)
        dialog.action = lambda _old, new: ops.reset_password(self.store, chosen.name, new)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def disable(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.disabled:
            return
        asked = QMessageBox.question(self, "停用操作员", f"停用“{chosen.name}”？停用后不能再登录，记录保留。")
        if asked == QMessageBox.StandardButton.Yes:
            self._do(lambda: ops.disable_operator(self.store, chosen.name))
