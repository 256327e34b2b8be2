"""Every label a user reads, on a screen, in a PDF or at the top of a workbook column, is one of
the field table's: a screen or document that writes its own label fails here."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QTableView, QTreeView, QWidget

import printing.binder
import printing.card
import printing.household_file
import printing.ledgers
import printing.notices
from desktop.screenshots import tour
from models import codes, fields
from models.errors import ERROR, Problem, Required
from models.exchange import package
from models.exchange.county import export_county
from models.exchange.package import export_village
from models.exchange.problems import RowProblem, write_report
from models.exchange.register_export import export_register
from models.wording import describe_problem
from printing.jobs import PrintJob, run_job
from ui.main_window import MainWindow


def _not_labels(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted({(where, text) for where, text in texts if text and not fields.is_label(text)})


def _screen_labels(widget: QWidget, stop: str) -> list[tuple[str, str]]:
    """Column headers of every table and tree, and the label of every form row."""
    out = []
    for view in [*widget.findChildren(QTableView), *widget.findChildren(QTreeView)]:
        model = view.model()
        for column in range(model.columnCount()):
            text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            out.append((f"{stop} {view.objectName()}", str(text or "")))
    for form in widget.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                out.append((f"{stop} 表单", item.widget().text()))
    return out


def _workbook_headers(path: Path, code_columns: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """Row 1 of every sheet; ``code_columns``: sheets whose columns from that index on are the
    values of a code list (a count per attribute), which are checked against the code lists.
    A package's manifest is read as label/value lines, and its hidden code sheet is skipped."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    code_labels = {label for c in vars(codes).values() if isinstance(c, codes.CodeList) for label in c.labels}
    for ws in wb.worksheets:
        if ws.title == package.CODE_SHEET:
            continue
        if ws.title == package.MANIFEST:  # facts, then a sheet-by-sheet count under 工作表 / 行数
            keys = [row[0] for row in ws.iter_rows(values_only=True) if row and row[0]]
            out += [(f"{path.name} {ws.title}", str(k)) for k in keys[: keys.index(package.SHEET_KEY) + 1]]
            continue
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        for i, text in enumerate(first):
            if code_columns and ws.title in code_columns and i >= code_columns[ws.title]:
                assert text in code_labels, (path.name, ws.title, text)
                continue
            out.append((f"{path.name} {ws.title}", str(text or "")))
    wb.close()
    return out


def test_every_screen_and_the_workbooks_they_save_use_the_tables_labels(qtbot, tmp_path):
    seen: list[tuple[str, str]] = []
    saved: list[Path] = []
    stops = 0
    for stop, widget in tour(tmp_path / "tour"):
        stops += 1
        seen += _screen_labels(widget, stop)
        if isinstance(widget, MainWindow) and stop.startswith("34-"):
            path = tmp_path / "退出核查.xlsx"
            assert widget.exit_check.export_to(str(path))
            saved.append(path)
        if isinstance(widget, MainWindow) and stop.startswith("4") and "台账" in stop:
            tab = widget.ledgers.currentWidget()
            path = tmp_path / f"{stop}.xlsx"
            assert "已导出" in tab.export(str(path))
            saved.append(path)
        if isinstance(widget, MainWindow) and stop.startswith("02-"):
            path = tmp_path / "贫困户名单.xlsx"
            assert widget.households.export_to(str(path))
            saved.append(path)
    assert stops >= 30 and len(seen) > 300  # the tour reached every screen and found their labels
    assert len(saved) == 6
    for path in saved:
        seen += _workbook_headers(path)
    bad = _not_labels(seen)
    assert bad == [], "\n".join(map(str, bad))


def test_every_workbook_the_program_writes_uses_the_tables_labels(demo_store, tmp_path):
    [village] = demo_store.villages.all()
    package = tmp_path / "上报包.xlsx"
    export_village(demo_store, village.id, package)
    county = tmp_path / "县级汇总.xlsx"
    export_county(demo_store, county, 2020)
    register = tmp_path / "名单.xlsx"
    export_register(demo_store.register, demo_store.households.ids(village.id), register)
    report = tmp_path / "问题清单.xlsx"
    problem = Problem(("members", 3, "id_number"), Required())
    write_report(report, [RowProblem("a.xlsx", "家庭成员", 3, "证件号码", "", describe_problem(problem), ERROR)])
    seen = [
        *_workbook_headers(package),
        *_workbook_headers(county, code_columns={"按贫困户属性": 2, "按主要致贫原因": 2}),
        *_workbook_headers(register),
        *_workbook_headers(report),
    ]
    assert len(seen) > 100
    bad = _not_labels(seen)
    assert bad == [], "\n".join(map(str, bad))


@pytest.fixture
def printed_tables(monkeypatch):
    """The rows of every table a PDF lays out, with whether its first row is a header."""
    tables: list[tuple[str, list, bool]] = []
    for module in (printing.binder, printing.card, printing.household_file, printing.ledgers, printing.notices):
        real = module.table

        def spy(rows, styles, *args, _real=real, _name=module.__name__, **kwargs):
            tables.append((_name, [list(r) for r in rows], kwargs.get("header", True)))
            return _real(rows, styles, *args, **kwargs)

        monkeypatch.setattr(module, "table", spy)
    return tables


def test_every_pdf_labels_its_tables_with_the_tables_labels(demo_store, tmp_path, printed_tables):
    """Header rows, and the label column of label/value tables (the household file's facts)."""
    [village] = demo_store.villages.all()
    hid = demo_store.households.ids(village.id)[0]
    jobs = [
        PrintJob("household", village.id, 2020, (hid,)),
        PrintJob("card", village.id, 2020, (hid,)),
        *(  # a notice of a year that has someone on it (the demo identified its households by 2016)
            PrintJob("notice", village.id, year, kind=k, start=f"{year}-12-01", end=f"{year}-12-15")
            for k in codes.NOTICE_KIND.keys
            for year in [demo_store.households.identified_years(village.id)[0] if k == "identify" else 2020]
        ),
        *(PrintJob("ledger", village.id, 2020, kind=k) for k in ("projects", "team", "programmes", "inspections")),
        PrintJob("binder", village.id, 2020),
    ]
    for n, job in enumerate(jobs):
        assert run_job(demo_store.folder, job, tmp_path / f"{n}.pdf") >= 1
    seen = []
    for module, rows, header in printed_tables:
        if header:
            seen += [(module, str(text)) for text in rows[0]]
        else:  # label, value[, label, value]
            seen += [(module, str(text)) for row in rows for text in row[::2]]
    assert {m for m, _rows, _h in printed_tables} == {
        "printing.binder",
        "printing.card",
        "printing.household_file",
        "printing.ledgers",
        "printing.notices",
    }
    bad = _not_labels(seen)
    assert bad == [], "\n".join(map(str, bad))
