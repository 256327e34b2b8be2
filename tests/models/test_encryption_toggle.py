"""A 管理员 turns a folder's encryption off (an explicit, audited choice) and on again, with real
files; and a backup made by another installation (the laptop that died) restores on a new one
with its own keyring, the copy beside it on the USB stick."""

import shutil
import sqlite3

import pytest

from models import codes
from models.errors import (
    BackupKeyringMissing,
    BackupOfAnotherFolder,
    EncryptionOffNotConfirmed,
    NoOperatorsYet,
    NotAllowed,
    WrongPassword,
    WrongRecoveryKey,
)
from models.services import operators as ops
from models.services import safety
from models.services.encryption import chosen_unencrypted_by, set_encrypted
from models.services.households import register_household
from models.services.operators import UNENCRYPTED_SETTING
from models.storage import backup, sql
from models.storage.keyring import PENDING, Keyring, mark_pending
from models.store import Login, Store
from models.wording import describe
from tests.conftest import family, new_household, secured_demo

ADMIN_PW = "管理员的密码123"
PW = "password-1"
KNOWN_PHONE = "13812345678"


@pytest.fixture
def secured(tmp_path, demo_template):
    """The demo village, encrypted, with a 管理员, a 录入 and a known household."""
    folder = tmp_path / "secured"
    admin, entry = ("管理员甲", ADMIN_PW, {"entry"}), (codes.ROLE.label("entry"), PW, {"entry"})
    recovery = secured_demo(demo_template, folder, admin, entry)
    with Store.open(folder, login=Login("管理员甲", ADMIN_PW)) as store:
        _household(store)
    return folder, recovery


def _household(store):
    """A household whose names, ID numbers and phone the tests look for in the files."""
    village = store.villages.all()[0]
    household = register_household(store, new_household(store, village, "9001"), family(seq=5))
    store.writer.update("households", household.id, {"phone": KNOWN_PHONE})
    return [KNOWN_PHONE, *(m.name for m in family(seq=5)), *(m.id_number for m in family(seq=5))]


def _household_facts():
    return [KNOWN_PHONE, *(m.name for m in family(seq=5)), *(m.id_number for m in family(seq=5))]


def _admin(folder):
    return Store.open(folder, login=Login("管理员甲", ADMIN_PW))


def _counts(store):
    return {t: store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("households", "members")}


def _no_plaintext(folder, needles):
    files = [p for p in folder.rglob("*") if p.is_file()]
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (path.name, needle)
            assert needle.encode("utf-16-le") not in data, (path.name, needle)
    return files


def test_turned_off_the_file_is_plain_sqlite_with_the_same_records_and_the_choice_audited(secured):
    folder, _ = secured
    store = _admin(folder)
    before = _counts(store)
    with pytest.raises(EncryptionOffNotConfirmed) as caught:
        set_encrypted(store, False)
    assert "明确确认" in describe(caught.value) and not store.db.conn.in_transaction
    plain = set_encrypted(store, False, confirmed=True)
    with plain:
        assert not plain.session.encrypted and plain.session.key is not None  # the keyring keeps its key
        assert chosen_unencrypted_by(plain) == "管理员甲"
        actor, action = plain.db.execute(
            "SELECT actor, action FROM audit_log WHERE table_name = 'settings' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert (actor, action) == ("管理员甲", "insert")
        from ui.main_window import window_title

        assert window_title(plain).endswith("（未加密）")
    assert sql.is_plain_sqlite(folder / "cundang.db")
    conn = sqlite3.connect(folder / "cundang.db")  # the standard library reads it: a plain SQLite file
    try:
        assert {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("households", "members")} == before
        assert conn.execute("SELECT count(*) FROM settings WHERE key = ?", [UNENCRYPTED_SETTING]).fetchone()[0] == 1
    finally:
        conn.close()
    ring = Keyring.load(folder)
    assert ring is not None and not ring.encrypted and PENDING not in ring.data
    [taken] = [b for b in backup.list_backups(backup.backup_dir(folder)) if b.reason == "decrypt"]
    assert not sql.is_plain_sqlite(taken.path)  # the copy taken before stays encrypted
    with Store.open(folder, login=Login(codes.ROLE.label("entry"), PW)) as entry:  # a login opens it as before
        assert not entry.session.encrypted and _counts(entry) == before
    # An encrypted backup from before still restores, into the plain folder, with the keyring's key.
    with _admin(folder) as store:
        session = store.session
    restored, kept = safety.restore_folder(folder, taken.path, session)
    assert restored["households"] == before["households"] and kept is not None
    assert sql.is_plain_sqlite(folder / "cundang.db")


def test_turned_on_again_no_name_or_number_is_left_in_any_file_of_the_folder(secured):
    folder, _ = secured
    with _admin(folder) as store:
        before = _counts(store)
        plain = set_encrypted(store, False, confirmed=True)
    with plain:
        safety.backup_now(plain)  # a plain backup beside the encrypted ones
        demo_names = [r[0] for r in plain.db.execute("SELECT name FROM members LIMIT 20")]
    assert any(sql.is_plain_sqlite(p) for p in (folder / "备份").glob("*.db"))
    with _admin(folder) as store:
        encrypted = set_encrypted(store, True)
    with encrypted:
        assert encrypted.session.encrypted and _counts(encrypted) == before
        assert chosen_unencrypted_by(encrypted) == ""
        last = encrypted.db.execute(
            "SELECT actor, action FROM audit_log WHERE table_name = 'settings' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert tuple(last) == ("管理员甲", "delete")
        from ui.main_window import window_title

        assert "未加密" not in window_title(encrypted)
    files = _no_plaintext(folder, [*_household_facts(), *demo_names])
    assert len([p for p in files if p.suffix == ".db" and "备份" in str(p)]) >= 3
    assert not list(folder.rglob("*plain*")) and not list(folder.rglob(".~cundang-*"))
    assert Keyring.load(folder).encrypted
    with Store.open(folder, login=Login(codes.ROLE.label("entry"), PW)) as entry:
        assert entry.session.encrypted and _counts(entry) == before


def test_only_a_administrator_changes_the_encryption_and_a_refusal_changes_nothing(secured, tmp_path):
    folder, _ = secured
    head = (folder / "cundang.db").read_bytes()[:64]
    with Store.open(folder, login=Login(codes.ROLE.label("entry"), PW)) as entry:
        with pytest.raises(NotAllowed):
            set_encrypted(entry, False, confirmed=True)
        with pytest.raises(NotAllowed):
            set_encrypted(entry, True)
    assert (folder / "cundang.db").read_bytes()[:64] == head
    assert not list(backup.backup_dir(folder).glob("*decrypt*"))
    with Store.open(tmp_path / "plain-demo") as nobody:  # a folder without operators (a demo's) stays so
        with pytest.raises(NoOperatorsYet):
            set_encrypted(nobody, True)
    assert not (tmp_path / "plain-demo" / "cundang.keys").exists()


def test_a_swap_stopped_before_the_keyring_was_rewritten_is_settled_by_the_file(secured):
    folder, _ = secured
    ring = Keyring.load(folder)
    after = Keyring(ring.path, dict(ring.data))
    after.encrypted = False
    mark_pending(folder, folder / "cundang.db", after)  # as if the plain copy had been renamed in
    assert not Keyring.load(folder).encrypted and PENDING not in Keyring.load(folder).data
    ring2 = Keyring.load(folder)
    mark_pending(folder, folder / "no-such-file.db", Keyring(ring2.path, {**ring2.data, "encrypted": True}))
    assert not Keyring.load(folder).encrypted  # the file did not change: the keyring stays


# --- A backup made by another installation ---------------------------------------------------


@pytest.fixture
def old_laptop(tmp_path, demo_template):
    """Folder A, the laptop that died: operators, a known household, a backup to a USB stick."""
    folder = tmp_path / "A"
    shutil.copytree(demo_template, folder)
    store, recovery = ops.first_operator(folder, "老管理员", ADMIN_PW, {"entry"})
    with store:
        _household(store)
        households = _counts(store)["households"]
        made = safety.backup_now(store, tmp_path / "U盘")
    assert backup.keyring_beside(made.path).exists()
    return made.path, recovery, households


@pytest.fixture
def new_laptop(tmp_path):
    """Folder B: a new installation with its own first 管理员 and an empty village."""
    folder = tmp_path / "B"
    store, _ = ops.first_operator(folder, "新管理员", "new-admin-pw1", set())
    store.close()
    return folder


def _b_session(folder):
    with Store.open(folder, login=Login("新管理员", "new-admin-pw1")) as store:
        return store.session


def test_a_backup_of_another_installation_restores_with_its_own_password_and_brings_its_operators(
    old_laptop, new_laptop
):
    file, _, households = old_laptop
    folder = new_laptop
    session = _b_session(folder)
    with pytest.raises(BackupOfAnotherFolder) as caught:
        safety.restore_folder(folder, file, session)
    assert "另一个数据文件夹" in describe(caught.value)
    ring = safety.backup_keyring(file)
    foreign = safety.open_foreign_backup(file, ring, login=Login("老管理员", ADMIN_PW))
    assert foreign.counts["households"] == households
    restored, kept = safety.restore_folder(folder, file, session, foreign)
    assert restored["households"] == households and kept is not None
    with Store.open(folder, login=Login("老管理员", ADMIN_PW)) as store:  # A's operator logs in to A's data
        assert store.operator.may("settings") and store.session.encrypted
        assert _counts(store)["households"] == households
    with pytest.raises(WrongPassword):  # B's operator came with nothing: the folder is A's now
        Store.open(folder, login=Login("新管理员", "new-admin-pw1"))
    # B's replaced data keeps B's keyring beside it: restorable in its turn, as another folder's.
    assert backup.keyring_beside(kept).exists()
    with Store.open(folder, login=Login("老管理员", ADMIN_PW)) as store:
        with pytest.raises(BackupOfAnotherFolder):
            safety.check_restorable(folder, kept, store.session)
    assert not list(folder.glob(".~cundang-*"))


def test_the_recovery_key_of_the_old_installation_opens_its_backup_too(old_laptop, new_laptop):
    file, recovery, households = old_laptop
    ring = safety.backup_keyring(file)
    with pytest.raises(WrongRecoveryKey):
        safety.open_foreign_backup(file, ring, recovery_key="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    foreign = safety.open_foreign_backup(file, ring, recovery_key=recovery.lower())
    restored, _ = safety.restore_folder(new_laptop, file, _b_session(new_laptop), foreign)
    assert restored["households"] == households
    assert Keyring.load(new_laptop).names == ["老管理员"]


def test_a_wrong_password_or_a_missing_keyring_changes_nothing(old_laptop, new_laptop, tmp_path):
    file, _, _ = old_laptop
    folder = new_laptop
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    ring = safety.backup_keyring(file)
    with pytest.raises(WrongPassword) as caught:
        safety.open_foreign_backup(file, ring, login=Login("老管理员", "not-the-password"))
    assert "不正确" in describe(caught.value)
    with pytest.raises(WrongPassword):
        safety.open_foreign_backup(file, ring, login=Login("新管理员", "new-admin-pw1"))
    alone = tmp_path / "alone"
    alone.mkdir()
    lone = shutil.copy(file, alone / file.name)
    with pytest.raises(BackupKeyringMissing) as missing:
        safety.restore_folder(folder, lone, _b_session(folder))
    assert ".keys" in describe(missing.value) and "没有被改动" in describe(missing.value)
    with pytest.raises(BackupKeyringMissing):
        safety.backup_keyring(lone)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == before
    with Store.open(folder, login=Login("新管理员", "new-admin-pw1")) as store:
        assert store.operator.name == "新管理员"
    assert not list(backup.backup_dir(folder).glob("*.db"))


def test_a_backup_of_this_folder_on_the_stick_restores_as_before(secured, tmp_path):
    folder, _ = secured
    with _admin(folder) as store:
        made = safety.backup_now(store, tmp_path / "U盘")
        session = store.session
    counts, key = safety.check_restorable(folder, made.path, session)  # its keyring copy is this folder's
    assert key == session.key and counts["households"] > 0
    restored, kept = safety.restore_folder(folder, made.path, session)
    assert restored == counts and kept is not None
    assert not backup.keyring_beside(kept).exists()  # nothing was taken over: no keyring to keep
    with _admin(folder) as store:
        assert store.session.encrypted


def test_restore_from_the_command_line_asks_for_the_backups_own_password(old_laptop, tmp_path, monkeypatch):
    from desktop.cli import main

    file, _, households = old_laptop
    folder = tmp_path / "C"  # a new, empty folder: the new laptop before anything else
    monkeypatch.setenv("CUNDANG_BACKUP_PASSWORD", "wrong-password")
    assert main(["--data", str(folder), "--user", "老管理员", "restore", str(file)]) == 1
    assert not (folder / "cundang.db").exists() or (folder / "cundang.db").stat().st_size == 0
    monkeypatch.setenv("CUNDANG_BACKUP_PASSWORD", ADMIN_PW)
    assert main(["--data", str(folder), "--user", "老管理员", "restore", str(file)]) == 0
    monkeypatch.setenv("CUNDANG_PASSWORD", ADMIN_PW)
    with Store.open(folder, login=Login("老管理员", ADMIN_PW)) as store:
        assert _counts(store)["households"] == households


def test_encryption_from_the_command_line(secured, monkeypatch, capsys):
    from desktop.cli import main

    folder, _ = secured
    monkeypatch.setenv("CUNDANG_PASSWORD", ADMIN_PW)
    args = ["--data", str(folder), "--user", "管理员甲", "encryption"]
    assert main(args) == 0 and "已加密" in capsys.readouterr().out
    assert main([*args, "off"]) == 1 and "--yes" in capsys.readouterr().err
    assert not sql.is_plain_sqlite(folder / "cundang.db")
    assert main([*args, "off", "--yes"]) == 0 and "未加密" in capsys.readouterr().out
    assert sql.is_plain_sqlite(folder / "cundang.db")
    assert main([*args, "on"]) == 0 and "已加密" in capsys.readouterr().out
    assert not sql.is_plain_sqlite(folder / "cundang.db")
    monkeypatch.setenv("CUNDANG_PASSWORD", PW)
    assert main(["--data", str(folder), "--user", codes.ROLE.label("entry"), "encryption", "off", "--yes"]) == 1
    assert "没有" in capsys.readouterr().err and not sql.is_plain_sqlite(folder / "cundang.db")
