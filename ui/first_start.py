"""The first start: with no village yet, create the village, make this a county's folder, open
another data folder, restore a backup (the new laptop's case: the old one's USB backup), or look
at the demo village in its own folder (never this one)."""

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
from models.services.safety import ForeignBackup
from models.services.villages import create_village
from models.storage import sql
from models.storage.database import DB_NAME, has_data
from models.store import Store
from models.wording import describe
from ui.file_menu import prepare_restore
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
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setToolTip("换了电脑：用旧电脑备份到U盘的备份（连同它旁边的 .keys 文件）恢复到这里")
        if not store.may("backup"):
            self.restore_button.setEnabled(False)
            self.restore_button.setToolTip("只有管理员可以从备份恢复")
        self.demo_button = QPushButton("看看演示村（放在单独的演示文件夹）")
        for button in (self.county_button, self.open_button, self.restore_button, self.demo_button):
            button.setAutoDefault(False)  # Enter only ever creates the village typed in
        self.create_button.setDefault(True)
        # What the app opens after this dialog: another folder (existing, or the demo's), or this
        # one restored from a backup (a file, or another installation's backup opened by its keyring).
        self.next_folder: Path | None = None
        self.next_restore: Path | ForeignBackup | None = None
        others = QHBoxLayout()
        for button in (self.county_button, self.open_button, self.restore_button, self.demo_button):
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
        self.restore_button.clicked.connect(self.choose_backup)
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

    def choose_backup(self) -> None:
        chosen = QFileDialog.getOpenFileName(self, "从备份恢复", str(Path.home()), "村档备份 (*.db)")[0]
        if chosen:
            self.restore_from(Path(chosen))

    def restore_from(self, file: Path, *, confirm: bool = True) -> None:
        """The backup checked (and opened with its own keyring when it is another installation's);
        the app restores it into this folder when the dialog closes."""
        target = prepare_restore(self, self.store.folder, self.store.session, file, confirm=confirm)
        if target is not None:
            self.next_restore = target
            self.accept()

    def open_demo(self) -> None:
        """The demo village lives in its own folder beside this one; this folder stays empty."""
        self.next_folder = demo_folder(self.store.folder)
        if not has_data(self.next_folder):
            build_demo(self.next_folder)
        self.accept()
