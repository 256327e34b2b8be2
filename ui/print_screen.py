"""The 公示与打印 section: choose a document, build it off the UI thread (progress, Cancel),
preview it page by page, print it or save the PDF."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import QDate, QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models import access
from models.errors import CundangError
from models.fields import views
from models.files import atomic_file, preview_folder
from models.store import Store
from models.wording import describe
from printing.fonts import find_font
from printing.jobs import PrintJob, run_job
from printing.notices import notice_days, record_notice
from ui.events import AppEvents
from ui.households.event_dialogs import date_edit
from ui.printing_choices import DOCUMENTS
from ui.widgets import ErrorLabel, gate
from ui.workers import Worker, pool


class PrintScreen(QWidget):
    def __init__(self, store: Store, events: AppEvents) -> None:
        super().__init__()
        self.store, self.events = store, events
        self.village_id: int | None = None
        self.tmp = preview_folder()  # removed on close; a killed program's is removed at the next start
        self.current: Path | None = None
        self.worker: Worker | None = None
        self.progress: QProgressDialog | None = None
        self.built_job: PrintJob | None = None
        self.recorded = False
        self.document = QComboBox()
        self.document.setObjectName("print-document")
        for key, label in DOCUMENTS:
            self.document.addItem(label, key)
        self.year = QSpinBox()
        self.year.setRange(2014, dt.date.today().year + 1)
        self.year.setValue(dt.date.today().year)
        self.households = QLineEdit()
        self.households.setPlaceholderText("户编号，多个用逗号隔开；留空为全村")
        self.start = date_edit()
        self.start.setMaximumDate(QDate.currentDate().addYears(1))
        self.end = date_edit()
        self.end.setMaximumDate(QDate.currentDate().addYears(1))
        self.end.setDate(QDate.currentDate().addDays(6))
        self.a3 = QCheckBox("公示用 A3 纸")
        self.build_button = QPushButton("生成并预览")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为 PDF…")
        self.status = QLabel()
        self.status.setObjectName("print-status")
        self.error = ErrorLabel()
        form = QFormLayout()
        for name, widget in (
            ("document", self.document),
            ("year", self.year),
            ("households", self.households),
            ("start", self.start),
            ("end", self.end),
        ):
            form.addRow(views.PRINT_CHOICES.label(name), widget)
        form.addRow("", self.a3)
        side = QVBoxLayout()
        side.addLayout(form)
        for b in (self.build_button, self.print_button, self.save_button):
            side.addWidget(b)
        side.addWidget(self.status)
        side.addWidget(self.error)
        side.addStretch(1)
        self.pdf = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("print-preview")
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QHBoxLayout(self)
        left = QWidget()
        left.setLayout(side)
        left.setMaximumWidth(360)
        layout.addWidget(left)
        layout.addWidget(self.view, 1)
        self.build_button.clicked.connect(self.build)
        self.document.currentIndexChanged.connect(lambda _: self._default_period())
        self.start.dateChanged.connect(lambda _: self._default_period())
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        self._enable(False)

    def set_village(self, village_id: int | None) -> None:
        self.village_id = village_id

    def _default_period(self) -> None:
        """A notice runs its configured days (7, or 10 for projects and funds) unless changed."""
        document, _, kind = (self.document.currentData() or "").partition(":")
        if document == "notice":
            self.end.setDate(self.start.date().addDays(notice_days(self.store, kind) - 1))

    def _record_if_notice(self) -> bool:
        """Saving or printing a notice is posting it: record it first (a preview was not), as the
        公示 step of each round on it. False, with the reason shown, when it cannot be recorded."""
        job = self.built_job
        if job is not None and job.document == "notice" and not self.recorded:
            try:
                changes = record_notice(self.store, job.village_id, job.kind, job.year, job.start, job.end)
            except CundangError as exc:  # a round that cannot take this period, or nobody left on it
                self.error.set_error(describe(exc))
                return False
            self.events.emit_changes(changes, self)
            self.recorded = True
        return True

    def _enable(self, ready: bool) -> None:
        """Print and save once something is built; for a notice, only for whoever may post it (a
        审核: printing or saving it records it; its preview is anyone's)."""
        posting = self.built_job is not None and self.built_job.document == "notice"
        for button in (self.print_button, self.save_button):
            button.setEnabled(ready)
            button.setToolTip("")
            if ready and posting:
                gate(button, self.store, access.TABLE_ACTIONS["notices"])

    def job(self) -> PrintJob | None:
        """The job the form describes, or None with the reason shown."""
        if self.village_id is None:
            return None
        document, _, kind = self.document.currentData().partition(":")
        ids: list[int] = []
        for number in filter(None, (n.strip() for n in self.households.text().replace("，", ",").split(","))):
            found = self.store.households.by_no(self.village_id, number)
            if found is None:
                self.error.set_error(f"本村没有户编号为 {number} 的户。")
                return None
            assert found.id is not None  # read from the database
            ids.append(found.id)
        return PrintJob(
            document=document,
            village_id=self.village_id,
            year=self.year.value(),
            household_ids=tuple(ids),
            kind=kind,
            start=self.start.date().toString("yyyy-MM-dd"),
            end=self.end.date().toString("yyyy-MM-dd"),
            a3=self.a3.isChecked(),
            record=False,
        )  # a preview is not a posting; saving or printing it is

    def build(self) -> Worker | None:
        """Build off the UI thread, with a progress dialog whose Cancel really stops the work."""
        self.error.set_error("")
        job = self.job()
        if job is None:
            return None
        if self.current is not None and self.current.exists():
            self.current.unlink()  # previews do not pile up
        self.current = None
        out = Path(self.tmp.name) / f"{job.document}-{dt.datetime.now():%H%M%S%f}.pdf"
        self.pending_job = job
        folder, session = self.store.folder, self.store.session
        worker = Worker(
            lambda progress, cancelled: (
                run_job(folder, job, out, progress=progress, cancelled=cancelled, session=session),
                out,
            )
        )
        self.progress = QProgressDialog("正在生成……", "取消", 0, 0, self)
        self.progress.setWindowTitle("公示与打印")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.canceled.connect(worker.cancel)
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(self._on_finished)
        worker.signals.failed.connect(self._on_failed)
        self.worker = worker
        self.status.setText("正在生成……")
        self.build_button.setEnabled(False)
        pool().start(worker)
        self.progress.show()
        return worker

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.reset()

    def _on_finished(self, result: tuple[int, Path]) -> None:
        pages, path = result
        self._close_progress()
        self.built_job = getattr(self, "pending_job", None)
        self.recorded = False
        self.build_button.setEnabled(True)
        self.current = path
        self.pdf.load(str(path))
        warning = find_font(self.store.config().pdf_font or None).warning
        self.status.setText(f"已生成，共 {pages} 页。可预览、打印或另存。" + (f"\n注意：{warning}" if warning else ""))
        self._enable(True)

    def _on_failed(self, error: BaseException) -> None:
        self._close_progress()
        self.build_button.setEnabled(True)
        self.status.setText("")
        self.error.set_error(describe(error))

    def save_pdf(self, path: str | None = None) -> str:
        if self.current is None:
            return ""
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, "另存为 PDF", f"{self.document.currentText()}.pdf", "PDF (*.pdf)"
            )
            if not path:
                return ""
        if not self._record_if_notice():
            return ""
        try:
            with atomic_file(path) as tmp:  # never a half-written file
                shutil.copyfile(self.current, tmp)
        except OSError as exc:
            self.error.set_error(f"保存失败：{describe(exc)}")
            return ""
        self.status.setText(f"已保存到“{path}”。")
        return path

    def print_pdf(self) -> None:
        if self.current is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
        first = self.pdf.pagePointSize(0)
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if first.width() > first.height() else QPageLayout.Orientation.Portrait
        )
        if QPrintDialog(printer, self).exec() != QPrintDialog.DialogCode.Accepted:
            return
        if self._record_if_notice():
            self.print_to(printer)

    def print_to(self, printer: QPrinter, dpi: int = 200) -> int:
        """Each page as an image at ``dpi`` (enough for text on paper, small enough to be quick),
        kept to the page's proportions; a progress dialog whose 取消 stops between pages."""
        pages = self.pdf.pageCount()
        progress = QProgressDialog("正在送往打印机……", "取消", 0, pages, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        painter = QPainter(printer)
        printed = 0
        try:
            for page in range(pages):
                if progress.wasCanceled():
                    break
                if page:
                    printer.newPage()
                size = self.pdf.pagePointSize(page)
                image = self.pdf.render(page, QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72)))
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), scaled), image)
                printed += 1
                progress.setValue(printed)
        finally:
            painter.end()
            progress.reset()
        self.status.setText(f"已送打印机 {printed} 页。" if printed == pages else f"已取消打印（已送 {printed} 页）。")
        return printed
