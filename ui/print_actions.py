"""Printing one thing from where the clerk is (a household, a ledger): build the PDF at once and
save it; long batches belong to the 公示与打印 section, which runs them off the UI thread."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from models.errors import CundangError
from models.store import Store
from models.wording import describe
from printing.jobs import PrintJob, run_job
from printing.ledgers import LEDGER_TITLES


def save_pdf_now(parent: QWidget, store: Store, job: PrintJob, name: str, path: str | None = None) -> str:
    """A sentence for the clerk: where the PDF went, or why it did not."""
    if path is None:
        path, _ = QFileDialog.getSaveFileName(parent, "保存 PDF", f"{name}.pdf", "PDF (*.pdf)")
        if not path:
            return ""
    path = path if path.lower().endswith(".pdf") else path + ".pdf"
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        pages = run_job(store.folder, job, path, session=store.session)
    except (CundangError, OSError) as exc:  # an unwritable folder, an unusable font
        return f"没有生成：{describe(exc)}"
    finally:
        QApplication.restoreOverrideCursor()
    return f"已生成“{path}”，共 {pages} 页。"


def print_ledger(tab, kind: str, year: int | None, path: str | None = None) -> str:
    """A ledger tab's 打印 PDF: the ledger of the year shown (this year when all are shown)."""
    if tab.village_id is None:
        return ""
    job = PrintJob(document="ledger", village_id=tab.village_id, kind=kind, year=year or dt.date.today().year)
    message = save_pdf_now(tab, tab.store, job, LEDGER_TITLES[kind], path)
    tab.notice.setText(message)
    return message
