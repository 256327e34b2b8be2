"""导入上报包 (county): choose packages, check them all first (dry run), see every problem by
file, sheet, row and column, then import those that passed, each whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.changes import EVERYTHING
from models.errors import CundangError
from models.exchange.package_import import CHECKED, IMPORTED, UNCHANGED, Outcome, import_packages
from models.exchange.password import has_password, stored_password
from models.fields import views
from models.store import Store
from models.wording import describe
from ui.events import AppEvents
from ui.exchange.password_dialog import PasswordDialog, password_action
from ui.exchange.problem_table import problem_table, save_report, show_problems
from ui.tables import fill, make_table
from ui.widgets import ErrorLabel
from ui.workers import Worker, run_with_progress

RESULT_HEADERS = views.IMPORT_RESULTS.headers(*views.IMPORT_RESULTS)


def import_in_worker(
    folder: Path,
    files: list[str],
    *,
    dry_run: bool,
    accept_modified: bool,
    password: str | None = None,
    session=None,
):
    """The work function: its own connection, opened with the window's session; the county's
    package password comes from the window, in memory."""

    def work(progress, cancelled):
        with Store.open(folder, session=session) as store:
            return import_packages(
                store,
                files,
                dry_run=dry_run,
                accept_modified=accept_modified,
                password=password,
                progress=lambda i, n, _name: progress(i, n),
                cancelled=cancelled,
            )

    return work


ABOUT_PASSWORD = (
    "上报包密码由县扶贫办设定，告诉各村；各村输入一次后，导出的上报包都用它加密并签名。"
    "程序把它加密保存在县里的数据文件夹中，用来打开加密的上报包、核对签名。"
)


class ImportTab(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.files: list[str] = []
        self.outcomes: list[Outcome] = []
        self.worker: Worker | None = None
        intro = QLabel(
            "先检查（试导入），看清每个问题在哪个文件、工作表、行和列；再导入检查通过的上报包。"
            "每个上报包要么全部导入，要么一条也不导入。同一村较新的上报包按 UUID 替换该村记录。"
        )
        intro.setWordWrap(True)
        self.choose = QPushButton("选择上报包并检查…")
        self.choose.setObjectName("choose-packages")
        self.choose.clicked.connect(lambda: self.check())
        self.accept_modified = QCheckBox("接受导出后被改动过的上报包（记入操作日志）")
        self.accept_modified.setObjectName("accept-modified")
        self.accept_modified.toggled.connect(lambda: self.files and self.check(self.files))
        self.import_button = QPushButton("导入检查通过的上报包")
        self.import_button.setObjectName("import-packages")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(lambda: self.run_import())
        self.report_button = QPushButton("保存问题清单…")
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(lambda: self.save_report())
        self.password_button = QPushButton()
        self.password_button.setObjectName("county-package-password")
        self.password_button.clicked.connect(lambda: self.change_password())
        self.protection = QLabel()
        self.protection.setObjectName("county-protection")
        self.protection.setWordWrap(True)
        buttons = QHBoxLayout()
        for w in (self.choose, self.accept_modified, self.import_button, self.report_button, self.password_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("import-summary")
        self.summary.setWordWrap(True)
        self.error = ErrorLabel()
        self.results = make_table(RESULT_HEADERS, "import-results")
        self.problems = problem_table("import-problems")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.results)
        split.addWidget(self.problems)
        split.setSizes([160, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.protection)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.show_protection()

    def show_protection(self) -> None:
        """Whether the county keeps a package password (encrypted packages open only with it)."""
        kept = has_password(self.store)
        self.password_button.setText(f"{password_action(kept)}…")
        self.protection.setText(
            "已设上报包密码：加密的上报包用它打开，签名用它核对。"
            if kept
            else "未设上报包密码：加密的上报包打不开，签名无法核对。请点“设置上报包密码…”设定，并告诉各村。"
        )

    def change_password(self) -> bool:
        dialog = PasswordDialog(self.store, ABOUT_PASSWORD, self)
        done = bool(dialog.exec())
        self.show_protection()
        return done

    def check(self, files: Sequence[str] | None = None) -> Worker | None:
        """The dry run: everything checked, nothing written."""
        if files is None:
            files, _ = QFileDialog.getOpenFileNames(self, "选择上报包", str(Path.home()), "Excel 工作簿 (*.xlsx)")
            if not files:
                return None
        self.files = list(files)
        return self._run(dry_run=True)

    def run_import(self) -> Worker | None:
        ready = [o.file for o in self.outcomes if o.status == CHECKED]
        if not ready:
            return None
        return self._run(dry_run=False, files=ready)

    def _run(self, *, dry_run: bool, files: list[str] | None = None) -> Worker | None:
        self.error.set_error("")
        try:
            password = stored_password(self.store)
        except CundangError as exc:
            self.error.set_error(f"没有检查：{describe(exc)}")
            return None
        self.choose.setEnabled(False)
        self.import_button.setEnabled(False)
        self.summary.setText("正在检查……" if dry_run else "正在导入……")
        work = import_in_worker(
            self.store.folder,
            files or self.files,
            dry_run=dry_run,
            accept_modified=self.accept_modified.isChecked(),
            password=password,
            session=self.store.session,
        )
        self.worker = run_with_progress(
            self,
            "导入上报包",
            work,
            lambda o: self._done(o, dry_run),
            self._failed,
            label="正在检查上报包……" if dry_run else "正在导入上报包……",
        )
        return self.worker

    def _done(self, outcomes: list[Outcome], dry_run: bool) -> None:
        self.choose.setEnabled(True)
        if not dry_run:  # keep the rows of files not imported this time, replace the others
            by_file = {o.file: o for o in outcomes}
            outcomes = [by_file.get(o.file, o) for o in self.outcomes]
        self.outcomes = outcomes
        rows, warn, tips = [], [], []
        for o in outcomes:
            errors = sum(1 for p in o.problems if p.is_error)
            totals = [sum(c[i] for c in o.changes.values()) for i in range(3)]
            read = bool(o.village_code)  # the file was opened: its protection is known
            rows.append(
                (
                    Path(o.file).name,
                    o.village_code,
                    o.village_name,
                    o.exported_at.replace("T", " "),
                    f"{o.status}（{o.protection}）" if read else o.status,
                    errors,
                    len(o.problems) - errors,
                    *totals,
                )
            )
            warn.append(o.status not in (CHECKED, IMPORTED, UNCHANGED))
            tip = (
                "" if not read or o.signed else "未签名：无法确认这个上报包导出后没有被改动过（村里没有设上报包密码）。"
            )
            tips.append(["", "", "", "", tip])
        fill(self.results, rows, warn=warn, tips=tips)
        problems = [p for o in outcomes for p in o.problems]
        show_problems(self.problems, problems)
        self.report_button.setEnabled(bool(problems))
        counts = {s: sum(1 for o in outcomes if o.status == s) for s in {o.status for o in outcomes}}
        unsigned = sum(1 for o in outcomes if o.village_code and not o.signed)
        self.summary.setText(
            ("检查完毕（没有写入任何数据）：" if dry_run else "导入完毕：")
            + "，".join(f"{s} {n} 个" for s, n in counts.items())
            + (f"；共 {len(problems)} 个问题，红色为必须改正的错误。" if problems else "。")
            + (f"\n提醒：{unsigned} 个上报包未签名，无法确认导出后没有被改动过。" if unsigned else "")
        )
        self.import_button.setEnabled(any(o.status == CHECKED for o in outcomes))
        if not dry_run:
            self.events.emit_changes(EVERYTHING, self)  # an import writes every kind of record

    def _failed(self, error: BaseException) -> None:
        self.choose.setEnabled(True)
        self.summary.setText("")
        self.error.set_error(describe(error))

    def save_report(self, path: str | None = None) -> str:
        problems = [p for o in self.outcomes for p in o.problems]
        saved = save_report(self, problems, path)
        if saved:
            self.summary.setText(f"问题清单已保存：{saved}")
        return saved
