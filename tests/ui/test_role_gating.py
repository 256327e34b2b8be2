"""What each role is offered (issue 15): the screens withhold the controls that write what the
operator's roles may not, saying which role may, and the services refuse the same. Driven in the
real widgets of one folder with an operator of each role."""

import shutil

import pytest
import shiboken6
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtWidgets import QApplication

from models import access, codes
from models.rules.procedures import current_round, expected_step
from models.services import operators as ops
from models.store import Login, Store
from ui.events import AppEvents
from ui.households.event_dialogs import MemberChangeDialog, StatusDialog
from ui.households.form import HouseholdForm
from ui.main_window import MainWindow
from ui.widgets import READ_ONLY_TIP

ADMIN, ADMIN_PW, PW = "管理员甲", "管理员的密码123", "password-1"
ROLES = ("admin", "entry", "review", "viewer", "county")
ENTRY_TIP = "只有录入角色可以登记和修改贫困户、台账、走访"
REVIEW_TIP = "只有审核角色可以办理程序、标注脱贫、例外和公示"


@pytest.fixture(scope="module")
def secured(tmp_path_factory, demo_template):
    """The demo village, encrypted, with one operator of each role (made once: Argon2 is slow)."""
    folder = tmp_path_factory.mktemp("gating") / "secured"
    shutil.copytree(demo_template, folder)
    store, _ = ops.first_operator(folder, ADMIN, ADMIN_PW, {"admin"})
    with store:
        for role in ROLES[1:]:
            ops.add_operator(store, codes.ROLE.label(role), PW, {role})
    return folder


@pytest.fixture
def copy(secured, tmp_path):
    """A copy of the folder for a test that writes."""
    return shutil.copytree(secured, tmp_path / "copy")


def login(folder, role, **kwargs):
    name, password = (ADMIN, ADMIN_PW) if role == "admin" else (codes.ROLE.label(role), PW)
    return Store.open(folder, login=Login(name, password), **kwargs)


@pytest.fixture
def opened(qtbot):
    """Opens windows and forms as an operator; closes each before its store, as the program does."""
    made: list = []

    def open_(folder, role, make=None, **kwargs):
        store = login(folder, role, **kwargs)
        widget = make(store) if make else MainWindow(store, AppEvents())
        made.append((widget, store))
        return widget

    yield open_
    for widget, _ in made:
        if shiboken6.isValid(widget):
            widget.close()
            widget.deleteLater()  # a window's idle lock reads its store every 15 s: gone with it
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    for _, store in made:
        store.close()


def entry_writes(w: MainWindow) -> dict:
    """The main window's controls that write what a 录入 keeps (the register, 村情, 帮扶, plans, ledgers)."""
    a, p, ledgers = w.assistance, w.plans, w.ledgers
    return {
        "新建户": w.households.new_button,
        "新建户（菜单）": w.households.new_action,
        "保存村情": w.village_screen.save_button,
        **{f"小组 {b.text()}": b for b in w.village_screen.groups.buttons()},
        "保存该年人口": w.village_screen.years.save_button,
        "添加干部": a.team.add_button,
        "登记离开": a.team.leave_button,
        "结对": a.pairing.pair_button,
        "更正结对": a.pairing.correct_button,
        "登记走访": a.visits.add_button,
        **{
            f"一户一策 {b.text()}": b
            for b in (p.suggest_button, p.copy_button, p.add_button, p.remove_button, p.save_button)
        },
        "新建项目": ledgers.projects.new_button,
        "登记拨付": ledgers.projects.pay_button,
        "登记在村": ledgers.team.attend_button,
        "记工作日志": ledgers.team.log_button,
        "登记专项": ledgers.programmes.add_button,
        "登记检查": ledgers.inspections.add_button,
        "再添问题": ledgers.inspections.more_button,
        "已整改": ledgers.inspections.complete_button,
    }


def looking(w: MainWindow) -> dict:
    """Controls that only show, print or export: offered to every role."""
    ledgers = w.ledgers
    return {
        "修改干部（查看）": w.assistance.team.edit_button,
        "修改项目（查看）": ledgers.projects.edit_button,
        **{f"{k} 打印": getattr(ledgers, k).print_button for k in ("projects", "team", "programmes", "inspections")},
        **{f"{k} 导出": getattr(ledgers, k).export_button for k in ("projects", "team", "programmes", "inspections")},
        "生成并预览": w.printing.build_button,
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_an_entry_clerk_is_offered_the_register_assistance_plans_and_ledgers(qtbot, secured, opened, role):
    window = opened(secured, role)
    for section in ("村情", "帮扶", "一户一策", "台账"):  # each screen as the clerk opens it
        window.show_section(section)
    offered = {name: c.isEnabled() for name, c in entry_writes(window).items()}
    assert offered == dict.fromkeys(offered, role == "entry")
    if role != "entry":
        tips = {name: c.toolTip() for name, c in entry_writes(window).items()}
        assert tips == dict.fromkeys(tips, ENTRY_TIP)  # who may, in the refusal's words
    assert all(c.isEnabled() for c in looking(window).values())


def test_the_menus_offer_a_viewer_nothing_that_writes(qtbot, secured, opened):
    window = opened(secured, "viewer")
    assert not window.file_menu.actions["backup"].isEnabled()
    assert window.file_menu.actions["backup"].toolTip() == "只有管理员角色可以备份和恢复"
    assert not window.account.actions["operators"].isEnabled()
    assert not window.exit_check.lines_button.isEnabled()
    assert "管理员或县级" in window.exit_check.lines_button.toolTip()  # either may keep the poverty lines
    assert window.exit_check.run_button.isEnabled()  # 核查 only reads
    admin = opened(secured, "admin")
    assert admin.file_menu.actions["backup"].isEnabled() and admin.account.actions["operators"].isEnabled()
    assert admin.exit_check.config_button.isEnabled()


def test_a_folder_open_read_only_offers_an_entry_clerk_no_writing(qtbot, secured, opened):
    window = opened(secured, "entry", read_only=True)
    window.show_section("帮扶")
    for name, control in entry_writes(window).items():
        assert not control.isEnabled(), name
        assert control.toolTip() == READ_ONLY_TIP, name


def _household(store, status="not_exited"):
    """A household of that status whose exit round has a next step."""
    [village] = store.villages.all()
    for hid in store.households.ids(village.id):
        if store.households.get(hid).status == status:
            done = current_round("exit", store.assistance.steps(hid), store.households.file(hid).status_events)
            if expected_step("exit", done, store.config()):
                return village.id, hid
    raise AssertionError("the demo has such a household")


def _form(store, **kwargs):
    village_id, hid = _household(store)
    return HouseholdForm(store, AppEvents(), village_id=village_id, household_id=hid, **kwargs)


@pytest.mark.parametrize("role", ("entry", "review", "viewer"))
def test_the_household_form_offers_each_role_its_own_writes(qtbot, secured, opened, role):
    form = opened(secured, role, _form)
    qtbot.addWidget(form)
    tab = form.assistance
    entry, review = role == "entry", role == "review"
    assert form.save_button.isEnabled() is entry
    for button in (form.change_button, form.head_button, tab.loan_button, form.income.picker.add_button):
        assert button.isEnabled() is entry, button.text()
    for button in (form.assurance.picker.remove_button, form.income.propose_button):
        assert button.isEnabled() is entry, button.text()
    # 标注脱贫 and the procedure's steps are a 审核's; 识别 is not due for a household already identified
    assert form.status_buttons["exit"].isEnabled() is review
    assert tab.step_button.isEnabled() is review
    assert not form.status_buttons["identify"].isEnabled()
    if not entry:
        assert form.save_button.toolTip() == ENTRY_TIP
    if not review:
        assert form.status_buttons["exit"].toolTip() == tab.step_button.toolTip() == REVIEW_TIP
    status = StatusDialog(form.store, form.household_id, "exit", form)
    members = MemberChangeDialog(form.store, form.household_id, form)
    assert status.ok_button.isEnabled() is review and members.ok_button.isEnabled() is entry
    assert form.print_file_button.isEnabled() and form.print_card_button.isEnabled()  # printing is anyone's


def test_a_viewer_prints_a_household_card_as_the_one_logged_in(qtbot, secured, opened, tmp_path):
    form = opened(secured, "viewer", _form)
    qtbot.addWidget(form)
    assert "共 1 页" in form.print_pdf("card", str(tmp_path / "card.pdf"))  # its own connection, same login


def test_identification_is_offered_to_an_entry_clerk_and_a_reviewer(qtbot, secured, opened):
    kinds = access.row_actions("status_events", {"kind": "identify"})
    assert {"edit", "review"} <= kinds  # so the gate follows the table, not a copy of it
    for role, offered in (("entry", True), ("review", True), ("viewer", False)):
        store = login(secured, role)
        dialog = StatusDialog(store, _household(store)[1], "identify")
        assert dialog.ok_button.isEnabled() is offered, role
        dialog.close()
        store.close()


def test_a_reviewer_records_the_next_step_and_an_entry_clerk_cannot_even_past_the_button(qtbot, copy, opened):
    form = opened(copy, "review", _form)
    qtbot.addWidget(form)
    store, hid = form.store, form.household_id
    before = len(store.assistance.steps(hid))
    qtbot.mouseClick(form.assistance.step_button, Qt.MouseButton.LeftButton)
    assert len(store.assistance.steps(hid)) == before + 1, form.assistance.error.text()
    form.close()

    clerk = opened(copy, "entry", _form)
    qtbot.addWidget(clerk)
    tab = clerk.assistance
    assert not tab.step_button.isEnabled()
    qtbot.mouseClick(tab.step_button, Qt.MouseButton.LeftButton)  # a disabled button does nothing
    tab._on_step()  # and the service refuses what the button would have done
    assert "没有办理程序、标注脱贫、例外和公示的权限（需要审核角色）" in tab.error.text()
    assert len(clerk.store.assistance.steps(hid)) == before + 1


def _build_notice(qtbot, window):
    window.show_section("公示与打印")
    screen = window.printing
    screen.document.setCurrentIndex(screen.document.findData("notice:exit"))
    screen.year.setValue(2020)
    screen.start.setDate(QDate(2020, 12, 1))
    worker = screen.build()
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    return screen


def test_only_a_reviewer_may_post_a_notice_anyone_may_preview_it(qtbot, copy, opened, tmp_path):
    clerk = _build_notice(qtbot, opened(copy, "entry"))
    assert clerk.pdf.pageCount() >= 1  # the preview is built for the clerk's session
    assert not clerk.print_button.isEnabled() and not clerk.save_button.isEnabled()
    assert clerk.save_button.toolTip() == REVIEW_TIP
    assert clerk.save_pdf(str(tmp_path / "clerk.pdf")) == ""  # past the button, the service refuses
    assert "需要审核角色" in clerk.error.text()
    clerk.document.setCurrentIndex(clerk.document.findData("ledger:projects"))
    worker = clerk.build()
    with qtbot.waitSignal(worker.signals.finished, timeout=60_000):
        pass
    assert clerk.save_button.isEnabled() and clerk.save_button.toolTip() == ""  # a ledger is anyone's to print
    clerk.window().close()

    reviewer = _build_notice(qtbot, opened(copy, "review"))
    assert reviewer.print_button.isEnabled() and reviewer.save_button.isEnabled()
    assert reviewer.save_pdf(str(tmp_path / "退出公示.pdf")), reviewer.error.text()
    assert reviewer.store.db.execute("SELECT count(*) FROM notices").fetchone()[0] == 1  # posted: recorded
