"""The county import: round trip, every problem located, whole or nothing, replace by UUID."""

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from models.domain import Village
from models.errors import HeadCount
from models.exchange import package, reader
from models.exchange.county import duplicates, overview
from models.exchange.package import MANIFEST, export_village
from models.exchange.package_import import CHECKED, IMPORTED, REFUSED, UNCHANGED, import_packages
from models.exchange.problems import write_report
from models.services import households as svc
from models.services.villages import create_village
from models.store import Store
from models.wording import describe
from tests.conftest import family, new_household


@pytest.fixture
def county(tmp_path):
    s = Store.open(tmp_path / "county", actor="县扶贫办")
    yield s
    s.close()


def _export(store, path, village_id=None, when=None):
    village_id = village_id or store.villages.all()[0].id
    export_village(store, village_id, path, now=when or dt.datetime(2020, 6, 1, 9, 0))
    return path


def _sheets(path):
    """Every data sheet as text (the hidden row-hash column included)."""
    return {g.name: g.rows for g in reader.read_file(path) if g.name != MANIFEST}


def _state(store):
    """What a refused import must leave alone: every row count and the audit log."""
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: store.db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}


def _edit(path, out, edits):
    """Change cells of a package the way a person in Excel would: {(sheet, header, row): value}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, header, row), value in edits.items():
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        ws.cell(row, col).value = value
    wb.save(out)
    return out


def _where(outcome):
    return {(p.sheet, p.row, p.column) for p in outcome.problems if p.is_error}


def test_demo_village_round_trip_gives_the_same_data_sheets(demo_store, county, tmp_path):
    first = _export(demo_store, tmp_path / "village.xlsx")
    [outcome] = import_packages(county, [first])
    assert outcome.status == IMPORTED, outcome.problems[:5]
    village = county.villages.all()[0]
    again = _export(county, tmp_path / "county-export.xlsx", village.id)
    assert _sheets(first) == _sheets(again)
    src = demo_store.db.execute("SELECT count(*) FROM members").fetchone()[0]
    assert county.db.execute("SELECT count(*) FROM members").fetchone()[0] == src
    # the same file again changes nothing, not even the audit log
    before = _state(county)
    [same] = import_packages(county, [first])
    assert same.status == UNCHANGED and _state(county) == before


def test_dry_run_checks_and_writes_nothing(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    before = _state(county)
    [outcome] = import_packages(county, [path], dry_run=True)
    assert outcome.status == CHECKED and outcome.changes["households"][0] == 60
    assert _state(county) == before


def test_bad_id_unknown_code_broken_reference_and_edited_cell_each_located(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    ws = openpyxl.load_workbook(path)["家庭成员"]
    good_id = ws.cell(2, [c.value for c in ws[1]].index("证件号码") + 1).value
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    edited = _edit(
        path,
        tmp_path / "edited.xlsx",
        {
            ("家庭成员", "证件号码", 2): bad_id,
            ("贫困户", "贫困户属性", 3): "特别困难户",
            ("家庭成员", "户UUID", 4): "01234567-89ab-7def-8123-456789abcdef",
            ("贫困户", "联系电话", 5): "13800000000",
        },
    )
    before = _state(county)
    [outcome] = import_packages(county, [edited])
    assert outcome.status == REFUSED
    where = _where(outcome)
    assert ("家庭成员", 2, "证件号码") in where
    assert ("贫困户", 3, "贫困户属性") in where
    assert ("家庭成员", 4, "户UUID") in where
    assert ("贫困户", 5, "联系电话") in where  # a valid value, but changed after export
    messages = {}
    for p in outcome.problems:
        messages[(p.sheet, p.row, p.column)] = messages.get((p.sheet, p.row, p.column), "") + p.message
    assert "校验位" in messages[("家庭成员", 2, "证件号码")]
    assert "选项" in messages[("贫困户", 3, "贫困户属性")]
    assert "找不到" in messages[("家庭成员", 4, "户UUID")]
    assert "改动" in messages[("贫困户", 5, "联系电话")]
    assert _state(county) == before


def test_an_edited_package_needs_acceptance_which_is_audited(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    edited = _edit(path, tmp_path / "edited.xlsx", {("贫困户", "联系电话", 5): "13800000000"})
    [refused] = import_packages(county, [edited])
    assert refused.status == REFUSED and ("贫困户", 5, "联系电话") in _where(refused)
    [taken] = import_packages(county, [edited], accept_modified=True)
    assert taken.status == IMPORTED
    assert [p.level for p in taken.problems if p.row == 5] == ["提醒"]
    logged = county.db.execute("SELECT after FROM audit_log WHERE table_name = 'imports'").fetchone()[0]
    assert '"accepted_modified":1' in logged.replace(" ", "")
    phones = {r[0] for r in county.db.execute("SELECT phone FROM households")}
    assert "13800000000" in phones


def test_newer_export_replaces_by_uuid_and_older_is_refused(demo_store, county, tmp_path):
    old = _export(demo_store, tmp_path / "old.xlsx", when=dt.datetime(2020, 6, 1))
    assert import_packages(county, [old])[0].status == IMPORTED
    household = (
        demo_store.households.search(demo_store.villages.all()[0].id, "")[0]
        if hasattr(demo_store.households, "search")
        else None
    )
    hid, uuid = demo_store.db.execute("SELECT id, uuid FROM households ORDER BY id LIMIT 1").fetchone()
    demo_store.writer.update("households", hid, {"address": "新地址 1 号"})
    measure = demo_store.db.execute("SELECT id, uuid FROM measures ORDER BY id LIMIT 1").fetchone()
    demo_store.writer.delete("measures", measure[0])
    new = _export(demo_store, tmp_path / "new.xlsx", when=dt.datetime(2020, 7, 1))
    [outcome] = import_packages(county, [new])
    assert outcome.status == IMPORTED
    assert outcome.changes["households"] == (0, 1, 0) and outcome.changes["measures"] == (0, 0, 1)
    assert county.db.execute("SELECT address FROM households WHERE uuid = ?", [uuid]).fetchone()[0] == "新地址 1 号"
    assert county.db.execute("SELECT count(*) FROM measures WHERE uuid = ?", [measure[1]]).fetchone()[0] == 0
    before = _state(county)
    [older] = import_packages(county, [old])
    assert older.status == REFUSED and "旧" in older.problems[0].message
    assert _state(county) == before
    assert household is None or household


def test_two_villages_sharing_an_id_number_are_listed_as_duplicates(store, county, tmp_path):
    a = store.villages.get(
        create_village(
            store,
            Village(
                code="450123101201",
                province="广西壮族自治区",
                city="南宁市",
                county="测试县",
                township="测试镇",
                name="甲村",
            ),
            ["一组"],
        ).id
    )
    b = store.villages.get(
        create_village(
            store,
            Village(
                code="450123101202",
                province="广西壮族自治区",
                city="南宁市",
                county="测试县",
                township="测试镇",
                name="乙村",
            ),
            ["一组"],
        ).id
    )
    svc.register_household(store, new_household(store, a), family(seq=1))
    other = family(seq=11)
    other[2] = family(seq=1)[2]  # 张小明 is registered in both villages
    svc.register_household(store, new_household(store, b), other)
    pa = _export(store, tmp_path / "a.xlsx", a.id)
    pb = _export(store, tmp_path / "b.xlsx", b.id)
    out_a, out_b = import_packages(county, [pa, pb])
    assert out_a.status == IMPORTED and out_b.status == IMPORTED
    # The two packages are written side by side: whichever comes second carries the warning.
    [(outcome, warning)] = [(o, p) for o in (out_a, out_b) for p in o.problems if p.sheet == "家庭成员"]
    other = "甲村" if outcome is out_b else "乙村"
    assert warning.level == "提醒" and other in warning.message and warning.row == 4
    [dup] = duplicates(county)
    assert dup.id_number == family(seq=1)[2].id_number
    assert [p.village_name for p in dup.places] == ["甲村", "乙村"]
    lines = {line.name: line for line in overview(county)}
    assert lines["甲村"].duplicates == 1 and lines["乙村"].exported_at == "2020-06-01T09:00:00"


def test_a_formula_looking_name_survives_as_text(store, village, county, tmp_path):
    members = family()
    members[1] = dataclasses.replace(members[1], name='=HYPERLINK("http://x")')
    svc.register_household(store, new_household(store, village), members)
    path = _export(store, tmp_path / "p.xlsx")
    assert import_packages(county, [path])[0].status == IMPORTED
    assert (
        county.db.execute("SELECT count(*) FROM members WHERE name = ?", ['=HYPERLINK("http://x")']).fetchone()[0] == 1
    )
    again = _export(county, tmp_path / "again.xlsx")
    ws = openpyxl.load_workbook(again)["家庭成员"]
    cell = ws.cell(3, [c.value for c in ws[1]].index("姓名") + 1)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_report_xlsx_keeps_formula_looking_values_as_text(tmp_path):
    from models.exchange.problems import RowProblem

    write_report(tmp_path / "r.xlsx", [RowProblem("f.xlsx", "家庭成员", 3, "姓名", "=1+1", "测试")])
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert [c.value for c in ws[1]][:6] == ["文件", "工作表", "行", "列", "值", "问题"]
    assert ws.cell(2, 5).value == "=1+1" and ws.cell(2, 5).data_type == "s"


# --- Bad input: a clear refusal, the county unchanged ---------------------------------------


def _refused(county, path, fragment, **kw):
    before = _state(county)
    [outcome] = import_packages(county, [path], **kw)
    assert outcome.status == REFUSED
    assert any(fragment in p.message for p in outcome.problems), [p.message for p in outcome.problems]
    assert _state(county) == before
    return outcome


def test_not_a_workbook(county, tmp_path):
    path = tmp_path / "报表.xlsx"
    path.write_text("这不是工作簿")
    _refused(county, path, "不是 Excel")


def test_zip_bomb(county, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 4 * 2**20)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 2**20))
    assert path.stat().st_size < 100_000
    _refused(county, path, "压缩炸弹")


def test_too_many_rows_and_too_long_cells(demo_store, county, tmp_path, monkeypatch):
    path = _export(demo_store, tmp_path / "village.xlsx")
    monkeypatch.setattr(reader, "MAX_ROWS", 100)
    _refused(county, path, "超过")
    monkeypatch.undo()
    marked = _edit(path, tmp_path / "marked.xlsx", {("贫困户", "住址", 2): "MARKER"})
    long = tmp_path / "long.xlsx"  # openpyxl itself cuts strings at 32767: write the part by hand
    with zipfile.ZipFile(marked) as src, zipfile.ZipFile(long, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"MARKER", ("长" * 40_000).encode()))
    _refused(county, long, "32767")


def test_missing_sheet_renamed_header_formula_duplicate_uuid_newer_version(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb["走访记录"]
    wb.save(tmp_path / "missing.xlsx")
    out = _refused(county, tmp_path / "missing.xlsx", "缺少这个工作表")
    assert ("走访记录", None, "") in _where(out)

    out = _refused(county, _edit(path, tmp_path / "renamed.xlsx", {("贫困户", "住址", 1): "家庭住址"}), "缺少列")
    assert any(p.value == "家庭住址" and "无法识别" in p.message for p in out.problems)

    out = _refused(county, _edit(path, tmp_path / "formula.xlsx", {("收入", "工资性收入", 3): "=1000*2"}), "公式")
    assert any(p.sheet == "收入" and p.row == 3 and p.column == "工资性收入" for p in out.problems)

    ws = openpyxl.load_workbook(path)["家庭成员"]
    first_uuid = ws.cell(2, 1).value
    out = _refused(county, _edit(path, tmp_path / "dup.xlsx", {("家庭成员", "UUID", 3): first_uuid}), "UUID 重复")
    assert ("家庭成员", 3, "UUID") in _where(out)

    wb = openpyxl.load_workbook(path)
    for row in wb[MANIFEST].iter_rows():
        if row[0].value == "格式版本":
            row[1].value = str(int(package.FORMAT_VERSION) + 1)
    wb.save(tmp_path / "newer.xlsx")
    _refused(county, tmp_path / "newer.xlsx", "较新版本")


def test_a_copied_data_folder_is_caught_by_uuid(demo_store, county, tmp_path):
    """Two villages whose records share UUIDs (one clerk copied another's folder) are refused."""
    path = _export(demo_store, tmp_path / "village.xlsx")
    assert import_packages(county, [path])[0].status == IMPORTED
    wb = openpyxl.load_workbook(path)
    for ws in (wb["清单"], wb["村情"]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == demo_store.villages.all()[0].code:
                    cell.value = "450123101299"
    wb.save(tmp_path / "copy.xlsx")
    _refused(county, tmp_path / "copy.xlsx", "复制了别村", accept_modified=True)


def test_several_edits_are_each_named_exactly(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    edited = _edit(
        path,
        tmp_path / "edited.xlsx",
        {
            ("贫困户", "联系电话", 4): "13800000001",
            ("贫困户", "住址", 6): "改过的住址",
            ("家庭成员", "姓名", 7): "改名",
        },
    )
    [outcome] = import_packages(county, [edited])
    assert _where(outcome) == {("贫困户", 4, "联系电话"), ("贫困户", 6, "住址"), ("家庭成员", 7, "姓名")}


def test_the_countys_own_database_file_is_refused_untouched(county):
    before = _state(county)
    [outcome] = import_packages(county, [county.path])
    assert outcome.status == REFUSED and "数据文件" in outcome.problems[0].message
    assert _state(county) == before and county.villages.all() == []


# --- What a county clerk's review found ------------------------------------------------------


def test_a_stray_far_cell_is_refused_before_the_reader_sizes_the_sheet(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["走访记录"]["XFD150000"] = "x"
    wb.save(tmp_path / "stray.xlsx")
    _refused(county, tmp_path / "stray.xlsx", "使用范围过大")

    # The same without a stated range: the reader would size the sheet from its cells.
    _stated_range(tmp_path / "stray.xlsx", tmp_path / "nodim.xlsx", b"")
    with zipfile.ZipFile(tmp_path / "nodim.xlsx") as z:
        assert not any(b"<dimension" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    _refused(county, tmp_path / "nodim.xlsx", "使用范围过大")

    # A stated range that is too small (the reader would size the sheet from its cells, and once
    # tried to allocate 78 GB and aborted the process): refused, not a crash.
    _stated_range(tmp_path / "stray.xlsx", tmp_path / "lie.xlsx", b'<dimension ref="A1:B2"/>')
    _refused(county, tmp_path / "lie.xlsx", "使用范围过大")


def _stated_range(src, dst, dimension):
    """A copy of a workbook whose sheets state another range (b"": none)."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for info in z.infolist():
            data = z.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", dimension, data)
            out.writestr(info, data)


def test_a_wrong_but_harmless_stated_range_still_reads(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.append([f"a{r}", f"b{r}", f"c{r}"])
    wb.save(tmp_path / "ok.xlsx")
    _stated_range(tmp_path / "ok.xlsx", tmp_path / "a1.xlsx", b'<dimension ref="A1"/>')  # as some writers do
    [grid] = reader.read_file(tmp_path / "a1.xlsx")
    assert grid.rows[4] == ["a5", "b5", "c5"]


def test_the_manifest_is_covered_by_the_checksum(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    for key, value, fragment in (
        ("导出时间", "2099-01-01T00:00:00", "晚于现在"),
        ("导出时间", "2020/06/02 08:00", "格式不对"),
        ("村名", "别的村", "校验值不符"),
    ):
        wb = openpyxl.load_workbook(path)
        for row in wb[MANIFEST].iter_rows():
            if row[0].value == key:
                row[1].value = value
        wb.save(tmp_path / "manifest.xlsx")
        _refused(county, tmp_path / "manifest.xlsx", fragment)


def test_another_village_with_the_same_code_is_named(demo_store, county, tmp_path):
    from models.demo.generator import generate

    assert import_packages(county, [_export(demo_store, tmp_path / "a.xlsx")])[0].status == IMPORTED
    with Store.open(tmp_path / "other", actor="演示") as other:
        generate(other, seed=9, households=10)
        assert other.villages.all()[0].code == demo_store.villages.all()[0].code
        path = _export(other, tmp_path / "b.xlsx", when=dt.datetime(2020, 7, 1))
    out = _refused(county, path, "另一份数据")
    assert len(out.problems) == 1 and out.problems[0].sheet == "村情"


def test_a_lower_case_x_is_made_upper_case_when_edits_are_accepted(store, village, county, tmp_path):
    members = family()
    x = next(n for n in range(1, 400) if family(seq=n)[0].id_number.endswith("X"))
    members[0] = family(seq=x)[0]
    svc.register_household(store, new_household(store, village), members)
    path = _export(store, tmp_path / "p.xlsx")
    edited = _edit(path, tmp_path / "x.xlsx", {("家庭成员", "证件号码", 2): members[0].id_number.lower()})
    [outcome] = import_packages(county, [edited], accept_modified=True)
    assert outcome.status == IMPORTED, outcome.problems
    assert any("大写 X" in p.message and p.row == 2 for p in outcome.problems)
    assert (
        county.db.execute("SELECT count(*) FROM members WHERE id_number = ?", [members[0].id_number]).fetchone()[0] == 1
    )


def test_a_dry_run_counts_changed_rows_of_an_imported_village(demo_store, county, tmp_path):
    assert import_packages(county, [_export(demo_store, tmp_path / "old.xlsx")])[0].status == IMPORTED
    hid = demo_store.db.execute("SELECT id FROM households ORDER BY id LIMIT 1").fetchone()[0]
    demo_store.writer.update("households", hid, {"address": "新地址"})
    new = _export(demo_store, tmp_path / "new.xlsx", when=dt.datetime(2020, 7, 1))
    [dry] = import_packages(county, [new], dry_run=True)
    [real] = import_packages(county, [new])
    assert dry.status == CHECKED and dry.changes["households"] == real.changes["households"] == (0, 1, 0)


def test_a_sorted_sheet_an_extra_column_and_a_blank_row_import(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["走访记录"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    for r, values in enumerate(sorted(rows, key=lambda v: str(v[4])), 2):  # sorted by another column
        for c, value in enumerate(values, 1):
            ws.cell(r, c).value = value
    extra = wb["贫困户"]
    extra.cell(1, extra.max_column + 1).value = "备注2"
    wb["收入"].cell(wb["收入"].max_row + 2, 1).value = " "
    wb.save(tmp_path / "handled.xlsx")
    [outcome] = import_packages(county, [tmp_path / "handled.xlsx"])
    assert outcome.status == IMPORTED, [p for p in outcome.problems if p.is_error]
    assert [p.message for p in outcome.problems] == ["多出的列，不会导入"]


def test_the_untouched_original_replaces_accepted_edits(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    edited = _edit(path, tmp_path / "edited.xlsx", {("贫困户", "联系电话", 5): "13800000000"})
    assert import_packages(county, [edited], accept_modified=True)[0].status == IMPORTED
    [original] = import_packages(county, [path])
    assert original.status == IMPORTED and original.changes["households"] == (0, 1, 0)
    assert "13800000000" not in {r[0] for r in county.db.execute("SELECT phone FROM households")}
    assert import_packages(county, [path])[0].status == UNCHANGED


def test_columns_in_another_order_import_the_same_records(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["家庭成员"]
    headers = [c.value for c in ws[1]]
    a, b = headers.index("姓名") + 1, headers.index("证件号码") + 1
    for row in ws.iter_rows():
        row[a - 1].value, row[b - 1].value = row[b - 1].value, row[a - 1].value
    wb.save(tmp_path / "swapped.xlsx")
    [outcome] = import_packages(county, [tmp_path / "swapped.xlsx"])
    assert outcome.status == IMPORTED, [p for p in outcome.problems if p.is_error]
    assert sorted(county.db.execute("SELECT name, id_number FROM members").fetchall()) == sorted(
        demo_store.db.execute("SELECT name, id_number FROM members").fetchall()
    )


def test_bad_uuids_are_each_named(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    uuid = openpyxl.load_workbook(path)["收入"]["A3"].value
    edited = _edit(
        path,
        tmp_path / "edited.xlsx",
        {("收入", "UUID", 2): "abc", ("收入", "UUID", 3): uuid + "\n" + uuid, ("收入", "UUID", 4): ""},
    )
    [outcome] = import_packages(county, [edited])
    assert outcome.status == REFUSED
    named = {p.row for p in outcome.problems if p.sheet == "收入" and p.message == "UUID 为空或格式不对"}
    assert named == {2, 3, 4}
    assert county.db.execute("SELECT count(*) FROM incomes").fetchone()[0] == 0


def test_repeated_keys_missing_references_and_unknown_groups_are_each_named(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    wb = openpyxl.load_workbook(path)

    def cell(sheet, header, row):
        ws = wb[sheet]
        return ws.cell(row, [c.value for c in ws[1]].index(header) + 1).value

    members = wb["家庭成员"]
    relation = [c.value for c in members[1]].index("与户主关系")
    not_head = next(
        r
        for r in range(3, members.max_row + 1)
        if members.cell(r, relation + 1).value != "户主"
        and not cell("家庭成员", "减少日期", r)
        and cell("家庭成员", "证件号码", r)
    )
    edits = {
        ("贫困户", "户编号", 3): cell("贫困户", "户编号", 2),
        ("贫困户", "村民小组", 4): "九十九组",
        ("收入", "户UUID", 3): cell("收入", "户UUID", 2),
        ("收入", "年度", 3): cell("收入", "年度", 2),
        ("家庭成员", "与户主关系", not_head): "户主",
        ("走访记录", "户UUID", 2): "",
    }
    edited = _edit(path, tmp_path / "edited.xlsx", edits)
    [outcome] = import_packages(county, [edited])
    assert outcome.status == REFUSED
    named = {(p.sheet, p.row, p.column): p.message for p in outcome.problems if p.is_error}
    assert "与另一行重复" in named[("贫困户", 3, "户编号")]
    assert "没有这个小组" in named[("贫困户", 4, "村民小组")]
    assert "与另一行重复" in named[("收入", 3, "年度")]
    # The village's own rule and its sentence (the package check once said this in words of its own).
    assert named[("家庭成员", not_head, "与户主关系")] == describe(HeadCount(count=2))
    assert "不能为空" in named[("走访记录", 2, "户UUID")]
    assert county.db.execute("SELECT count(*) FROM households").fetchone()[0] == 0


def test_reference_problems_come_in_row_order_and_an_empty_name_reads_empty(demo_store, county, tmp_path):
    path = _export(demo_store, tmp_path / "village.xlsx")
    unknown = "01234567-89ab-7def-8123-456789abcdef"
    edited = _edit(
        path,
        tmp_path / "edited.xlsx",
        {("结对帮扶", "户UUID", 3): unknown, ("结对帮扶", "干部UUID", 2): unknown, ("村情", "村名", 2): ""},
    )
    [outcome] = import_packages(county, [edited])
    assert outcome.status == REFUSED and outcome.village_name == ""
    named = [(p.row, p.column) for p in outcome.problems if p.sheet == "结对帮扶" and "找不到" in p.message]
    assert named == [(2, "干部UUID"), (3, "户UUID")]


def test_a_formula_and_a_bad_id_two_rows_below_are_both_found_in_one_run(demo_store, county, tmp_path):
    """The check goes on past a formula: every problem of the sheet comes out at once."""
    path = _export(demo_store, tmp_path / "village.xlsx")
    ws = openpyxl.load_workbook(path)["家庭成员"]
    col = [c.value for c in ws[1]].index("证件号码") + 1
    good = ws.cell(5, col).value
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    edited = _edit(
        path, tmp_path / "edited.xlsx", {("家庭成员", "姓名", 3): "=A1&B1", ("家庭成员", "证件号码", 5): wrong}
    )
    [outcome] = import_packages(county, [edited], accept_modified=True)
    assert outcome.status == REFUSED
    where = {(p.sheet, p.row, p.column): p.message for p in outcome.problems if p.is_error}
    assert "公式" in where[("家庭成员", 3, "姓名")]
    assert "校验位" in where[("家庭成员", 5, "证件号码")], where
    assert outcome.rows["家庭成员"] == ws.max_row - 1  # the sheet's rows are counted, not 0


def test_a_format_1_package_from_the_first_release_still_imports(county):
    """The package the first release wrote (kept as a fixture) passes today's rules and imports."""
    fixture = Path(__file__).parent / "fixtures" / "package-format1.xlsx"
    [outcome] = import_packages(county, [fixture])
    assert outcome.status == IMPORTED, [(p.sheet, p.row, p.column, p.message) for p in outcome.problems[:5]]
    assert county.db.execute("SELECT count(*) FROM members").fetchone()[0] > 0
