"""从国家系统导入: build or update a village from the national system's household/member export,
checked first, every problem by row, then written whole or not at all."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from models.store import Store
from models.wording import describe
from ui.events import AppEvents, Changes
from ui.exchange.problem_table import problem_table, save_report, show_problems
from ui.widgets import ErrorLabel
from ui.workers import Worker, run_with_progress


def national_in_worker(folder: Path, path: str, code: str | None, *, dry_run: bool):
    from models.exchange.national import import_national

    def work(progress, cancelled):
        with Store.open(folder) as store:
            return import_national(store, path, village_code=code, dry_run=dry_run, progress=progress)

    return work


class NationalTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.path = ""
        self.result = None
        self.worker: Worker | None = None
        intro = QLabel(
            "读取全国扶贫开发信息系统导出的户/人员表（.xlsx、.xls 或 UTF-8/GBK 的 .csv），"
            '建立本村或更新已有的村。标题行、列名写法不同、全角字符、被存成数字或 ="…" 的证件号码都会尽量处理；'
            "处理不了的逐行列出。先检查，再写入；有错误时一条也不写入。"
        )
        intro.setWordWrap(True)
        self.code = QLineEdit()
        self.code.setObjectName("national-village-code")
        self.code.setPlaceholderText("12 位村代码（文件中没有村代码时填写）")
        self.code.setMaxLength(12)
        self.choose = QPushButton("选择文件并检查…")
        self.choose.setObjectName("national-choose")
        self.choose.clicked.connect(lambda: self.check())
        self.write_button = QPushButton("写入")
        self.write_button.setObjectName("national-write")
        self.write_button.setEnabled(False)
        self.write_button.clicked.connect(lambda: self.write())
        self.report_button = QPushButton("保存问题清单…")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(lambda: self.save_report())
        row = QHBoxLayout()
        row.addWidget(QLabel("村代码："))
        row.addWidget(self.code)
        for w in (self.choose, self.write_button, self.report_button):
            row.addWidget(w)
        row.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("national-summary")
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        self.problems = problem_table("national-problems")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.problems, 1)

    def check(self, path: str | None = None) -> Worker | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "选择国家系统导出的文件", str(Path.home()), "表格文件 (*.xlsx *.xls *.csv)"
            )
            if not path:
                return None
        self.path = path
        return self._run(dry_run=True)

    def write(self) -> Worker | None:
        return self._run(dry_run=False) if self.path else None

    def _run(self, *, dry_run: bool) -> Worker:
        self.error.set_error("")
        self.write_button.setEnabled(False)
        self.choose.setEnabled(False)
        code = self.code.text().strip() or None
        self.worker = run_with_progress(
            self,
            "从国家系统导入",
            national_in_worker(self.store.folder, self.path, code, dry_run=dry_run),
            lambda r: self._done(r, dry_run),
            self._failed,
            label="正在检查……" if dry_run else "正在写入……",
        )
        return self.worker

    def _done(self, result, dry_run: bool) -> None:
        self.choose.setEnabled(True)
        self.result = result
        errors = [p for p in result.problems if p.is_error]
        show_problems(self.problems, result.problems)
        self.report_button.setEnabled(bool(result.problems))
        counts = (
            f"{result.village_name}（{result.village_code}）：新增 {result.households_added} 户、更新 "
            f"{result.households_updated} 户；新增 {result.members_added} 人、更新 {result.members_updated} 人"
        )
        if errors:
            self.summary.setText(f"有 {len(errors)} 个错误，没有写入任何数据。改正文件后重新检查。")
        elif dry_run:
            self.summary.setText(f"检查通过（尚未写入）。写入后将{counts}。")
            self.write_button.setEnabled(True)
        elif not (
            result.households_added or result.households_updated or result.members_added or result.members_updated
        ):
            self.summary.setText("无变化：文件中的内容与本程序中的一致。")
        else:
            self.summary.setText(f"已写入：{counts}。")
            self.events.emit_changes(Changes.of("village", "households"), self)

    def _failed(self, error: BaseException) -> None:
        self.choose.setEnabled(True)
        self.summary.setText("")
        self.error.set_error(describe(error))

    def save_report(self, path: str | None = None) -> str:
        return save_report(self, self.result.problems if self.result else [], path)
