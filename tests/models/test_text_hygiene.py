"""Text hygiene at the write path: no service can store a control character, the audited writer
refuses what the normaliser would change, the upgrade cleans what is already stored (audited and
reported), and no stored text can make an export fail."""

from __future__ import annotations

import dataclasses
import json

import openpyxl
import pytest

from models import fields
from models.domain import Benefit, Disbursement, Member, Visit, WorkLog
from models.errors import ControlCharacter, CundangError, ExportBlocked, UncleanText, ValidationFailed
from models.exchange.package import export_village
from models.exchange.register_export import export_register
from models.rules.values import normalise
from models.services import assistance as asv
from models.services import households as svc
from models.services import ledgers as lsv
from models.services.villages import update_village
from models.storage import cleanup
from models.store import Store
from models.wording import describe, describe_problem, upgrade_notes
from tests.conftest import person

# C0 but tab and line feed (a note keeps them; a one-line field trims or refuses them), DEL, C1.
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r"]


def _refused_at(store: Store, where: tuple, call) -> str:
    """The call is refused with a ControlCharacter at ``where``, worded with its field's label,
    and nothing is written."""
    before = store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(ValidationFailed) as caught:
        call()
    found = [p for p in caught.value.problems if isinstance(p.error, ControlCharacter)]
    assert [p.where for p in found] == [where], caught.value.problems
    text = describe_problem(found[0])
    assert fields.field_label(where) in text and "控制字符" in text, text
    assert store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    return text


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_no_service_stores_a_control_character(demo_store, char):
    store = demo_store
    bad = f"张{char}三"
    [village] = store.villages.all()
    hid = next(h for h in store.households.ids(village.id) if store.assistance.visits(household_id=h))
    f = store.households.file(hid)
    # The register: a household's address, a member's name, a new member, a status reason.
    _refused_at(
        store,
        ("households", "address"),
        lambda: svc.update_household(store, dataclasses.replace(f.household, address=bad), f.members),
    )
    members = [dataclasses.replace(m, name=bad) if m.relation == "head" else m for m in f.members]
    head = next(i for i, m in enumerate(f.members) if m.relation == "head")
    _refused_at(store, ("members", head, "name"), lambda: svc.update_household(store, f.household, members))
    baby = person(bad, "grandson", "2020-05-01", "1", seq=901)
    _refused_at(store, ("members", "name"), lambda: svc.add_member(store, hid, baby, "birth", "2020-05-02", today=None))
    # The village, its cadres, visits, plans.
    v = store.villages.get(village.id)
    _refused_at(
        store,
        ("villages", "township"),
        lambda: update_village(store, dataclasses.replace(v, township=bad), store.villages.groups(village.id)),
    )
    cadre = store.assistance.cadres(village.id)[0]
    _refused_at(store, ("cadres", "unit"), lambda: asv.save_cadre(store, dataclasses.replace(cadre, unit=bad)))
    visit = store.assistance.visits(household_id=hid)[0]
    new_visit = Visit(household_id=hid, cadre_id=visit.cadre_id, visit_date=visit.visit_date, found=bad)
    _refused_at(store, ("visits", "found"), lambda: asv.add_visit(store, new_visit))
    year = store.assistance.plan_years(hid)[-1]
    plan = store.assistance.plan(hid, year)
    measures = store.assistance.measures(plan.id)
    changed = [dataclasses.replace(measures[0], content=bad), *measures[1:]]
    _refused_at(store, ("measures", 0, "content"), lambda: asv.save_plan(store, plan, changed))
    # The ledgers.
    project, _n, _d = store.ledgers.projects(village.id)[0]
    _refused_at(
        store,
        ("projects", "place"),
        lambda: lsv.save_project(
            store, dataclasses.replace(project, place=bad), list(store.ledgers.beneficiaries(project.id))
        ),
    )
    payment = Disbursement(project_id=project.id, pay_date="2020-06-01", amount_fen=100, payee=bad)
    _refused_at(store, ("disbursements", "payee"), lambda: lsv.add_disbursement(store, payment))
    log = WorkLog(village_id=village.id, cadre_id=cadre.id, log_date="2020-06-01", content=bad)
    _refused_at(store, ("work_logs", "content"), lambda: lsv.add_work_log(store, log))
    benefit = Benefit(household_id=hid, benefit_date="2020-06-01", programme="dibao", amount_fen=100, note=bad)
    _refused_at(store, ("benefits", "note"), lambda: lsv.add_benefit(store, benefit, village.id))


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x1b", "\x7f", "\x85"], ids=repr)
def test_the_audited_writer_refuses_it_whoever_writes(demo_store, char):
    """Every text column of every table, written around the services: refused by name."""
    store = demo_store
    tried = 0
    for table, record in fields.RECORDS.items():
        row = store.db.execute(f"SELECT id FROM [{table}] LIMIT 1").fetchone()
        texts = [s.name for s in record.specs() if s.is_text and s.kind not in ("machine",)]
        if row is None or not texts or table in ("audit_log", "upgrade_reports"):
            continue
        for column in texts:
            with pytest.raises(UncleanText) as caught:
                store.writer.update(table, row[0], {column: f"a{char}b"})
            assert fields.spec(table, column).label in describe(caught.value)
            tried += 1
    assert tried > 100


def test_the_normaliser_folds_trims_and_keeps_a_notes_lines():
    spec = fields.spec
    assert normalise(spec("members", "id_number"), " ４５０１２３ １９７００３０５００１Ｘ ") == (
        "45012319700305001X",
        None,
    )
    assert normalise(spec("households", "phone"), "１３８００１３８０００") == ("13800138000", None)
    assert normalise(spec("households", "address"), "  一组 3 号\t") == ("一组 3 号", None)
    assert normalise(spec("visits", "found"), "第一行\r\n第二行\t完") == ("第一行\n第二行\t完", None)
    _text, error = normalise(spec("members", "name"), "张" * 51)
    assert error is not None and describe(error) == "太长了：共 51 个字，最多 50 个字。"


def test_the_upgrade_cleans_stored_text_audited_and_reported(demo_store):
    """A database from before the normaliser, holding text another tool wrote, is opened: the
    upgrade cleans it through the audited writer and tells the clerk what it changed."""
    store, folder = demo_store, demo_store.folder
    [village] = store.villages.all()
    hid = store.households.ids(village.id)[0]
    mid = store.households.members(hid)[0].id
    store.db.execute("UPDATE members SET name = ? WHERE id = ?", ["王\x0b五 ", mid])  # pasted from Word
    store.db.execute(
        "UPDATE households SET address = ?, phone = ? WHERE id = ?", ["\x1b一组", "１３８００１３８０００", hid]
    )
    store.db.execute("UPDATE visits SET found = ? WHERE id = (SELECT min(id) FROM visits)", ["第一行\x0b第二行"])
    store.db.execute("DROP TABLE upgrade_reports")  # as the file was before migration 0006
    store.db.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_clean_text'")
    store.db.conn.commit()
    store.close()
    with Store.open(folder, actor="测试员") as upgraded:
        assert upgraded.upgraded == ("0006_clean_text",)
        assert upgraded.households.members(hid)[0].name == "王 五"  # a line break in one line: a space
        h = upgraded.households.get(hid)
        assert (h.address, h.phone) == ("一组", "13800138000")
        found = upgraded.db.execute("SELECT found FROM visits WHERE id = (SELECT min(id) FROM visits)").fetchone()[0]
        assert found == "第一行\n第二行"  # a note keeps its line
        audited = set()  # (table, column, before, after) of every change the upgrade made
        for table, before, after in upgraded.db.execute(
            "SELECT table_name, before, after FROM audit_log WHERE actor = ? AND action = 'update'", [cleanup.ACTOR]
        ):
            audited |= {(table, c, json.loads(before)[c], v) for c, v in json.loads(after).items()}
        assert ("members", "name", "王\x0b五 ", "王 五") in audited  # the audit keeps what was there
        assert ("households", "address", "\x1b一组", "一组") in audited
        assert ("households", "phone", "１３８００１３８０００", "13800138000") in audited
        [report] = upgraded.upgrade_reports()
        [note] = upgrade_notes(report)
        assert "家庭成员的“姓名” 1 处" in note and "贫困户的“联系电话” 1 处" in note, note
        from models.storage import chain

        # The file "from before 0006" was made by dropping a table its audit still holds: a finding.
        chain.acknowledge(upgraded, chain.unacknowledged(upgraded.db), "测试员")
        export_village(upgraded, village.id, folder / "包.xlsx")  # after the upgrade every export works
        export_register(upgraded.register, upgraded.households.ids(village.id), folder / "名单.xlsx")
        openpyxl.load_workbook(folder / "包.xlsx").close()


def test_an_export_of_unclean_stored_text_says_where_it_is(demo_store, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    """Should a file edited outside the program slip a control character in after the upgrade,
    the export names the sheet, row and column in Chinese instead of failing with a traceback."""
    store = demo_store
    [village] = store.villages.all()
    hid = store.households.ids(village.id)[0]
    store.db.execute("UPDATE households SET address = ? WHERE id = ?", ["一组\x0b", hid])
    store.db.conn.commit()
    from models.storage import chain

    chain.acknowledge(store, chain.unacknowledged(store.db), "测试员")  # the raw edit is a finding of its own
    for export in (
        lambda: export_village(store, village.id, out / "包.xlsx"),
        lambda: export_register(store.register, [hid], out / "名单.xlsx"),
    ):
        with pytest.raises(ExportBlocked) as caught:
            export()
        text = describe(caught.value)
        assert "地址" in text or fields.spec("households", "address").label in text, text
        assert isinstance(caught.value, CundangError)
    assert not list(out.iterdir())  # nothing half-written left behind


def test_a_member_name_with_a_control_character_is_refused_by_the_raw_writer_helper(store, village):
    """The guard also holds for the bulk path the county import uses."""
    m = Member(name="李\x07四", relation="head", id_number="", sex="1", birth_date="1970-01-01")
    with pytest.raises(UncleanText):
        store.writer.insert_columns("members", {"name": [m.name], "relation": [m.relation]})
