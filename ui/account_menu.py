"""The 账户 menu: who is logged in, 修改我的密码, 操作员… (a 管理员's), and 锁定."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from models import access
from models.store import Store
from ui.operators_dialog import OperatorsDialog, change_own_password
from ui.widgets import gate


class AccountMenu:
    """Fills the window's 账户 menu; nothing when the folder has no operators (a demo's)."""

    def __init__(self, window: QMainWindow, store: Store) -> None:
        self.window, self.store = window, store
        self.actions: dict[str, QAction] = {}
        if store.operator is None:
            return
        menu = window.menuBar().addMenu("账户(&A)")
        who = QAction(f"{store.operator.name}（{store.operator.role_labels}）", window)
        who.setEnabled(False)
        menu.addAction(who)
        menu.addSeparator()
        for key, text, slot in (
            ("password", "修改我的密码…", lambda: change_own_password(store, window)),
            ("operators", "操作员…", self.operators),
            ("lock", "锁定", self.lock),
        ):
            action = QAction(text, window)
            action.triggered.connect(slot)
            menu.addAction(action)
            self.actions[key] = action
        self.actions["lock"].setShortcut(QKeySequence("Ctrl+L"))
        gate(self.actions["operators"], store, access.TABLE_ACTIONS["operators"])

    def operators(self) -> None:
        OperatorsDialog(self.store, self.window).exec()

    def lock(self) -> None:
        self.window.idle_lock.lock()  # type: ignore[attr-defined]
