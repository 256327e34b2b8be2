"""The idle lock: after the configured minutes without a key or a click, every window of the
program is hidden and the operator's password is asked again; what was typed stays in the forms."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from models.errors import CundangError
from models.storage.keyring import Keyring
from models.store import Store
from models.wording import describe
from ui.login import password_edit
from ui.widgets import ErrorLabel

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class UnlockDialog(QDialog):
    """The locked program's only window: the same operator's password, or quit."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert store.operator is not None
        self.store = store
        self.setWindowTitle("村档已锁定")
        self.password = password_edit("unlock-password")
        self.error = ErrorLabel()
        self.error.setObjectName("unlock-error")
        buttons = QDialogButtonBox()
        buttons.addButton("解锁", QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"长时间无人操作，村档已锁定。请“{store.operator.name}”输入密码继续；没有保存的内容都还在。")
        )
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.try_unlock)
        self.setMinimumWidth(460)

    def try_unlock(self) -> None:
        assert self.store.operator is not None
        try:
            ring = Keyring.load(self.store.folder)
            if ring is None:
                raise CundangError()
            ring.unlock(self.store.operator.name, self.password.text())
        except CundangError as exc:
            self.password.clear()
            self.error.set_error(describe(exc))
            return
        self.accept()

    def reject(self) -> None:  # Esc does not unlock
        pass


class IdleLock(QObject):
    """Watches the application's input; locks after ``store.config().idle_lock_minutes``."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.last_input = time.monotonic()
        self.locked = False
        self.timer = QTimer(self)
        self.timer.setInterval(15_000)
        self.timer.timeout.connect(self.check)
        app = QApplication.instance()
        if store.operator is not None and app is not None:
            app.installEventFilter(self)
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.last_input = time.monotonic()
        return False

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last_input

    def check(self) -> None:
        if not self.locked and self.idle_seconds() >= self.store.config().idle_lock_minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Hide every window, ask for the password, show them again as they were."""
        self.locked = True
        # Dialogs stay (hiding one that runs exec() would end it and lose what was typed); the
        # unlock dialog, application-modal, sits above them.
        hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible() and not isinstance(w, QDialog)]
        for widget in hidden:
            widget.hide()
        self.dialog = UnlockDialog(self.store)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.exec()
        for widget in hidden:
            widget.show()
        self.locked = False
        self.last_input = time.monotonic()
