"""Logging in: the login dialog, the first 管理员 of a folder, the recovery key, and its use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import codes
from models.errors import CundangError
from models.fields.views import ACCOUNT as A
from models.services import operators as ops
from models.storage.keyring import Keyring, check_new_password
from models.store import Login, Session, unlock
from models.wording import describe
from ui.widgets import ErrorLabel, ok_cancel


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setObjectName(name)
    return edit


class LoginDialog(QDialog):
    """用户名 and 密码; a wrong one is said under the fields and nothing else happens."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.session: Session | None = None
        self.setWindowTitle("登录村档")
        self.name = QLineEdit()
        self.name.setObjectName("login-name")
        self.password = password_edit("login-password")
        ring = Keyring.load(self.folder)
        if ring is not None and len(ring.names) == 1:
            self.name.setText(ring.names[0])
        form = QFormLayout()
        form.addRow(A.label("name"), self.name)
        form.addRow(A.label("password"), self.password)
        self.error = ErrorLabel()
        self.error.setObjectName("login-error")
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.forgot = QPushButton("忘记密码（用恢复密钥）…")
        self.forgot.setAutoDefault(False)
        self.forgot.setFlat(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"数据文件夹“{self.folder}”"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        layout.addWidget(self.forgot, 0, Qt.AlignmentFlag.AlignLeft)
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        self.forgot.clicked.connect(self.recover)
        (self.password if self.name.text() else self.name).setFocus()
        self.setMinimumWidth(440)

    def try_login(self) -> None:
        try:
            self.session = unlock(self.folder, Login(self.name.text(), self.password.text()))
        except CundangError as exc:
            self.password.clear()
            self.error.set_error(describe(exc))
            return
        self.accept()

    def recover(self) -> None:
        dialog = RecoveryDialog(self.folder, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.session is not None:
            self.session = dialog.session
            self.accept()


class RecoveryDialog(QDialog):
    """The recovery key from the office safe sets a new password for a 管理员."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.session: Session | None = None
        self.setWindowTitle("用恢复密钥重设管理员密码")
        self.key = QLineEdit()
        self.key.setObjectName("recovery-key")
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.name = QLineEdit()
        self.name.setObjectName("recovery-name")
        self.new = password_edit("recovery-new")
        self.again = password_edit("recovery-again")
        form = QFormLayout()
        form.addRow(A.label("recovery_key"), self.key)
        form.addRow(A.label("administrator"), self.name)
        form.addRow(A.label("new_password"), self.new)
        form.addRow(A.label("again"), self.again)
        self.error = ErrorLabel()
        ok_cancel(self, form, self.error, on_ok=self.try_recover)

    def try_recover(self) -> None:
        try:
            check_new_password(self.new.text(), self.again.text())
            store = ops.recover(self.folder, self.key.text(), self.name.text(), self.new.text())
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.session = store.session
        store.close()
        self.accept()


class FirstOperatorDialog(QDialog):
    """A folder without operators: who its first 管理员 is, their password, their other roles,
    and whether the folder is encrypted (yes, unless the 管理员 explicitly says no)."""

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.session: Session | None = None
        self.recovery_key = ""
        self.setWindowTitle("建立第一位管理员")
        self.name = QLineEdit()
        self.name.setObjectName("first-name")
        self.new = password_edit("first-password")
        self.again = password_edit("first-again")
        self.roles = {key: QCheckBox(codes.ROLE.label(key)) for key in ("entry", "review", "county")}
        for key in ("entry", "review"):
            self.roles[key].setChecked(True)
        self.encrypted = QCheckBox("加密保存数据（推荐；不加密时任何人拿到电脑都能读出全部个人信息）")
        self.encrypted.setObjectName("first-encrypted")
        self.encrypted.setChecked(True)
        form = QFormLayout()
        form.addRow(A.label("name"), self.name)
        form.addRow(A.label("new_password"), self.new)
        form.addRow(A.label("again"), self.again)
        roles = QVBoxLayout()
        for box in self.roles.values():
            roles.addWidget(box)
        form.addRow(A.label("roles"), roles)
        self.error = ErrorLabel()
        self.error.setObjectName("first-error")
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("建立", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button = buttons.addButton("从备份恢复…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setObjectName("first-restore")
        self.restore_button.setToolTip(
            "换了电脑：用旧电脑备份到U盘的备份（连同它旁边的 .keys 文件）恢复，沿用其中的操作员和密码"
        )
        self.wants_restore = False  # the clerk chose to restore a backup instead (desktop.app does it)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        note = QLabel(
            "村档的数据含有身份证号、银行账号、电话和健康状况。请先建立第一位管理员：以后打开村档都要输入密码，"
            "管理员可以再添加录入、审核、只读等操作员。已有的数据会先备份，再加密。"
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.encrypted)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_instead)
        self.setMinimumWidth(560)

    def restore_instead(self) -> None:
        self.wants_restore = True
        self.reject()

    # The button's slot; it shadows QWidget.create, which Qt itself never calls through Python.
    def create(self) -> None:  # type: ignore[override]
        roles = {key for key, box in self.roles.items() if box.isChecked()}
        try:
            check_new_password(self.new.text(), self.again.text())
            store, self.recovery_key = ops.first_operator(
                self.folder, self.name.text(), self.new.text(), roles, encrypted=self.encrypted.isChecked()
            )
        except CundangError as exc:
            self.error.set_error(describe(exc))
            return
        self.session = store.session
        store.close()
        self.accept()  # the caller shows the recovery key next (RecoveryKeyDialog)


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: to copy by hand or print, and keep in the office safe."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("恢复密钥（只显示这一次）")
        shown = QLabel(key)
        shown.setObjectName("recovery-shown")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(shown.font())
        font.setPointSize(font.pointSize() + 6)
        font.setFamily("monospace")
        shown.setFont(font)
        text = QLabel(
            "忘记所有管理员的密码时，只有这个恢复密钥能打开数据。请现在抄下或打印，放进办公室保险柜；"
            "不要存在这台电脑上。"
        )
        text.setWordWrap(True)
        self.kept = QCheckBox("我已抄下（或打印）恢复密钥")
        self.kept.setObjectName("recovery-kept")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.kept.toggled.connect(self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(shown, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.kept)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def reject(self) -> None:  # Esc does not skip the key
        if self.kept.isChecked():
            super().reject()
