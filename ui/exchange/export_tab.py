"""本村上报包: export the current village's package, off the UI thread, with progress and cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.errors import Cancelled, CundangError
from models.exchange.password import has_password, stored_password
from models.store import Store
from models.wording import describe
from ui.exchange.password_dialog import PasswordDialog, password_action
from ui.widgets import ErrorLabel
from ui.workers import Worker, run_with_progress


def export_in_worker(folder: Path, village_id: int, out: str, password: str | None = None, session=None):
    """The work function: its own connection (SQLite connections stay on their thread), opened
    with the window's session; the package password comes from the window, in memory."""
    from models.exchange.package import export_village

    def work(progress, cancelled):
        def step(done: int, total: int) -> None:
            progress(done, total)
            if cancelled():
                raise Cancelled()

        with Store.open(folder, session=session) as store:
            return export_village(store, village_id, out, password=password, progress=step)

    return work


ABOUT_PASSWORD = (
    "上报包密码由县扶贫办统一设定。输入一次后，程序把它加密保存在本数据文件夹中；"
    "以后导出的上报包都用它加密（Excel、WPS 打开时要输入它）并签名，县里据此确认上报包导出后没有被改动。"
)


class ExportTab(QWidget):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.village_id: int | None = None
        self.worker: Worker | None = None
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.button = QPushButton("导出上报包…")
        self.button.setObjectName("export-package")
        self.button.clicked.connect(lambda: self.export())
        self.protection = QLabel()
        self.protection.setObjectName("export-protection")
        self.protection.setWordWrap(True)
        self.password_button = QPushButton()
        self.password_button.setObjectName("package-password")
        self.password_button.clicked.connect(lambda: self.change_password())
        self.status = QLabel()
        self.status.setObjectName("export-status")
        self.status.setWordWrap(True)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.password_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.protection)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def show_protection(self) -> None:
        """Whether the next export will be encrypted and signed (a package password is kept)."""
        kept = has_password(self.store)
        self.password_button.setText(f"{password_action(kept)}…")
        self.protection.setText(
            "已设上报包密码：导出的上报包将加密并签名。"
            if kept
            else "未设上报包密码：导出的上报包不加密、不签名，县里导入时会看到“未加密、未签名”的提醒。"
            "请向县扶贫办要上报包密码，点“设置上报包密码…”输入。"
        )

    def change_password(self) -> bool:
        dialog = PasswordDialog(self.store, ABOUT_PASSWORD, self)
        done = bool(dialog.exec())
        self.show_protection()
        return done

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.button.setEnabled(village_id is not None)
        self.show_protection()
        if village_id is None:
            self.about.setText("还没有村。")
            return
        v = self.store.villages.get(village_id)
        self.about.setText(
            f"把 {v.township}{v.name}（{v.code}）的全部记录导出为一个 Excel 上报包，交县扶贫办导入。\n"
            "第一个工作表是清单（村代码、导出时间、各表行数和校验值）；其后每类记录一个工作表。"
            "导出后请不要改动上报包：县里导入时会核对校验值，改动过的单元格会被逐个指出。"
        )

    def export(self, path: str | None = None) -> Worker | None:
        if self.village_id is None:
            return None
        if path is None:
            v = self.store.villages.get(self.village_id)
            suggested = str(Path.home() / f"{v.name}上报包-{dt.date.today():%Y%m%d}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, "导出上报包", suggested, "Excel 工作簿 (*.xlsx)")
            if not path:
                return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self.error.set_error("")
        try:
            password = stored_password(self.store)
        except CundangError as exc:
            self.error.set_error(f"没有导出：{describe(exc)}")
            return None
        self.status.setText("正在导出……")
        self.button.setEnabled(False)
        self.worker = run_with_progress(
            self,
            "导出上报包",
            export_in_worker(self.store.folder, self.village_id, path, password, self.store.session),
            lambda facts: self._done(path, facts),
            self._failed,
            label="正在导出上报包……",
        )
        return self.worker

    def _done(self, path: str, facts: dict) -> None:
        self.button.setEnabled(True)
        rows = "，".join(f"{k} {n}" for k, n in facts["sheets"].items() if n)
        protected = "已加密并签名（打开时要输入上报包密码）" if facts.get("protected") else "未加密、未签名"
        self.status.setText(f"已导出：{path}\n{rows}。\n{protected}。")

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.status.setText("")
        self.error.set_error(describe(error) if not isinstance(error, Cancelled) else "已取消，没有生成文件。")
