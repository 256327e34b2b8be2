"""Operators, roles, passwords and the encrypted folder (issue 15), at the service layer."""

import datetime as dt
import shutil
import sqlite3

import pytest

from models import access, codes
from models.config import Config
from models.domain import ProcedureStep, Visit
from models.errors import (
    AccountLocked,
    KeyringDamaged,
    LastAdministrator,
    LoginRequired,
    NotAllowed,
    OperatorDisabled,
    PasswordTooShort,
    WrongPassword,
    WrongRecoveryKey,
)
from models.services import assistance as asv
from models.services import operators as ops
from models.services.households import register_household
from models.services.safety import backup_now
from models.storage import sql
from models.storage.keyring import Keyring
from models.storage.register import HouseholdFilter
from models.store import Login, Store
from models.wording import describe
from tests.conftest import family, new_household, secured_demo

ADMIN_PW = "管理员的密码123"
PW = "password-1"


@pytest.fixture
def secured(tmp_path, demo_template):
    """The demo village, encrypted, with one operator of each role besides the 管理员."""
    folder = tmp_path / "secured"
    others = [(codes.ROLE.label(role), PW, {role}) for role in ("entry", "review", "viewer", "county")]
    return folder, secured_demo(demo_template, folder, ("管理员甲", ADMIN_PW, set()), *others)


def as_role(folder, role):
    return Store.open(folder, login=Login(codes.ROLE.label(role), PW))


def test_every_table_has_the_action_its_writes_need(store):
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    unaudited = {"_sqlite_migrations", "audit_log", "upgrade_reports"}
    assert tables - unaudited - set(access.TABLE_ACTIONS) == set()


def test_the_first_operator_is_an_administrator_and_the_folder_needs_a_login(secured):
    folder, _ = secured
    with pytest.raises(LoginRequired) as caught:
        Store.open(folder)
    assert "--user" in describe(caught.value)
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        assert store.operator.roles == {"admin"}
        names = {o.name: o.role_labels for o in ops.list_operators(store)}
    assert names == {"管理员甲": "管理员", "录入": "录入", "审核": "审核", "只读": "只读", "县级": "县级"}


def _visit(store, hid, day):
    cadre = store.db.execute("SELECT id FROM cadres ORDER BY id LIMIT 1").fetchone()[0]
    return asv.add_visit(store, Visit(household_id=hid, cadre_id=cadre, visit_date=day, found="家里有人生病"))


def _household(store, no="9001"):
    village = store.villages.all()[0]
    return register_household(store, new_household(store, village, no), family(seq=int(no) % 100 * 5))


def test_each_role_may_do_its_own_work_and_nothing_else(secured):
    folder, _ = secured
    with as_role(folder, "entry") as store:
        hid = _household(store).id
        _visit(store, hid, "2019-03-01")
        with pytest.raises(NotAllowed) as refused:
            asv.add_step(
                store, ProcedureStep(household_id=hid, procedure="exit", step="review", start_date="2019-03-02")
            )
        assert "办理程序" in describe(refused.value) and "审核" in describe(refused.value)
        with pytest.raises(NotAllowed):
            asv.save_config(store, Config(notice_days=10))
        with pytest.raises(NotAllowed):
            backup_now(store)
    with as_role(folder, "review") as store:
        asv.add_step(store, ProcedureStep(household_id=hid, procedure="exit", step="review", start_date="2019-03-02"))
        with pytest.raises(NotAllowed):
            _household(store, "9002")
    for role in ("viewer", "county"):
        with as_role(folder, role) as store:
            assert store.households.get(hid) is not None  # everybody reads
            with pytest.raises(NotAllowed):
                _visit(store, hid, "2019-03-05")
            with pytest.raises(NotAllowed):
                ops.add_operator(store, "新人", PW, {"viewer"})
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        asv.save_config(store, Config(notice_days=10))
        backup_now(store)
        with pytest.raises(NotAllowed):
            _visit(store, hid, "2019-03-05")
        who = dict(
            store.db.execute(
                "SELECT table_name, actor FROM audit_log WHERE table_name IN ('visits', 'procedure_steps', 'settings')"
                " ORDER BY id"
            ).fetchall()
        )  # the newest row of each
    assert who == {"visits": "录入", "procedure_steps": "审核", "settings": "管理员甲"}  # operators, not the OS user


def test_refused_writes_change_nothing(secured):
    folder, _ = secured
    with as_role(folder, "viewer") as store:
        before = store.last_change()
        with pytest.raises(NotAllowed):
            _household(store, "9003")
        assert store.last_change() == before


def test_passwords_lock_after_five_failures_and_reset_by_an_administrator(secured):
    folder, _ = secured
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPassword) as caught:
            Store.open(folder, login=Login("录入", "wrong-password"))
        assert caught.value.left == left
    with pytest.raises(AccountLocked):
        Store.open(folder, login=Login("录入", "wrong-password"))
    with pytest.raises(AccountLocked) as caught:  # even the right password, until the lock ends
        Store.open(folder, login=Login("录入", PW))
    assert "10 分钟" in describe(caught.value)
    ring = Keyring.load(folder)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
    assert ring.unlock("录入", PW, now=later)  # ten minutes later it opens
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        ops.reset_password(store, "只读", "新的密码abcd")
        with pytest.raises(PasswordTooShort):
            ops.reset_password(store, "只读", "short")
    with pytest.raises(WrongPassword):
        Store.open(folder, login=Login("只读", PW))
    Store.open(folder, login=Login("只读", "新的密码abcd")).close()


def test_own_password_change_and_a_disabled_operator(secured):
    folder, _ = secured
    with as_role(folder, "entry") as store:
        with pytest.raises(WrongPassword):
            ops.change_password(store, "not-the-old-one", "another-password")
        ops.change_password(store, PW, "another-password")
    Store.open(folder, login=Login("录入", "another-password")).close()
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        ops.disable_operator(store, "录入")
        with pytest.raises(LastAdministrator):
            ops.disable_operator(store, "管理员甲")
    with pytest.raises(OperatorDisabled):
        Store.open(folder, login=Login("录入", "another-password"))


def test_the_recovery_key_sets_an_administrators_password(secured):
    folder, recovery = secured
    with pytest.raises(WrongRecoveryKey):
        ops.recover(folder, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "管理员甲", "forgotten-no-more")
    ops.recover(folder, recovery.lower().replace("-", " "), "管理员甲", "forgotten-no-more").close()
    Store.open(folder, login=Login("管理员甲", "forgotten-no-more")).close()


KNOWN = ("张三", "李四妹")  # the names family() registers; and their ID numbers and a phone below


def test_no_plaintext_in_any_file_of_the_data_folder(secured):
    folder, _ = secured
    with as_role(folder, "entry") as store:
        household = _household(store)
        numbers = [m.id_number for m in store.households.members(household.id)]
        demo_names = [r[0] for r in store.db.execute("SELECT name FROM members LIMIT 20")]
        store.writer.update("households", household.id, {"phone": "13812345678"})
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        backup_now(store)
    needles = [*KNOWN, *demo_names, *numbers, "13812345678"]
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" and "备份" in str(p) for p in files)
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (path.name, needle)
            assert needle.encode("utf-16-le") not in data, (path.name, needle)


def test_an_encrypted_folder_does_not_open_without_its_key(secured, tmp_path):
    folder, _ = secured
    with pytest.raises(sqlite3.DatabaseError):  # not readable as SQLite at all
        sqlite3.connect(folder / "cundang.db").execute("SELECT count(*) FROM members").fetchone()
    (folder / "cundang.keys").rename(tmp_path / "kept.keys")
    with pytest.raises(KeyringDamaged) as caught:
        Store.open(folder)
    assert "恢复" in describe(caught.value)


def test_a_backup_opens_only_with_the_folders_key(secured):
    folder, _ = secured
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        info = backup_now(store)
        key = store.session.key
    with pytest.raises(sql.DatabaseError):
        sql.connect(str(info.path), key=bytes(32)).execute("SELECT count(*) FROM households").fetchone()
    conn = sql.connect(str(info.path), key=key)
    assert conn.execute("SELECT count(*) FROM households").fetchone()[0] > 0
    conn.close()


def test_a_plain_folder_is_encrypted_with_its_backups_on_the_first_administrator(tmp_path, demo_template):
    folder = tmp_path / "old"
    shutil.copytree(demo_template, folder)
    with Store.open(folder) as store:  # a folder from before operators, with a plain backup
        backup_now(store)
        households = store.households.count() if hasattr(store.households, "count") else None
    store, _ = ops.first_operator(folder, "管理员甲", ADMIN_PW, {"entry"})
    with store:
        assert store.session.encrypted
        if households is not None:
            assert store.households.count() == households
    backups = list((folder / "备份").glob("*.db"))
    assert len(backups) >= 2  # the one from before, and the verified one taken before encrypting
    for path in [folder / "cundang.db", *backups]:
        assert not sql.is_plain_sqlite(path), path.name
    assert not list(folder.rglob("*plain*"))


def test_list_exports_are_masked_unless_full_values_are_chosen_and_recorded(secured, tmp_path):
    import openpyxl

    from models.exchange.register_export import export_register_list

    folder, _ = secured
    with as_role(folder, "viewer") as store:
        ids = store.register.ids(HouseholdFilter())[:5]
        with pytest.raises(NotAllowed):
            export_register_list(store, ids, tmp_path / "full.xlsx", full=True)
        assert not (tmp_path / "full.xlsx").exists()
        export_register_list(store, ids, tmp_path / "masked.xlsx")
        numbers = {m.id_number for h in ids for m in store.households.members(h)}
    ws = openpyxl.load_workbook(tmp_path / "masked.xlsx").active
    cells = [str(c.value or "") for row in ws.iter_rows(min_row=2) for c in row]
    assert not numbers & set(cells) and any("********" in c for c in cells)
    with as_role(folder, "entry") as store:
        export_register_list(store, ids, tmp_path / "full.xlsx", full=True)
        told = store.db.execute("SELECT rows, file_name FROM disclosures").fetchall()
        actor = store.db.execute("SELECT actor FROM audit_log WHERE table_name = 'disclosures'").fetchone()[0]
    assert told == [(5, "full.xlsx")] and actor == "录入"
    ws = openpyxl.load_workbook(tmp_path / "full.xlsx").active
    assert numbers & {str(c.value) for row in ws.iter_rows(min_row=2) for c in row}


def test_a_first_administrator_stopped_before_their_row_was_written_is_finished_with_their_roles(tmp_path):
    """The keyring is saved before the database row: a program stopped between the two (a killed
    import into a new county folder) leaves a folder the same operator opens, with the roles asked."""
    folder = tmp_path / "county"
    ring, key = Keyring.create(folder, encrypted=True)
    ring.add("县级甲", PW, key)
    ring.first_roles = frozenset({"county", "entry"})
    ring.set_recovery(key)
    ring.save()
    with Store.open(folder, login=Login("县级甲", PW)) as store:
        assert store.operator is not None
        assert store.operator.roles == {"admin", "county", "entry"}
        assert store.may("county") and store.may("operators")
        assert [(r.name, r.roles) for r in ops.list_operators(store)] == [("县级甲", {"admin", "county", "entry"})]
    with pytest.raises(WrongPassword):
        Store.open(folder, login=Login("县级甲", "wrong-password"))
