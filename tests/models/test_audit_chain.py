"""The audit trail's hash chain and the records against it: tampering with sqlite3 is found and named."""

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from desktop.cli import main
from models import fields, history
from models.errors import EditConflict, NotAllowed
from models.services import operators as ops
from models.services.conflicts import refuse_if_changed
from models.services.safety import full_check
from models.storage import chain, migrations, sql
from models.storage.database import DB_NAME
from models.store import Login, Store

ADMIN, ADMIN_PW, ENTRY_PW = "管理员甲", "管理员的密码123", "password-1"


def _tamper(store: Store, *statements: str, params: tuple = ()) -> Store:
    """Close the store, change its file with Python's own sqlite3 (as someone with the file would),
    and open it again."""
    folder = store.folder
    store.close()
    conn = sqlite3.connect(Path(folder) / DB_NAME)
    for statement in statements:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()
    return Store.open(folder, actor="测试员")


def _rechain(path: Path) -> None:
    """What a careful forger does after deleting entries: renumber them and recompute every hash."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    rows = conn.execute(f"SELECT id, {chain.content_sql(*chain.COLUMNS)} FROM audit_log ORDER BY id").fetchall()
    prev = chain.GENESIS
    for number, (entry, content) in enumerate(rows, start=1):
        prev = chain.link(prev, content)
        conn.execute("UPDATE audit_log SET id = ?, hash = ? WHERE id = ?", [number, prev, entry])
    conn.commit()
    conn.close()


_RECORDS_SIDE = {chain.CHANGED, chain.UNAUDITED, chain.DELETED, chain.REVIVED}


def _verified(store: Store) -> list[chain.Finding]:
    """verify's findings, checked both ways: here, and (as the CLI and the export do on a county's
    trail) with the records checked in another process; both find the same, in the same order."""
    here = chain.verify(store.db)
    from models.storage import replay

    # The other process really checks (its failure would make verify check here, and agree).
    assert replay.in_process(*store.file).result() == [f for f in here if f.kind in _RECORDS_SIDE]
    alone, chain.ALONE = chain.ALONE, 0
    try:
        assert chain.verify(store.db, store.file) == here
    finally:
        chain.ALONE = alone
    return here


def _one(store: Store, kind: str) -> chain.Finding:
    [found] = [f for f in _verified(store) if f.kind == kind]
    return found


def test_the_records_process_failing_falls_back_to_checking_here(demo_store, tmp_path, monkeypatch):
    monkeypatch.setattr(chain, "ALONE", 0)
    nowhere = (tmp_path / "nowhere", None)  # the other process cannot open it
    assert chain.verify(demo_store.db, nowhere) == []
    with _tamper(demo_store, "UPDATE incomes SET wage_fen = 99999999 WHERE id = 1") as store:
        assert [f.kind for f in chain.verify(store.db, nowhere)] == [chain.CHANGED]


def test_a_clean_demo_verifies_clean_and_its_head_is_its_last_hash(demo_store):
    assert _verified(demo_store) == []
    length, head = chain.head(demo_store.db)
    assert length == demo_store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 1000
    assert chain.hash_at(demo_store.db, length) == head and len(head) == 2 * chain.DIGEST_BYTES
    assert chain.hash_at(demo_store.db, 0) == chain.GENESIS.hex() and chain.hash_at(demo_store.db, length + 1) is None


def test_every_write_path_is_chained_and_an_update_keeps_only_what_it_changed(demo_store):
    store = demo_store
    hid = store.db.execute("SELECT min(id) FROM households").fetchone()[0]
    old_phone = store.households.get(hid).phone
    store.writer.update("households", hid, {"phone": "13800000000"})
    [vid] = [v.id for v in store.villages.all()]
    gid = store.writer.insert("village_groups", {"village_id": vid, "name": "九组"})["id"]
    store.writer.insert_columns("village_groups", {"village_id": [vid, vid], "name": ["十组", "十一组"]})
    store.writer.delete("village_groups", gid)
    assert chain.verify(store.db) == []
    before, after = store.db.execute(
        "SELECT before, after FROM audit_log WHERE table_name = 'households' AND action = 'update' ORDER BY id DESC"
    ).fetchone()
    assert json.loads(before) == {"phone": old_phone} and json.loads(after) == {"phone": "13800000000"}
    image = json.loads(
        store.db.execute(
            "SELECT after FROM audit_log WHERE record_id = ? AND table_name = 'village_groups'", [gid]
        ).fetchone()[0]
    )
    assert image["name"] == "九组" and not set(image) & set(chain.META)  # the entry holds its id, uuid and time


@pytest.mark.parametrize(
    ("table", "column", "words"),
    [
        ("incomes", "wage_fen", ["收入 第", "“工资性收入”", "记录是 999999.99 元", "是 "]),
        ("households", "relocation_subsidy_fen", ["贫困户 第", "户（户编号", "“人均搬迁补助”", "999999.99 元"]),
    ],
)
def test_a_direct_update_of_a_money_column_is_found_by_table_record_and_field(demo_store, table, column, words):
    rid = demo_store.db.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
    store = _tamper(demo_store, f"UPDATE {table} SET {column} = 99999999 WHERE id = {rid}")
    with store:
        [found] = chain.verify(store.db)
        assert (found.kind, found.table, found.record_id, found.field, found.stored) == (
            chain.CHANGED,
            table,
            rid,
            column,
            99999999,
        )
        assert all(w in found.sentence for w in words), found.sentence


def test_the_last_updated_value_is_what_the_record_must_hold(demo_store):
    iid = demo_store.db.execute("SELECT min(id) FROM incomes").fetchone()[0]
    demo_store.writer.update("incomes", iid, {"wage_fen": 380000})
    store = _tamper(demo_store, f"UPDATE incomes SET wage_fen = 99999999 WHERE id = {iid}")
    with store:
        found = _one(store, chain.CHANGED)
        assert found.sentence.endswith(
            "的“工资性收入”与变更记录不符：记录是 999999.99 元，最后一次记录的修改后是 3800.00 元。"
        )


def test_a_deleted_entry_breaks_the_chain_where_it_was(demo_store):
    store = _tamper(demo_store, "DROP TRIGGER audit_log_never_deleted", "DELETE FROM audit_log WHERE id = 100")
    with store:
        found = chain.verify(store.db)
        assert [f.kind for f in found][:2] == [chain.GUARD, chain.GAP]
        assert "不许删除" in found[0].sentence and found[1].sentence == "变更记录第 100 条不见了（被删除过）。"
        assert [f.kind for f in found[2:]] == [chain.UNAUDITED]  # the record entry 100 inserted has none now
        lines = full_check(store).lines
        assert not full_check(store).ok and found[1].sentence in lines


def test_a_rewritten_chain_is_whole_but_the_record_it_dropped_still_shows(demo_store):
    """Deleting entries and recomputing every hash after them makes a chain that holds together;
    only the anchors a county keeps can tell (exchange). The records still account for it."""
    before = chain.hash_at(demo_store.db, 99)
    old_length, old_head = chain.head(demo_store.db)
    folder = demo_store.folder
    demo_store.close()
    conn = sqlite3.connect(Path(folder) / DB_NAME)
    conn.execute("DROP TRIGGER audit_log_never_deleted")
    conn.execute("DELETE FROM audit_log WHERE id = 100")
    conn.commit()
    conn.close()
    _rechain(Path(folder) / DB_NAME)
    with Store.open(folder) as store:
        found = chain.verify(store.db)
        assert {f.kind for f in found} == {chain.GUARD, chain.UNAUDITED}  # no break, no gap
        assert chain.hash_at(store.db, 99) == before and chain.head(store.db) != (old_length, old_head)


def test_an_inserted_entry_is_found(demo_store):
    length = chain.head(demo_store.db)[0]
    forged = "INSERT INTO audit_log (at, actor, action, table_name, record_id, record_uuid, before, after, hash)"
    store = _tamper(
        demo_store,
        forged + " VALUES ('2026-01-01T00:00:00+00:00', '某人', 'update', 'households', 1, 'x', '{}', '{}', NULL)",
        forged + " VALUES ('2026-01-01T00:00:00+00:00', '某人', 'update', 'households', 1, 'x', '{}', '{}', x'00')",
    )
    with store:
        found = chain.verify(store.db)
        assert [(f.kind, f.entry) for f in found[:2]] == [(chain.NO_HASH, length + 1), (chain.BROKEN, length + 2)]
        assert found[1].sentence.startswith(f"变更记录第 {length + 2} 条与前一条接不上")


def test_an_edited_entry_breaks_the_chain_at_that_entry(demo_store):
    store = _tamper(demo_store, "DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = '别人' WHERE id = 50")
    with store:
        assert [(f.kind, f.entry) for f in chain.verify(store.db)] == [(chain.GUARD, None), (chain.BROKEN, 50)]


def test_a_raw_insert_of_a_record_has_no_entry(demo_store):
    hid = demo_store.db.execute("SELECT max(id) FROM households").fetchone()[0]
    store = _tamper(
        demo_store,
        "INSERT INTO households (uuid, created_at, updated_at, village_id, household_no)"
        " SELECT 'x-1', created_at, updated_at, village_id, '5223271002009999' FROM households WHERE id = 1",
    )
    with store:
        found = _one(store, chain.UNAUDITED)
        assert (found.table, found.record_id) == ("households", hid + 1)
        assert found.sentence == f"贫困户 第{hid + 1}户（户编号 5223271002009999）没有变更记录（不是经本程序写入的）。"


def test_a_raw_delete_of_a_record_is_found(demo_store):
    vid = demo_store.db.execute("SELECT min(id) FROM visits").fetchone()[0]
    store = _tamper(demo_store, f"DELETE FROM visits WHERE id = {vid}")
    with store:
        found = _one(store, chain.DELETED)
        assert found.sentence == f"走访记录 第{vid}条不见了，变更记录里没有删除它。"


def test_acknowledged_findings_are_not_told_again_but_a_new_one_is(demo_store):
    iid = demo_store.db.execute("SELECT min(id) FROM incomes").fetchone()[0]
    store = _tamper(demo_store, f"UPDATE incomes SET wage_fen = 1 WHERE id = {iid}")
    with store:
        found = chain.unacknowledged(store.db)
        assert len(found) == 1
        assert chain.acknowledge(store, found, "管理员甲") == 1
        assert chain.unacknowledged(store.db) == [] and chain.verify(store.db) == found  # still there, known
        [ack] = chain.acknowledged(store.db)
        assert (ack.sentence, ack.actor) == (found[0].sentence, "管理员甲")
        assert chain.acknowledge(store, found, "管理员甲") == 0  # once is enough
    store = _tamper(store, f"UPDATE incomes SET wage_fen = 2 WHERE id = {iid}")  # the same field again
    with store:
        [again] = chain.unacknowledged(store.db)
        assert again.stored == 2 and "记录是 0.02 元" in again.sentence


def test_only_an_administrator_may_acknowledge(tmp_path, demo_template):
    folder = tmp_path / "secured"
    folder.mkdir()
    (folder / DB_NAME).write_bytes((demo_template / DB_NAME).read_bytes())
    store, _recovery = ops.first_operator(folder, ADMIN, ADMIN_PW, set())
    with store:
        ops.add_operator(store, "录入员", ENTRY_PW, {"entry"})
        store.db.execute(
            "UPDATE incomes SET wage_fen = 1 WHERE id = (SELECT min(id) FROM incomes)"
        )  # encrypted: raw SQL
        store.db.conn.commit()
    with Store.open(folder, login=Login("录入员", ENTRY_PW)) as entry:
        with pytest.raises(NotAllowed):
            chain.acknowledge(entry, chain.unacknowledged(entry.db), "录入员")
    with Store.open(folder, login=Login(ADMIN, ADMIN_PW)) as admin:
        assert chain.acknowledge(admin, chain.unacknowledged(admin.db), ADMIN) == 1
        assert chain.unacknowledged(admin.db) == []


def test_an_imported_package_verifies_clean_on_both_sides(demo_store, tmp_path):
    from models.exchange.package import export_village
    from models.exchange.package_import import IMPORTED, import_packages

    path = tmp_path / "村.xlsx"
    export_village(demo_store, demo_store.villages.all()[0].id, path)
    with Store.open(tmp_path / "county", actor="县扶贫办") as county:
        [result] = import_packages(county, [path])
        assert result.status == IMPORTED
        assert chain.verify(county.db) == [] and chain.verify(demo_store.db) == []
        [result] = import_packages(county, [path])  # again: nothing new, still clean
        assert chain.verify(county.db) == []


def test_history_reads_the_changes_of_an_update_entry(demo_store):
    store = demo_store
    hid = store.db.execute("SELECT min(id) FROM households").fetchone()[0]
    member = store.households.members(hid)[0]
    store.writer.update("members", member.id, {"work_months": (member.work_months or 0) + 1})
    store.writer.update("households", hid, {"address": "一组 1 号"})
    changes = history.describe_entries(store.households.audit_entries(hid))
    newest, member_change = changes[0], changes[1]
    assert (newest.action, newest.what) == ("修改", "贫困户")
    assert [(f.label, f.after) for f in newest.fields] == [("住址", "一组 1 号")]
    assert member_change.what == f"家庭成员 {member.name}"  # named from the record, not from the entry
    assert [f.label for f in member_change.fields] == [fields.spec("members", "work_months").label]


def test_a_conflict_names_an_update_of_a_part_whose_entry_holds_only_the_change(demo_store):
    store = demo_store
    plan_id, measure_id = store.db.execute("SELECT plan_id, id FROM measures ORDER BY id LIMIT 1").fetchone()
    read_at = store.last_change()
    store.writer.update("measures", measure_id, {"result": "已完成"})
    with pytest.raises(EditConflict) as caught:
        with store.operation():
            refuse_if_changed(store, read_at, ("plans", plan_id), {"measures": ("plan_id", plan_id)})
    assert "修改了 帮扶措施" in caught.value.changes[0]


def test_the_upgrade_chains_and_shrinks_an_older_trail(tmp_path):
    """A file from before the chain: its update entries hold whole rows; after the upgrade they
    hold what changed, every entry is chained, and the file verifies clean."""
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sql.connect(str(folder / DB_NAME))
    db = Database(conn)
    migrations.migrations.apply(db, stop_before="0016_audit_chain")
    at, later = "2020-01-01T00:00:00+00:00", "2020-02-01T00:00:00+00:00"
    row = {"id": 1, "uuid": "u-1", "created_at": at, "updated_at": at, "year": 2020, "province": "广西"}
    db.execute(
        "INSERT INTO poverty_lines (id, uuid, created_at, updated_at, year, province, line_fen, source)"
        " VALUES (1, 'u-1', ?, ?, 2020, '广西', 400000, '')",
        [at, later],
    )
    image = {**row, "line_fen": 300000, "source": ""}
    for action, when, before, after in (
        ("insert", at, None, image),
        ("update", later, image, {**image, "line_fen": 400000, "updated_at": later}),
    ):
        db.execute(
            "INSERT INTO audit_log (at, actor, action, table_name, record_id, record_uuid, before, after)"
            " VALUES (?, '老程序', ?, 'poverty_lines', 1, 'u-1', ?, ?)",
            [when, action, before and json.dumps(before), after and json.dumps(after)],
        )
    conn.commit()
    conn.close()
    with Store.open(folder) as store:
        assert "0016_audit_chain" in store.upgraded
        assert chain.verify(store.db) == []
        entries = store.db.execute(
            "SELECT action, before, after, hash FROM audit_log WHERE table_name = 'poverty_lines' ORDER BY id"
        ).fetchall()
        assert [json.loads(e[2] or "{}").get("line_fen") for e in entries] == [300000, 400000]
        assert "id" not in json.loads(entries[0][2]) and json.loads(entries[1][1]) == {"line_fen": 300000}
        assert all(e[3] is not None for e in entries)
        store.writer.update("poverty_lines", 1, {"source": "省定"})
        assert chain.verify(store.db) == []


def test_cundang_verify_says_each_finding_in_a_line(demo_store, capsys):
    folder = demo_store.folder
    assert main(["--data", str(folder), "verify"]) == 0
    assert "变更记录核验：完好" in capsys.readouterr().out
    iid = demo_store.db.execute("SELECT min(id) FROM incomes").fetchone()[0]
    _tamper(demo_store, f"UPDATE incomes SET wage_fen = 99999999 WHERE id = {iid}").close()
    assert main(["--data", str(folder), "verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "的“工资性收入”与变更记录不符：记录是 999999.99 元" in out[0] and out[-1].startswith(
        "变更记录核验：发现 1 处"
    )
    assert main(["--data", str(folder), "verify", "--json"]) == 1
    [found] = json.loads(capsys.readouterr().out)["findings"]
    assert (found["table"], found["field"], found["acknowledged"]) == ("incomes", "wage_fen", False)


def test_a_folder_open_read_only_verifies_and_stays_read_only(demo_store):
    with Store.open(demo_store.folder, read_only=True) as reader:
        assert chain.verify(reader.db) == []
        assert reader.db.execute("PRAGMA query_only").fetchone()[0] == 1
