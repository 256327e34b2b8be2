"""Renders every screen of the demo village to PNG: ``python -m desktop.screenshots [FOLDER]``.

Runs offscreen (no display needed) on a fresh demo village in a temporary data folder, and
writes docs/screenshots/ by default. Look at the pictures: boxes instead of Chinese glyphs,
clipped labels and empty tables are bugs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop.paths import resource_root
from models.demo.generator import generate
from models.store import Store
from ui import look
from ui.assistance.cadre_dialog import CadreDialog
from ui.events import AppEvents
from ui.first_start import FirstStartDialog
from ui.folder_in_use import folder_in_use_box
from ui.households.event_dialogs import MemberChangeDialog, StatusDialog
from ui.ledgers.projects_tab import ProjectDialog
from ui.main_window import SECTIONS, MainWindow
from ui.settings_dialogs import ConfigDialog, PovertyLineDialog
from ui.tables import key_of

Stop = tuple[str, QWidget]  # a named stop of the tour and the window or dialog shown there


def render(folder: Path) -> list[Path]:
    """Save a picture of every stop of the tour."""
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)  # the program makes only QApplications
    look.apply(app)
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, widget in tour(Path(tmp)):
            path = folder / f"{name}.png"
            widget.grab().save(str(path))
            shots.append(path)
    return shots


def _stop(name: str, widget: QWidget) -> Stop:
    QApplication.processEvents()
    return name, widget


def tour(tmp: Path) -> Iterator[Stop]:
    """Every screen and dialog of the program, filled from a demo village, in turn (the
    screenshots and the label test walk the same tour)."""
    with Store.open(tmp / "empty") as empty:
        dialog: QDialog = FirstStartDialog(empty)
        dialog.show()
        yield _stop("00-first-start", dialog)
        dialog.close()
    box = folder_in_use_box(tmp / "demo", "电脑“村委会”上的用户“文书”，自 2026-12-01 09:30 起")
    box.show()
    yield _stop("05-数据文件夹已在别处打开", box)
    box.close()
    yield from _access(tmp / "secured")
    store = Store.open(tmp / "demo", actor="演示")
    generate(store, seed=1)
    window = MainWindow(store, AppEvents())
    window.resize(1280, 800)
    window.show()
    for i, section in enumerate(SECTIONS[:2]):
        window.show_section(section)
        yield _stop(f"{i + 1:02d}-{section}", window)
    screen = window.households
    screen.search.setText("zh")
    screen.apply_filter()
    yield _stop("03-搜索-拼音首字母", window)
    screen.clear_filters()
    window.show_section("贫困户")
    village_id = window.header.village_id
    assert village_id is not None  # the demo village is shown
    # A household with history: the first one that has left members or status changes.
    hid = next(h for h in store.households.ids(village_id) if len(store.households.file(h).status_events) > 2)
    form = screen.open_household(hid)
    assert form is not None
    form.resize(1280, 760)
    for i in range(form.tabs.count()):
        form.tabs.setCurrentIndex(i)
        yield _stop(f"1{i}-户-{form.tabs.tabText(i)}", form)
    dialog = MemberChangeDialog(store, hid, form)
    dialog.resize(520, dialog.sizeHint().height())
    dialog.show()
    yield _stop("20-人员变更", dialog)
    dialog.close()
    dialog = StatusDialog(store, hid, "remove", form)
    dialog.show()
    yield _stop("21-清退", dialog)
    dialog.close()
    form.close()
    for i, tab in enumerate(("干部与工作队", "结对帮扶", "走访记录")):
        window.show_section("帮扶")
        window.assistance.setCurrentIndex(i)
        if i == 1:
            window.assistance.pairing.households.selectRow(0)
        yield _stop(f"3{i}-帮扶-{tab}", window)
        if i == 0:
            team = window.assistance.team
            cadre_id = key_of(team.table, 0)
            assert isinstance(cadre_id, int)  # each row is keyed by its cadre's id
            dialog = CadreDialog(store, store.assistance.cadre(cadre_id), window)
            dialog.show()
            yield _stop("37-帮扶干部", dialog)
            dialog.close()
    window.show_section("一户一策")
    window.plans.show_household(hid, store.assistance.plan_years(hid)[-1])
    yield _stop("33-一户一策", window)
    window.show_section("统计")
    window.exit_check.year.setValue(2020)
    window.exit_check.run()
    window.exit_check.only_failed.setChecked(True)
    yield _stop("34-统计-退出核查", window)
    for name, dialog in (
        ("35-扶贫标准", PovertyLineDialog(store, "贵州省", window)),
        ("36-核查设置", ConfigDialog(store, window)),
    ):
        dialog.show()
        yield _stop(name, dialog)
        dialog.close()
    window.show_section("台账")
    for i, name in enumerate(("项目资金", "驻村帮扶", "扶贫专项", "督查考核")):
        window.ledgers.setCurrentIndex(i)
        if i == 0:
            window.ledgers.projects.year.setCurrentIndex(window.ledgers.projects.year.findData(2020))
            window.ledgers.projects.table.selectRow(0)
        if i == 1:
            window.ledgers.team.year.setValue(2020)
            window.ledgers.team.month.setValue(3)
        if i in (2, 3):
            ledger_tab = window.ledgers.programmes if i == 2 else window.ledgers.inspections
            ledger_tab.year.setCurrentIndex(ledger_tab.year.findData(2020))
        yield _stop(f"4{i}-台账-{name}", window)
        if i == 0:
            pid = window.ledgers.projects.selected_project()
            assert pid is not None
            dialog = ProjectDialog(store, store.ledgers.project(pid), window)
            dialog.show()
            yield _stop("44-扶贫项目", dialog)
            dialog.close()
    window.show_section("公示与打印")
    printing = window.printing
    printing.document.setCurrentIndex(printing.document.findData("notice:exit"))
    pdf = tmp / "preview.pdf"
    from printing.jobs import PrintJob, run_job

    pages = run_job(
        store.folder,
        PrintJob(
            document="notice",
            village_id=village_id,
            year=2020,
            kind="exit",
            start="2020-12-01",
            end="2020-12-07",
        ),
        pdf,
    )
    printing._on_finished((pages, pdf))
    QTest.qWait(1500)  # QPdfView renders its pages on a thread of its own
    yield _stop("50-公示与打印", window)
    yield from _exchange(window, store, tmp)
    window.show_section("贫困户")
    new = screen.new_household()
    assert new is not None
    new.save()  # an empty new household: every required field says so
    new.resize(1280, 760)
    yield _stop("22-新建户-未填写时保存", new)
    new.tabs.setCurrentIndex(1)
    yield _stop("23-新建户-成员", new)
    new.hide()
    window.close()
    # Tear down while Qt lives (left to interpreter exit, Qt objects outlive the app and crash).
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    store.close()


def _access(folder: Path) -> Iterator[Stop]:
    """The first 管理员, the recovery key, the login, the operators and the idle lock (issue 15)."""
    from models.services import operators as ops
    from ui.idle_lock import UnlockDialog
    from ui.login import FirstOperatorDialog, LoginDialog, RecoveryKeyDialog
    from ui.operators_dialog import OperatorsDialog

    first = FirstOperatorDialog(folder)
    first.show()
    yield _stop("01-建立第一位管理员", first)
    first.close()
    store, recovery = ops.first_operator(folder, "王文书", "screenshot-password", {"entry", "review"})
    key = RecoveryKeyDialog(recovery)
    key.show()
    yield _stop("02-恢复密钥", key)
    key.close()
    ops.add_operator(store, "李督查", "screenshot-password", {"viewer"})
    login = LoginDialog(folder)
    login.show()
    yield _stop("03-登录", login)
    login.close()
    people = OperatorsDialog(store)
    people.show()
    yield _stop("04-操作员", people)
    people.close()
    unlock = UnlockDialog(store)
    unlock.show()
    yield _stop("04-已锁定", unlock)
    unlock.close()
    from models.services.safety import backup_now
    from ui.file_menu import BackupLoginDialog

    usb = backup_now(store, folder.parent / "U盘").path  # another laptop's, with its keyring beside
    other = BackupLoginDialog(usb)
    other.show()
    yield _stop("04-另一台电脑的备份", other)
    other.close()
    store.close()


def _exchange(window: MainWindow, store: Store, tmp: Path) -> Iterator[Stop]:
    """The 上报 section: the export done, a county's check with problems, its view, a national file."""
    import openpyxl

    from models import codes
    from models.exchange.package import export_village
    from models.exchange.package_import import import_packages

    window.show_section("上报")
    screen = window.exchange
    village_id = window.header.village_id
    assert village_id is not None  # the demo village is shown
    good = tmp / "龙坡村上报包.xlsx"
    facts = export_village(store, village_id, good)
    screen.export_tab._done(str(good), facts)
    yield _stop("60-上报-本村上报包", window)
    wb = openpyxl.load_workbook(good)  # a clerk's edits after export, as the county finds them
    ws = wb["家庭成员"]
    header = [c.value for c in ws[1]]
    number = ws.cell(3, header.index("证件号码") + 1)
    number.value = number.value[:17] + ("0" if number.value[17] != "0" else "1")
    ws.cell(5, header.index("民族") + 1).value = "汉"
    wb["贫困户"].cell(4, [c.value for c in wb["贫困户"][1]].index("联系电话") + 1).value = "13800000000"
    bad = tmp / "改动过的上报包.xlsx"
    wb.save(bad)
    county = Store.open(tmp / "county", actor="县扶贫办")
    other = Store.open(tmp / "other", actor="演示")
    generate(other, seed=2, households=120, villages=2)
    second = tmp / "第二村上报包.xlsx"
    second_id = other.villages.all()[1].id
    assert second_id is not None  # read from the database
    export_village(other, second_id, second)
    other.close()
    window2 = MainWindow(county, AppEvents())
    window2.resize(1280, 800)
    window2.show()
    window2.show_section("上报")
    imp = window2.exchange.import_tab
    window2.exchange.tabs.setCurrentWidget(imp)
    imp.files = [str(good), str(bad), str(second)]
    imp._done(import_packages(county, imp.files, dry_run=True, workers=1), True)
    yield _stop("61-上报-导入检查", window2)
    imp._done(import_packages(county, [str(good), str(second)], workers=1), False)
    yield _stop("62-上报-导入完成", window2)
    window2.exchange.tabs.setCurrentWidget(window2.exchange.county_tab)
    window2.exchange.county_tab.refresh()
    yield _stop("63-上报-全县概况", window2)
    national = tmp / "国家系统导出.csv"
    lines = [
        "全国扶贫开发信息系统 贫困人口信息",
        "省,市,县,乡,村,户编号,姓名,性别,证件号码,与户主关系,贫困户属性,主要致贫原因,脱贫状态,年度",
    ]
    v = store.villages.get(village_id)
    for hid in store.households.ids(village_id)[:6]:
        f = store.households.file(hid)
        for m in f.members:
            lines.append(
                ",".join(
                    [
                        v.province,
                        v.city,
                        v.county,
                        v.township,
                        v.name,
                        f.household.household_no,
                        m.name,
                        codes.SEX.label(m.sex),
                        m.id_number,
                        codes.RELATION.label(m.relation),
                        codes.ATTRIBUTE.label(f.household.attribute),
                        codes.CAUSE.label(f.household.main_cause),
                        codes.status_label(f.household.status),
                        "2019",
                    ]
                )
            )
    lines[3] = lines[3].replace(lines[3].split(",")[8], "4.52E+17")  # an ID number Excel turned into a number
    national.write_text("\n".join(lines), encoding="gbk")
    from models.exchange.national import import_national

    tab = window2.exchange.national_tab
    window2.exchange.tabs.setCurrentWidget(tab)
    tab.code.setText(v.code)
    tab._done(import_national(county, national, village_code=v.code, dry_run=True), True)
    yield _stop("64-上报-从国家系统导入", window2)
    window2.close()
    window2.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    county.close()


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else resource_root() / "docs" / "screenshots"
    for path in render(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
