"""上报包密码: type the package password twice, masked; kept sealed in the folder's settings."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from models.changes import Changes
from models.errors import CundangError
from models.exchange.password import has_password, set_password
from models.store import Store
from models.wording import describe
from ui.widgets import ErrorLabel


def password_action(kept: bool) -> str:
    """What the package-password button and dialog say: set one, or change the one ``kept``."""
    return "修改上报包密码" if kept else "设置上报包密码"


class PasswordDialog(QDialog):
    def __init__(self, store: Store, about: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.changes = Changes()
        self.setWindowTitle(password_action(has_password(store)))
        intro = QLabel(about)
        intro.setWordWrap(True)
        self.first = QLineEdit()
        self.first.setObjectName("package-password-first")
        self.again = QLineEdit()
        self.again.setObjectName("package-password-again")
        for edit in (self.first, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = ErrorLabel()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("新的上报包密码（至少 8 个字符）："))
        layout.addWidget(self.first)
        layout.addWidget(QLabel("再输入一次："))
        layout.addWidget(self.again)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> bool:
        try:
            self.changes = set_password(self.store, self.first.text(), self.again.text())
        except CundangError as exc:
            self.error.set_error(f"未保存：{describe(exc)}")
            return False
        self.accept()
        return True
