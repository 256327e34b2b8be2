"""The 公示与打印 section: build off the UI thread, preview, save; a batch can be cancelled."""

from PySide6.QtCore import QDate


def _choose(screen, key):
    screen.document.setCurrentIndex(screen.document.findData(key))


def test_build_preview_and_save_a_notice(qtbot, demo_window, demo_store, tmp_path):
    demo_window.show_section("公示与打印")
    screen = demo_window.printing
    _choose(screen, "notice:exit")
    screen.year.setValue(2020)
    screen.start.setDate(QDate(2020, 12, 1))
    assert screen.end.date() == QDate(2020, 12, 7)  # the configured 7 days
    worker = screen.build()
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    assert screen.pdf.pageCount() >= 1 and "已生成" in screen.status.text()
    assert demo_store.db.execute("SELECT count(*) FROM notices").fetchone()[0] == 0  # a preview is not a posting
    saved = screen.save_pdf(str(tmp_path / "退出公示.pdf"))
    assert saved and (tmp_path / "退出公示.pdf").read_bytes()[:4] == b"%PDF"
    assert demo_store.db.execute("SELECT count(*) FROM notices").fetchone()[0] == 1  # saved for posting: recorded
    screen.save_pdf(str(tmp_path / "again.pdf"))
    assert demo_store.db.execute("SELECT count(*) FROM notices").fetchone()[0] == 1  # once
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert screen.print_to(printer, dpi=60) == screen.pdf.pageCount()
    assert (tmp_path / "printed.pdf").stat().st_size > 1000


def test_a_notice_shorter_than_its_period_is_refused(qtbot, demo_window):
    demo_window.show_section("公示与打印")
    screen = demo_window.printing
    _choose(screen, "notice:funds")
    screen.start.setDate(QDate(2020, 12, 1))
    assert screen.end.date() == QDate(2020, 12, 10)  # 10 days for projects and funds
    screen.end.setDate(QDate(2020, 12, 3))
    worker = screen.build()
    with qtbot.waitSignal(worker.signals.failed, timeout=60_000):
        pass
    assert "公示期只有 3 天，至少要 10 天" in screen.error.text()


def test_a_batch_can_be_cancelled(qtbot, demo_window, tmp_path):
    demo_window.show_section("公示与打印")
    screen = demo_window.printing
    _choose(screen, "binder")
    screen.year.setValue(2020)
    worker = screen.build()
    with qtbot.waitSignal(worker.signals.progress, timeout=60_000):
        pass  # it is under way, and the window still answers
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    [cancel] = [b for b in screen.progress.findChildren(QPushButton) if b.text() == "取消"]
    with qtbot.waitSignal(worker.signals.failed, timeout=60_000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)  # the dialog's 取消 button
    assert "已取消" in screen.error.text() and screen.current is None
    assert list(__import__("pathlib").Path(screen.tmp.name).iterdir()) == []  # no half-written file


def test_a_household_that_does_not_exist_is_refused(qtbot, demo_window):
    screen = demo_window.printing
    _choose(screen, "household")
    screen.households.setText("0000")
    assert screen.build() is None and "没有户编号为 0000" in screen.error.text()


def test_print_actions_on_a_household_and_a_ledger(qtbot, demo_window, demo_store, tmp_path):
    from pypdf import PdfReader

    screen = demo_window.households
    [village] = demo_store.villages.all()
    screen.set_village(village.id)
    form = screen.open_household(screen.model.household_id(0))
    message = form.print_pdf("card", str(tmp_path / "card.pdf"))
    assert "共 1 页" in message and "12317" in PdfReader(tmp_path / "card.pdf").pages[0].extract_text()
    assert "没有生成" in form.print_pdf("household", str(tmp_path / "missing" / "x.pdf"))
    demo_window.show_section("台账")
    tab = demo_window.ledgers.projects
    tab.year.setCurrentIndex(tab.year.findData(2020))
    assert "已生成" in tab.print_pdf(str(tmp_path / "projects.pdf"))
    assert "合计" in "".join(p.extract_text() for p in PdfReader(tmp_path / "projects.pdf").pages)


def test_a_notice_with_nobody_on_it_says_why_instead_of_printing(qtbot, demo_window, demo_store):
    demo_window.show_section("公示与打印")
    screen = demo_window.printing
    _choose(screen, "notice:identify")
    screen.year.setValue(2024)  # nobody applied that year
    screen.start.setDate(QDate(2024, 12, 1))
    worker = screen.build()
    with qtbot.waitSignal(worker.signals.failed, timeout=60_000):
        pass
    assert "2024 年没有要公示的户" in screen.error.text() and screen.current is None
    assert not screen.print_button.isEnabled()
