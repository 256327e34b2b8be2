"""The 上报 section: export with progress, the county's check-then-import, its view and duplicates."""

import zipfile

import openpyxl
import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from models.exchange.package import MANIFEST
from models.store import Store
from ui import look
from ui.events import AppEvents
from ui.exchange.password_dialog import PasswordDialog
from ui.main_window import MainWindow


def _wait(qtbot, worker):
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass


@pytest.fixture
def county_window(qtbot, tmp_path):
    look.apply(QApplication.instance())
    store = Store.open(tmp_path / "county", actor="县扶贫办")
    w = MainWindow(store, AppEvents())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    store.close()


def _column(table, header):
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(header)


def test_export_then_check_then_import_in_the_county(qtbot, demo_window, county_window, tmp_path):
    demo_window.show_section("上报")
    tab = demo_window.exchange.export_tab
    path = str(tmp_path / "上报包.xlsx")
    _wait(qtbot, tab.export(path))
    assert "已导出" in tab.status.text()
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames[0] == MANIFEST

    county_window.show_section("上报")
    screen = county_window.exchange
    screen.tabs.setCurrentWidget(screen.import_tab)
    _wait(qtbot, screen.import_tab.check([path]))
    results = screen.import_tab.results
    assert results.rowCount() == 1 and results.item(0, _column(results, "结果")).text() == "检查通过（未加密、未签名）"
    assert "1 个上报包未签名" in screen.import_tab.summary.text()
    assert county_window.store.villages.all() == []  # the check wrote nothing
    assert screen.import_tab.import_button.isEnabled()
    screen.import_tab.import_button.click()
    _wait(qtbot, screen.import_tab.worker)
    assert results.item(0, _column(results, "结果")).text() == "已导入（未加密、未签名）"
    [village] = county_window.store.villages.all()
    assert county_window.header.village_box.count() == 1  # the header learnt of the new village
    screen.tabs.setCurrentWidget(screen.county_tab)
    villages = screen.county_tab.villages
    assert villages.rowCount() == 1 and villages.item(0, 0).text() == village.code
    assert villages.item(0, _column(villages, "最近导入")).text()
    assert "全县 1 个村" in screen.county_tab.totals.text()
    out = screen.county_tab.export(str(tmp_path / "县级汇总.xlsx"))
    assert out and openpyxl.load_workbook(out)["各村汇总"].cell(2, 1).value == village.code


def test_problems_are_listed_by_sheet_row_and_column(qtbot, demo_window, county_window, tmp_path):
    tab = demo_window.exchange.export_tab
    path = str(tmp_path / "上报包.xlsx")
    _wait(qtbot, tab.export(path))
    wb = openpyxl.load_workbook(path)
    ws = wb["贫困户"]
    ws.cell(3, [c.value for c in ws[1]].index("贫困户属性") + 1).value = "不存在的属性"
    wb.save(tmp_path / "bad.xlsx")
    imp = county_window.exchange.import_tab
    _wait(qtbot, imp.check([str(tmp_path / "bad.xlsx")]))
    assert imp.results.item(0, _column(imp.results, "结果")).text() == "已拒绝（未加密、未签名）"
    assert not imp.import_button.isEnabled()
    rows = [
        [imp.problems.item(r, c).text() for c in range(imp.problems.columnCount())]
        for r in range(imp.problems.rowCount())
    ]
    assert ["bad.xlsx", "贫困户", "3", "贫困户属性", "不存在的属性"] in [r[:5] for r in rows]
    saved = imp.save_report(str(tmp_path / "问题清单.xlsx"))
    report = openpyxl.load_workbook(saved).active
    assert report.cell(1, 1).value == "文件" and report.max_row == len(rows) + 1


def test_export_can_be_cancelled_and_leaves_no_file(qtbot, demo_window, tmp_path):
    tab = demo_window.exchange.export_tab
    path = tmp_path / "cancelled.xlsx"
    worker = tab.export(str(path))
    worker.cancel()
    with qtbot.waitSignal(worker.signals.failed, timeout=60_000):
        pass
    assert "取消" in tab.error.text() and not path.exists()
    assert list(tmp_path.glob("*cancelled*")) == []  # nor its temporary file


def test_many_packages_are_checked_and_imported_from_the_window(qtbot, county_window, tmp_path):
    """Several files: worker processes started from the window's worker thread."""
    from models.demo.generator import generate
    from models.exchange.package import export_village

    with Store.open(tmp_path / "villages", actor="演示") as source:
        generate(source, seed=4, households=30, villages=3)
        files = [str(tmp_path / f"{v.code}.xlsx") for v in source.villages.all()]
        for v, f in zip(source.villages.all(), files):
            export_village(source, v.id, f)
    imp = county_window.exchange.import_tab
    _wait(qtbot, imp.check(files))
    assert [imp.results.item(r, _column(imp.results, "结果")).text() for r in range(3)] == [
        "检查通过（未加密、未签名）"
    ] * 3
    imp.import_button.click()
    _wait(qtbot, imp.worker)
    assert [imp.results.item(r, _column(imp.results, "结果")).text() for r in range(3)] == [
        "已导入（未加密、未签名）"
    ] * 3
    assert len(county_window.store.villages.all()) == 3 and county_window.header.village_box.count() == 3


def test_a_national_export_is_checked_then_written_from_the_window(qtbot, county_window, tmp_path):
    from tests.exchange.test_national import VILLAGE_CODE, sample, write_xlsx

    path = str(write_xlsx(tmp_path / "national.xlsx", sample()))
    tab = county_window.exchange.national_tab
    tab.code.setText(VILLAGE_CODE)
    _wait(qtbot, tab.check(path))
    assert "检查通过" in tab.summary.text() and county_window.store.villages.all() == []
    tab.write_button.click()
    _wait(qtbot, tab.worker)
    assert "已写入" in tab.summary.text() and county_window.header.village_box.count() == 1
    _wait(qtbot, tab.check(path))
    tab.write_button.click()
    _wait(qtbot, tab.worker)
    assert "无变化" in tab.summary.text()


PASSWORD = "县扶贫办2020上报"


def _set_password(store, parent, typed_again=PASSWORD):
    dialog = PasswordDialog(store, "", parent)
    assert dialog.first.echoMode() == dialog.again.echoMode() == QLineEdit.EchoMode.Password  # masked
    dialog.first.setText(PASSWORD)
    dialog.again.setText(typed_again)
    return dialog.save(), dialog


def test_the_screens_say_whether_packages_are_protected(qtbot, demo_window, county_window, tmp_path):
    demo_window.show_section("上报")
    tab = demo_window.exchange.export_tab
    assert "未设上报包密码" in tab.protection.text() and tab.password_button.text() == "设置上报包密码…"
    saved, dialog = _set_password(demo_window.store, tab, typed_again=PASSWORD + "1")
    assert not saved and "不一致" in dialog.error.text()
    assert _set_password(demo_window.store, tab)[0]
    tab.show_protection()
    assert "导出的上报包将加密并签名" in tab.protection.text() and tab.password_button.text() == "修改上报包密码…"
    path = str(tmp_path / "上报包.xlsx")
    _wait(qtbot, tab.export(path))
    assert "已加密并签名" in tab.status.text()
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(path)  # encrypted: only with the password

    imp = county_window.exchange.import_tab
    assert "未设上报包密码" in imp.protection.text()
    _wait(qtbot, imp.check([path]))
    result = _column(imp.results, "结果")
    assert imp.results.item(0, result).text() == "已拒绝"
    assert "需要上报包密码" in imp.problems.item(0, _column(imp.problems, "问题")).text()
    assert _set_password(county_window.store, imp)[0]
    imp.show_protection()
    assert "已设上报包密码" in imp.protection.text()
    _wait(qtbot, imp.check([path]))
    assert imp.results.item(0, result).text() == "检查通过（已加密、已签名）"
    assert "未签名" not in imp.summary.text()
