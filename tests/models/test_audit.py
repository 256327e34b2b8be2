import json
import re
from pathlib import Path

import pytest

from models.domain import Income
from models.errors import InvalidIdNumber, NeverDeleted
from models.services.households import register_household, save_income
from models.storage import sql
from tests.conftest import family, new_household, refused

ROOT = Path(__file__).resolve().parents[2]


def _log(store, table):
    return [
        dict(zip(("action", "actor", "record_uuid", "before", "after"), r))
        for r in store.db.execute(
            "SELECT action, actor, record_uuid, before, after FROM audit_log WHERE table_name = ? ORDER BY id", [table]
        )
    ]


def test_insert_and_update_record_who_and_before_after(store, village):
    hid = register_household(store, new_household(store, village), family()).id
    h = store.households.get(hid)
    inserted = [e for e in _log(store, "households") if e["action"] == "insert"]
    assert len(inserted) == 1 and inserted[0]["actor"] == "测试员" and inserted[0]["record_uuid"] == h.uuid
    assert json.loads(inserted[0]["after"])["household_no"] == h.household_no

    assert store.writer.update("households", hid, {"phone": "13800000000"}) is True
    assert store.writer.update("households", hid, {"phone": "13800000000"}) is False  # no change, no entry
    updates = [e for e in _log(store, "households") if e["action"] == "update" and "13800000000" in e["after"]]
    assert len(updates) == 1
    assert json.loads(updates[0]["before"])["phone"] == ""
    assert json.loads(updates[0]["after"])["phone"] == "13800000000"


def test_households_and_members_are_never_deleted(store, village):
    hid = register_household(store, new_household(store, village), family()).id
    member = store.households.members(hid)[0]
    with pytest.raises(NeverDeleted):
        store.writer.delete("households", hid)
    with pytest.raises(NeverDeleted):
        store.writer.delete("members", member.id)
    assert store.households.get(hid).id == hid


def test_deleting_other_records_keeps_the_before_image(store, village):
    hid = register_household(store, new_household(store, village), family()).id
    iid = save_income(store, Income(household_id=hid, year=2016, wage_fen=123456)).id
    store.writer.delete("incomes", iid)
    last = _log(store, "incomes")[-1]
    assert last["action"] == "delete" and json.loads(last["before"])["wage_fen"] == 123456 and last["after"] is None


def test_a_failed_multi_row_write_leaves_nothing(store, village):
    before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(sql.IntegrityError):
        with store.db.atomic():
            store.writer.insert("village_groups", {"village_id": village.id, "name": "三组"})
            store.writer.insert("village_groups", {"village_id": village.id, "name": "三组"})  # UNIQUE fails
    assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    assert [g.name for g in store.villages.groups(village.id)] == ["一组", "二组"]


# Writes to records anywhere but the audited writer (and schema migrations).
_SQL_WRITE = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\[?\w+\]?\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b")
_UTILS_WRITE = re.compile(
    r"(\]|\btable\([^)]*\))\.(insert|insert_all|upsert|upsert_all|update|delete|delete_where|lookup|transform|drop)\("
)
_ALLOWED = {ROOT / "models/storage/audit.py", ROOT / "models/storage/migrations.py"}


def test_no_code_path_writes_around_the_audit():
    offenders = []
    for package in ("models", "ui", "desktop", "printing"):
        for path in (ROOT / package).rglob("*.py"):
            if path in _ALLOWED:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in (_SQL_WRITE, _UTILS_WRITE):
                offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_wrong_check_character_is_refused_whoever_writes(store, village):

    from models.errors import InvalidIdNumber

    hid = register_household(store, new_household(store, village), family()).id
    member = store.households.members(hid)[0]
    bad = member.id_number[:17] + ("0" if member.id_number[17] != "0" else "1")
    with refused(InvalidIdNumber):
        store.writer.update("members", member.id, {"id_number": bad})
    with refused(InvalidIdNumber):
        store.writer.insert("members", {"household_id": hid, "village_id": village.id, "name": "某", "id_number": bad})
    with pytest.raises(sql.IntegrityError, match="members_id_number_valid"):  # even raw SQL
        store.db.execute("UPDATE members SET id_number = ? WHERE id = ?", [bad, member.id])
    assert store.households.members(hid)[0].id_number == member.id_number


def test_schema_refuses_deletes_and_audit_edits(store, village):

    hid = register_household(store, new_household(store, village), family()).id
    for statement in (
        f"DELETE FROM households WHERE id = {hid}",
        "DELETE FROM members",
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(sql.IntegrityError):
            store.db.execute(statement)


def test_insert_columns_writes_guards_derives_and_audits_like_insert_many(store, village):
    hid = register_household(store, new_household(store, village), family()).id
    good = family()[0].id_number
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with refused(InvalidIdNumber):
        store.writer.insert_columns(
            "members",
            {"household_id": [hid, hid], "village_id": [village.id] * 2, "name": ["甲", "乙"], "id_number": ["", bad]},
        )
    assert store.db.execute("SELECT count(*) FROM members WHERE name IN ('甲', '乙')").fetchone()[0] == 0

    ids = store.writer.insert_columns(
        "members",
        {
            "household_id": [hid, hid],
            "village_id": [village.id] * 2,
            "name": ["曾小红", "李四"],
            "id_number": ["", ""],
            "uuid": ["0190c1e2-0000-7000-8000-000000000001", None],
        },
    )
    rows = store.db.execute(
        f"SELECT id, uuid, name_pinyin, name_initials, created_at FROM members "
        f"WHERE id IN ({ids[0]}, {ids[1]}) ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == list(ids) and rows[0][1] == "0190c1e2-0000-7000-8000-000000000001"
    assert rows[0][2:4] == ("zengxiaohong", "zxh") and rows[1][2:4] == ("lisi", "ls") and rows[0][4]
    logged = {e["record_uuid"]: json.loads(e["after"]) for e in _log(store, "members") if e["action"] == "insert"}
    assert logged["0190c1e2-0000-7000-8000-000000000001"]["name"] == "曾小红"
    with pytest.raises(ValueError):
        store.writer.insert_columns("members", {"id": [1], "name": ["丙"]})
