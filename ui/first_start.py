"""The first start: with no village yet, create one or open the demo village."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import fields
from models.demo.generator import generate
from models.domain import Village
from models.errors import CundangError
from models.services.villages import create_village
from models.store import Store
from models.wording import describe
from ui.widgets import ErrorLabel

V = fields.record("villages")


class FirstStartDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("欢迎使用村档")
        self.edits = {name: QLineEdit() for name in ("code", "province", "city", "county", "township", "name")}
        self.edits["code"].setPlaceholderText("12位统计用区划代码")
        self.groups = QPlainTextEdit()
        self.groups.setPlaceholderText("每行一个小组，如：\n一组\n二组")
        self.groups.setMaximumHeight(110)
        form = QFormLayout()
        for name, edit in self.edits.items():
            edit.setObjectName(f"new-village-{name}")
            form.addRow(V.header(name), edit)
        form.addRow(fields.record("village_groups").title, self.groups)
        self.error = ErrorLabel()
        self.create_button = QPushButton("新建本村")
        self.demo_button = QPushButton("打开演示村（示例数据）")
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("数据文件夹中还没有村。请填写本村信息新建，或先打开演示村看看。"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.create_button.clicked.connect(self.create)
        self.demo_button.clicked.connect(self.open_demo)
        self.setMinimumWidth(520)

    # The button's slot; it shadows QWidget.create, which Qt itself never calls through Python.
    def create(self) -> None:  # type: ignore[override]
        typed: dict[str, Any] = {k: e.text().strip() for k, e in self.edits.items()}
        village = Village(**typed)
        names = self.groups.toPlainText().replace("，", "\n").replace(",", "\n").splitlines()
        try:
            create_village(self.store, village, names)
        except (CundangError, sqlite3.Error) as exc:
            self.error.set_error(describe(exc))
            return
        self.accept()

    def open_demo(self) -> None:
        generate(self.store, seed=1)
        self.accept()
