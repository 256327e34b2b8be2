"""The first start: with no village yet, create the village, make this a county's folder, open
another data folder, or look at the demo village in its own folder (never this one)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
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
from models.demo import demo_folder
from models.demo.build import build_demo
from models.domain import Village
from models.errors import CundangError
from models.services.assistance import save_config
from models.services.villages import create_village
from models.storage import sql
from models.storage.database import DB_NAME, has_data
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
        self.county_button = QPushButton("打开县级汇总")
        self.county_button.setToolTip("县扶贫办、乡村振兴局用：这个文件夹不放本村数据，只导入各村的上报包")
        self.open_button = QPushButton("打开已有数据文件夹…")
        self.demo_button = QPushButton("看看演示村（放在单独的演示文件夹）")
        for button in (self.county_button, self.open_button, self.demo_button):
            button.setAutoDefault(False)  # Enter only ever creates the village typed in
        self.create_button.setDefault(True)
        # What the app opens after this dialog: another folder (existing, or the demo's).
        self.next_folder: Path | None = None
        others = QHBoxLayout()
        for button in (self.county_button, self.open_button, self.demo_button):
            others.addWidget(button)
        others.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"数据文件夹“{store.folder}”中还没有村。请填写本村信息新建："))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("或者："))
        layout.addLayout(others)
        self.create_button.clicked.connect(self.create)
        self.county_button.clicked.connect(self.make_county)
        self.open_button.clicked.connect(self.choose_existing)
        self.demo_button.clicked.connect(self.open_demo)
        self.setMinimumWidth(620)

    # The button's slot; it shadows QWidget.create, which Qt itself never calls through Python.
    def create(self) -> None:  # type: ignore[override]
        typed: dict[str, Any] = {k: e.text().strip() for k, e in self.edits.items()}
        village = Village(**typed)
        names = self.groups.toPlainText().replace("，", "\n").replace(",", "\n").splitlines()
        try:
            create_village(self.store, village, names)
        except (CundangError, sql.Error) as exc:
            self.error.set_error(describe(exc))
            return
        self.accept()

    def make_county(self) -> None:
        """This folder becomes a county's: no village of its own, straight to 上报."""
        save_config(self.store, dataclasses.replace(self.store.config(), county_folder=True))
        self.accept()

    def choose_existing(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "打开已有数据文件夹", str(Path.home()))
        if chosen:
            self.open_existing(chosen)

    def open_existing(self, chosen: str) -> None:
        if not has_data(Path(chosen)):
            self.error.set_error(f"“{chosen}”中没有村档的数据文件（{DB_NAME}）。")
            return
        self.next_folder = Path(chosen)
        self.accept()

    def open_demo(self) -> None:
        """The demo village lives in its own folder beside this one; this folder stays empty."""
        self.next_folder = demo_folder(self.store.folder)
        if not has_data(self.next_folder):
            build_demo(self.next_folder)
        self.accept()
