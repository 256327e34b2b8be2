"""本村上报包: export the current village's package, off the UI thread, with progress and cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from models.errors import Cancelled
from models.store import Store
from models.wording import describe
from ui.widgets import ErrorLabel
from ui.workers import Worker, run_with_progress


def export_in_worker(folder: Path, village_id: int, out: str):
    """The work function: its own connection (SQLite connections stay on their thread)."""
    from models.exchange.package import export_village

    def work(progress, cancelled):
        def step(done: int, total: int) -> None:
            progress(done, total)
            if cancelled():
                raise Cancelled()

        with Store.open(folder) as store:
            return export_village(store, village_id, out, progress=step)

    return work


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
        self.status = QLabel()
        self.status.setObjectName("export-status")
        self.status.setWordWrap(True)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id
        self.button.setEnabled(village_id is not None)
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
        self.status.setText("正在导出……")
        self.button.setEnabled(False)
        self.worker = run_with_progress(
            self,
            "导出上报包",
            export_in_worker(self.store.folder, self.village_id, path),
            lambda facts: self._done(path, facts),
            self._failed,
            label="正在导出上报包……",
        )
        return self.worker

    def _done(self, path: str, facts: dict) -> None:
        self.button.setEnabled(True)
        rows = "，".join(f"{k} {n}" for k, n in facts["sheets"].items() if n)
        self.status.setText(f"已导出：{path}\n{rows}。")

    def _failed(self, error: BaseException) -> None:
        self.button.setEnabled(True)
        self.status.setText("")
        self.error.set_error(describe(error) if not isinstance(error, Cancelled) else "已取消，没有生成文件。")
