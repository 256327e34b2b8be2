"""Packages in transit: encrypted with the package password, the manifest signed with a key from
it, and the village's audit chain anchored at the county (issue 15, parts 3 and 4)."""

import datetime as dt
import io
import json
import shutil
import sqlite3
import zipfile

import msoffcrypto
import openpyxl
import pytest
from msoffcrypto.exceptions import InvalidKeyError

from models.errors import ChainUnacknowledged, PasswordsDiffer
from models.exchange import anchors, protection
from models.exchange import package as pkg
from models.exchange.package import MANIFEST, export_village
from models.exchange.package_import import IMPORTED, REFUSED, UNCHANGED, import_packages
from models.exchange.password import has_password, set_password, stored_password
from models.services import households as svc
from models.storage import chain
from models.storage.database import DB_NAME
from models.store import Store
from models.wording import describe
from tests.conftest import family, new_household

PASSWORD = "县扶贫办2020上报"


@pytest.fixture
def county(tmp_path):
    s = Store.open(tmp_path / "county", actor="县扶贫办")
    yield s
    s.close()


def _export(store, path, when=dt.datetime(2020, 6, 1, 9, 0), password=PASSWORD):
    export_village(store, store.villages.all()[0].id, path, password=password, now=when)
    return path


def _decrypt(path, password=PASSWORD) -> io.BytesIO:
    with open(path, "rb") as f:
        office = msoffcrypto.OfficeFile(f)
        office.load_key(password=password, verify_password=True)
        out = io.BytesIO()
        office.decrypt(out)
    out.seek(0)
    return out


def _manifest(wb):
    return {r[0]: r[1] for r in wb[MANIFEST].iter_rows(values_only=True) if r and r[0]}


def _state(store):
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: store.db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}


# --- Encryption ------------------------------------------------------------------------------------


def test_a_protected_package_opens_only_with_its_password(demo_store, tmp_path, monkeypatch):
    import openpyxl.worksheet._writer as sheet_writer

    def no_temporary_file(*_args, **_kwargs):
        raise AssertionError("a sheet's XML went to a temporary file")

    monkeypatch.setattr(sheet_writer, "create_temporary_file", no_temporary_file)
    path = _export(demo_store, tmp_path / "上报包.xlsx")
    assert path.read_bytes()[:8] == protection.OLE_MAGIC  # not a zip: nothing readable without the password
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(path)
    with pytest.raises(InvalidKeyError):
        _decrypt(path, "别的密码12345")
    wb = openpyxl.load_workbook(_decrypt(path))
    facts = _manifest(wb)
    assert facts[pkg.FORMAT_KEY] == "4" and pkg.MAC_KEY in facts and pkg.CHECKSUM_KEY not in facts
    assert int(facts[anchors.CHAIN_LENGTH]) == chain.head(demo_store.db)[0] - 1  # the export noted its head after
    households = wb["贫困户"]
    assert households.max_row - 1 == demo_store.db.execute("SELECT count(*) FROM households").fetchone()[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "上报包.xlsx"]  # no temporary file beside it


def test_the_package_password_is_kept_sealed_in_the_settings(store):
    assert not has_password(store) and stored_password(store) is None
    with pytest.raises(PasswordsDiffer):
        set_password(store, PASSWORD, PASSWORD + "x")
    set_password(store, f" {PASSWORD} ", PASSWORD)  # spaces around it dropped, as a password file's are
    assert stored_password(store) == PASSWORD
    stored = store.db.execute("SELECT value FROM settings WHERE key = 'package_password'").fetchone()[0]
    assert PASSWORD not in stored and json.loads(stored).startswith("sealed")
    audited = store.db.execute("SELECT after FROM audit_log WHERE table_name = 'settings'").fetchall()
    assert audited and all(PASSWORD not in a for (a,) in audited)


def test_a_wrong_password_is_refused_in_chinese_and_nothing_is_imported(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "龙坡村.xlsx")
    before = _state(county)
    for given, fragment in ((None, "需要上报包密码"), ("不是这个密码123", "密码不对")):
        [outcome] = import_packages(county, [path], password=given)
        assert outcome.status == REFUSED and not outcome.encrypted
        [problem] = outcome.problems
        assert fragment in problem.message and "没有导入任何数据" in problem.message
        assert problem.file == str(path)  # the problem list names the file
        assert _state(county) == before
    [outcome] = import_packages(county, [path], password=PASSWORD)
    assert outcome.status == IMPORTED and outcome.protection == "已加密、已签名", outcome.problems


def test_many_protected_packages_are_checked_in_worker_processes(tmp_path, county):
    from models.demo.generator import generate

    with Store.open(tmp_path / "villages", actor="演示") as source:
        generate(source, seed=4, households=10, villages=3)
        files = []
        for v in source.villages.all():
            files.append(tmp_path / f"{v.code}.xlsx")
            export_village(source, v.id, files[-1], password=PASSWORD, now=dt.datetime(2020, 6, 1))
    outcomes = import_packages(county, files, password=PASSWORD, workers=2)
    assert [o.status for o in outcomes] == [IMPORTED] * 3 and all(o.signed and o.encrypted for o in outcomes)
    wrong = import_packages(county, files, password="错的密码000000", workers=2, dry_run=True)
    assert all(o.status == REFUSED and "密码不对" in o.problems[0].message for o in wrong)


# --- The signature ---------------------------------------------------------------------------------


def _resign(source, out, edit, key):
    """A package decrypted, one cell changed as a person in Excel would, its row hash and the
    manifest's checksum worked out again with ``key`` (None: plain SHA-256), saved unencrypted."""
    wb = openpyxl.load_workbook(source)
    sheet, header, row, value = edit
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row, headers.index(header) + 1).value = value
    texts = []
    for s in pkg.SHEETS:
        rows = []
        for r, cells in enumerate(wb[s.name].iter_rows(min_row=2, values_only=True), 2):
            text = ["" if v is None else str(v) for v in cells[:-1]]
            wb[s.name].cell(r, len(cells)).value = pkg.row_hash(text)
            rows.append(text)
        texts.append((s.name, s.headers, rows))
    facts = {str(r[0].value): str(r[1].value or "") for r in wb[MANIFEST].iter_rows() if r[0].value}
    for r in wb[MANIFEST].iter_rows():
        if r[0].value == pkg.MAC_KEY:
            r[1].value = pkg.checksum(texts, facts, key)
    wb.save(out)
    return out


def test_a_package_changed_and_signed_again_without_the_key_is_refused(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "p.xlsx")
    plain = tmp_path / "decrypted.xlsx"
    plain.write_bytes(_decrypt(path).getvalue())
    edit = ("贫困户", "联系电话", 3, "13800000009")
    for key in (None, protection.mac_key("猜的密码12345")):
        forged = _resign(plain, tmp_path / "forged.xlsx", edit, key)
        [outcome] = import_packages(county, [forged], password=PASSWORD, dry_run=True)
        assert outcome.status == REFUSED and outcome.signed and not outcome.encrypted
        assert [p.message for p in outcome.problems if p.is_error] == [
            "签名不符：上报包导出后被改动过（可能删除了行、改了清单，或改后重新算了校验值），"
            "或村里输入的上报包密码与县里的不同；如确认改动无误，可选择“接受改动”后导入"
        ]
    # The same with the key (whoever holds the password) checks: the signature is the password's.
    signed = _resign(plain, tmp_path / "signed.xlsx", edit, protection.mac_key(PASSWORD))
    [outcome] = import_packages(county, [signed], password=PASSWORD, dry_run=True)
    assert outcome.status == "检查通过", outcome.problems

    # Accepted: imported, and the import's record keeps what was accepted.
    [outcome] = import_packages(county, [forged], password=PASSWORD, accept_modified=True)
    assert outcome.status == IMPORTED
    accepted, changes = county.db.execute("SELECT accepted_modified, changes FROM imports").fetchone()
    assert accepted == 1 and "签名不符" in json.loads(changes)["accepted_problems"][0]["message"]
    audited = county.db.execute("SELECT count(*) FROM audit_log WHERE table_name = 'imports'").fetchone()[0]
    assert audited == 1


def test_a_signed_package_without_the_countys_password_is_not_taken_unchecked(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "p.xlsx")
    plain = tmp_path / "decrypted.xlsx"
    plain.write_bytes(_decrypt(path).getvalue())
    [outcome] = import_packages(county, [plain], dry_run=True)
    assert outcome.status == REFUSED and "无法核对" in outcome.problems[0].message
    [outcome] = import_packages(county, [plain], password=PASSWORD)
    assert outcome.status == IMPORTED and outcome.protection == "未加密、已签名"


def test_an_unprotected_package_still_imports_and_says_so(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "p.xlsx", password=None)
    facts = _manifest(openpyxl.load_workbook(path))
    assert pkg.CHECKSUM_KEY in facts and pkg.MAC_KEY not in facts
    [outcome] = import_packages(county, [path], password=PASSWORD)
    assert outcome.status == IMPORTED and outcome.protection == "未加密、未签名"
    assert outcome.as_json()["signed"] is False


def test_older_formats_still_import(county):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "package-format2.xlsx"
    [outcome] = import_packages(county, [fixture], dry_run=True, password=PASSWORD)
    assert outcome.status == "检查通过", outcome.problems[:3]


# --- The audit chain's anchors -----------------------------------------------------------------------


def _add_household(store, no):
    village = store.villages.all()[0]
    svc.register_household(store, new_household(store, village, no=no), family(seq=int(no) * 10))


def test_a_later_package_must_extend_the_chain_the_county_received(store, village, county, tmp_path):
    _add_household(store, "0001")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before_first = tmp_path / "before-first"
    before_first.mkdir()
    shutil.copyfile(store.folder / DB_NAME, before_first / DB_NAME)  # the folder as a backup had it

    first = _export(store, tmp_path / "1.xlsx")
    [outcome] = import_packages(county, [first], password=PASSWORD)
    assert outcome.status == IMPORTED
    [(length, head)] = county.db.execute("SELECT length, head FROM chain_anchors").fetchall()
    assert chain.hash_at(store.db, length) == head

    _add_household(store, "0002")
    second = _export(store, tmp_path / "2.xlsx", when=dt.datetime(2020, 7, 1))
    facts = _manifest(openpyxl.load_workbook(_decrypt(second)))
    assert f"{length}:{head}" in facts[anchors.CHAIN_EARLIER]
    [outcome] = import_packages(county, [second], password=PASSWORD)
    assert outcome.status == IMPORTED, outcome.problems
    assert county.db.execute("SELECT count(*) FROM chain_anchors").fetchone()[0] == 2

    # Another history: the backup from before the first export, written on and exported again,
    # at a county that received the first package only (the second's households are not missed).
    with Store.open(before_first, actor="村文书") as rewritten:
        _add_household(rewritten, "0003")
        third = _export(rewritten, tmp_path / "3.xlsx", when=dt.datetime(2020, 8, 1))
    with Store.open(tmp_path / "county2", actor="县扶贫办") as other:
        assert import_packages(other, [first], password=PASSWORD)[0].status == IMPORTED
        before = _state(other)
        [outcome] = import_packages(other, [third], password=PASSWORD)
        assert outcome.status == REFUSED
        errors = [p for p in outcome.problems if p.is_error]
        assert len(errors) == 1, [p.message for p in errors]
        problem = errors[0]
        assert problem.sheet == MANIFEST and village.name in problem.message and village.code in problem.message
        assert f"第 1 至 {length} 条" in problem.message and "恢复过" in problem.message
        assert _state(other) == before
        # Accepted (the village restored a backup): imported, audited, and its history binds from now on.
        [outcome] = import_packages(other, [third], password=PASSWORD, accept_modified=True)
        assert outcome.status == IMPORTED
        assert other.db.execute("SELECT accepted_modified FROM imports ORDER BY id DESC").fetchone()[0] == 1
        assert other.db.execute("SELECT rebased FROM chain_anchors ORDER BY id DESC").fetchone()[0] == 1
        [again] = import_packages(other, [third], password=PASSWORD)
        assert again.status == UNCHANGED


def test_the_chain_is_checked_against_every_anchor_by_entry_number():
    village = "龙坡村（450123101201）"
    held = [
        anchors.Anchor(10, "a" * 32, "2020-06-01T09:00:00", True),
        anchors.Anchor(20, "b" * 32, "2020-07-01T09:00:00", True),
    ]
    extends = anchors.Chain(30, "c" * 32, {10: "a" * 32, 20: "b" * 32})
    assert anchors.against(held, extends, True, village) == []
    rewritten = anchors.Chain(30, "c" * 32, {10: "a" * 32, 20: "d" * 32})
    [found] = anchors.against(held, rewritten, True, village)
    assert not found.warning and "第 11 至 20 条之间有记录与当时不同" in found.message and village in found.message
    shorter = anchors.Chain(15, "c" * 32, {10: "a" * 32})
    [found] = anchors.against(held, shorter, True, village)
    assert "这一份只有 15 条（第 16 至 20 条不见了）" in found.message
    [unsigned] = anchors.against(held, extends, False, village)
    assert "却没有签名" in unsigned.message and not unsigned.warning
    [without] = anchors.against(held, None, True, village)
    assert without.warning and "无法核对" in without.message


def test_an_export_is_refused_while_the_chain_has_unacknowledged_problems(store, village, tmp_path):
    _add_household(store, "0001")
    folder = store.folder
    store.close()
    with sqlite3.connect(folder / DB_NAME) as raw:  # someone with the file and the sqlite3 shell
        raw.execute("DROP TRIGGER audit_log_never_deleted")
        raw.execute("DELETE FROM audit_log WHERE id = 3")
    raw.close()
    with Store.open(folder, actor="村文书") as reopened:
        found = chain.unacknowledged(reopened.db)
        assert found
        with pytest.raises(ChainUnacknowledged) as caught:
            export_village(reopened, village.id, tmp_path / "p.xlsx", password=PASSWORD)
        text = describe(caught.value)
        assert "不能导出上报包" in text and "恢复备份，或由管理员确认这些问题" in text
        assert all(f.sentence in text for f in found)
        assert not (tmp_path / "p.xlsx").exists()
        # A 管理员 acknowledges them: the export goes ahead, and the package tells the county.
        chain.acknowledge(reopened, found, "管理员甲")
        assert chain.unacknowledged(reopened.db) == []
        path = export_village(reopened, village.id, tmp_path / "p.xlsx", password=PASSWORD) and tmp_path / "p.xlsx"
    facts = _manifest(openpyxl.load_workbook(_decrypt(path)))
    assert all(f.sentence in facts[anchors.CHAIN_ACKNOWLEDGED] for f in found)
    with Store.open(tmp_path / "county", actor="县扶贫办") as county:
        [outcome] = import_packages(county, [path], password=PASSWORD)
    assert outcome.status == IMPORTED
    told = [p.message for p in outcome.problems if p.column == anchors.CHAIN_ACKNOWLEDGED]
    assert len(told) == len(found) and all(not p.is_error for p in outcome.problems)
    assert all("管理员甲" in m and m.startswith("村里管理员确认过的变更记录问题") for m in told)


def test_a_damaged_or_crafted_encrypted_file_is_refused_in_words(demo_store, county, tmp_path):
    import olefile
    from msoffcrypto.method.ecma376_agile import ECMA376Agile

    from models.errors import FileRefused
    from models.exchange import reader

    path = _export(demo_store, tmp_path / "p.xlsx")
    data = path.read_bytes()
    stream = olefile.OleFileIO(io.BytesIO(data)).openstream("EncryptedPackage").read()
    at = data.find(stream[4096:4160])
    changed = bytearray(data)
    changed[at + 7] ^= 1  # one bit of the encrypted workbook
    (tmp_path / "changed.xlsx").write_bytes(bytes(changed))
    [outcome] = import_packages(county, [tmp_path / "changed.xlsx"], password=PASSWORD)
    assert outcome.status == REFUSED and "加密后被改动过" in outcome.problems[0].message

    # A password that asks for more hashing rounds than Excel's would stall every worker.
    plain = _decrypt(path).getvalue()
    (tmp_path / "slow.xlsx").write_bytes(ECMA376Agile.encrypt(PASSWORD, io.BytesIO(plain), spin_count=600_000))
    [outcome] = import_packages(county, [tmp_path / "slow.xlsx"], password=PASSWORD)
    assert outcome.status == REFUSED and "结构异常" in outcome.problems[0].message

    # Where a table is read (the national system's export), a workbook with a password is named as such.
    with pytest.raises(FileRefused) as caught:
        reader.read_file(path)
    assert "密码保护" in describe(caught.value)
    assert county.villages.all() == []
