"""Bootstrapping a village from the national system's export: quirks read, codes mapped, whole or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import time

import openpyxl
import pytest

from models import codes, idnumber
from models.errors import HeadCount
from models.exchange.national import import_national
from models.exchange.problems import ERROR, WARNING
from models.exchange.reader import FileRefused
from models.wording import describe
from tests.conftest import REGION, VILLAGE_CODE

HEADER = [
    "省",
    "市",
    "县",
    "乡",
    "村",
    "户编号",
    "人口编号",
    "姓名",
    "性别",
    "证件号码",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间（月）",
    "是否参加城乡居民基本医疗保险",
    "是否参加大病保险",
    "是否参加城乡居民基本养老保险",
    "是否享受低保",
    "是否特困供养人员",
    "贫困户属性",
    "主要致贫原因",
    "脱贫状态",
    "识别标准",
    "户主姓名",
    "户主证件号码",
    "联系电话",
    "年度",
]
PLACE = ["广西壮族自治区", "南宁市", "测试县", "测试镇", "测试村"]
NO1, NO2 = VILLAGE_CODE + "0001", VILLAGE_CODE + "0002"


def pid(birth: str, seq: int, sex: str) -> str:
    return idnumber.make(REGION, dt.date.fromisoformat(birth), seq, sex)


def person(no, name, sex, number, relation, **more):
    """One member row as a dict of header -> value (household columns filled by household())."""
    row = {
        "户编号": no,
        "姓名": name,
        "性别": sex,
        "证件号码": number,
        "与户主关系": relation,
        "民族": "汉族",
        "文化程度": "初中",
        "在校生状况": "非在校生",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "务工状况": "未务工",
        "务工时间（月）": "",
        "是否参加城乡居民基本医疗保险": "是",
        "是否参加大病保险": "是",
        "是否参加城乡居民基本养老保险": "否",
        "是否享受低保": "否",
        "是否特困供养人员": "否",
    }
    row.update(more)
    return row


def household(
    members,
    *,
    attribute="一般贫困户",
    cause="因病",
    status="未脱贫",
    standard="国家标准",
    phone="13900000001",
    year="2019",
):
    head = next(m for m in members if m["与户主关系"] == "户主")
    for m in members:
        m.update(
            {
                "省": PLACE[0],
                "市": PLACE[1],
                "县": PLACE[2],
                "乡": PLACE[3],
                "村": PLACE[4],
                "贫困户属性": attribute,
                "主要致贫原因": cause,
                "脱贫状态": status,
                "识别标准": standard,
                "户主姓名": head["姓名"],
                "户主证件号码": head["证件号码"],
                "联系电话": phone,
                "年度": year,
            }
        )
    return members


def sample():
    """Two households, six people: the first exited (a 低保 household), the second not."""
    h1 = household(
        [
            person(NO1, "黄大山", "男", pid("1968-04-02", 11, "1"), "户主", 健康状况="长期慢性病、残疾"),
            person(NO1, "韦秀兰", "女", pid("1970-09-15", 12, "2"), "配偶", 民族="壮族", 文化程度="小学"),
            person(
                NO1, "黄小军", "男", pid("1996-01-20", 13, "1"), "之子", 务工状况="省外务工", **{"务工时间（月）": "10"}
            ),
        ],
        attribute="低保贫困户",
        status="已脱贫",
    )
    h2 = household(
        [
            person(NO2, "蒙正福", "男", pid("1955-12-01", 21, "1"), "户主", 劳动技能="弱劳动力或半劳动力"),
            person(
                NO2,
                "蒙春花",
                "女",
                pid("2008-06-06", 22, "2"),
                "之孙女",
                文化程度="小学",
                在校生状况="初中",
                是否参加城乡居民基本养老保险="",
            ),
            person(
                NO2,
                "蒙春生",
                "男",
                pid("1990-03-03", 23, "1"),
                "之子",
                务工状况="县外省内务工",
                **{"务工时间（月）": "6"},
            ),
        ],
        cause="缺技术",
    )
    return h1 + h2


def write_xlsx(path, rows, header=HEADER, titles=("全国扶贫开发信息系统", "贫困人口信息表（2019年度）"), raw=None):
    """A national-style workbook: title rows, then the header, then the rows (every value text,
    unless ``raw`` gives a cell's value as stored: (data row index, header) -> value)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "贫困人口"
    for title in titles:
        ws.append([title])
    ws.append(list(header))
    keys = [
        h.strip() if h.strip() in HEADER + ["村代码"] else h.strip().replace("(", "（").replace(")", "）")
        for h in header
    ]  # a variant header takes the value of the header it stands for
    for i, row in enumerate(rows):
        ws.append([(raw or {}).get((i, k), row.get(k, "")) for k in keys])
    for r in ws.iter_rows(min_row=len(titles) + 2):
        for cell in r:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    wb.save(path)
    return path


def write_csv(path, rows, encoding):
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for row in rows:
            out.writerow([row.get(k, "") for k in HEADER])
    return path


def audit_count(store):
    return store.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def members_by_name(store):
    return {r["name"]: r for r in store.db.query("SELECT * FROM members")}


def errors(result):
    return [(p.row, p.column) for p in result.problems if p.level == ERROR]


# --- Building a village ------------------------------------------------------------------------------


def test_a_quirky_workbook_builds_the_village(store, tmp_path):
    rows = sample()
    rows[0]["证件号码"] = f'="{rows[0]["证件号码"]}"'  # wrapped as a formula-looking text
    rows[1]["证件号码"] = "'" + rows[1]["证件号码"]  # a leading apostrophe
    rows[2]["务工时间（月）"] = "１０"  # full-width digits
    rows[3]["民族"] = "汉"  # a near-variant of 汉族
    rows[4]["证件号码"] = rows[4]["证件号码"].translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})  # full-width
    header = [h + " " if h in ("证件号码", "姓名") else h for h in HEADER]  # trailing spaces
    header[HEADER.index("务工时间（月）")] = " 务工时间(月)"  # the half-width variant
    path = write_xlsx(tmp_path / "national.xlsx", rows, header)

    result = import_national(store, path, village_code=VILLAGE_CODE)

    assert result.written and not result.errors, result.problems
    assert (result.households_added, result.members_added) == (2, 6)
    assert (result.households_updated, result.members_updated) == (0, 0)
    [village] = store.villages.all()
    assert (village.code, village.county, village.township, village.name) == (
        VILLAGE_CODE,
        "测试县",
        "测试镇",
        "测试村",
    )
    assert (result.village_code, result.village_name) == (VILLAGE_CODE, "测试村")
    h1 = store.households.by_no(village.id, NO1)
    h2 = store.households.by_no(village.id, NO2)
    assert (h1.attribute, h1.main_cause, h1.status, h1.exit_year, h1.identified_year) == (
        "dibao",
        "illness",
        "exited",
        2019,
        2019,
    )
    assert (h2.attribute, h2.main_cause, h2.status, h2.exit_year, h2.phone) == (
        "general",
        "skills",
        "not_exited",
        None,
        "13900000001",
    )
    assert [e.kind for e in store.households.file(h1.id).status_events] == ["identify", "exit"]
    m = members_by_name(store)
    head = m["黄大山"]
    assert (head["relation"], head["sex"], head["id_type"], head["birth_date"]) == (
        "head",
        "1",
        "resident",
        "1968-04-02",
    )
    assert head["id_number"] == pid("1968-04-02", 11, "1") and head["health"] == "chronic,disabled"
    assert (m["韦秀兰"]["ethnicity"], m["韦秀兰"]["education"], m["韦秀兰"]["id_number"]) == (
        "08",
        "primary",
        pid("1970-09-15", 12, "2"),
    )
    assert (m["黄小军"]["work_status"], m["黄小军"]["work_months"], m["黄小军"]["relation"]) == ("outside", 10, "son")
    assert (m["蒙正福"]["ethnicity"], m["蒙正福"]["labour"]) == ("01", "weak")
    girl = m["蒙春花"]
    assert (girl["relation"], girl["school_status"], girl["medical_insurance"], girl["pension_insurance"]) == (
        "granddaughter",
        "junior",
        1,
        None,
    )
    # What was normalised is told, on the row and under the header as written.
    warned = {(p.row, p.column, p.message.split("（共")[0]) for p in result.problems if p.level == WARNING}
    assert (4, "证件号码", '写成了 ="…" 的形式，已去掉等号和引号') in warned
    assert (5, "证件号码", "前面有单引号，已去掉") in warned
    assert (6, "务工时间(月)", "含全角字符或空格，已转为半角并去掉空格") in warned
    assert (7, "民族", "“汉”按“汉族”导入") in warned
    assert (8, "证件号码", "含全角字符或空格，已转为半角并去掉空格") in warned
    assert girl["id_number"] == pid("2008-06-06", 22, "2")


def test_an_id_number_ending_in_lower_case_x_is_stored_upper_case(store, tmp_path):
    rows = sample()
    seq = next(s for s in range(11, 200, 2) if pid("1968-04-02", s, "1").endswith("X"))
    number = pid("1968-04-02", seq, "1")
    for r in rows[:3]:
        r["户主证件号码"] = number.lower()
    rows[0]["证件号码"] = number.lower()
    result = import_national(store, write_xlsx(tmp_path / "x.xlsx", rows), village_code=VILLAGE_CODE)
    assert result.written, result.problems
    assert members_by_name(store)["黄大山"]["id_number"] == number


def test_the_same_file_again_changes_nothing(store, tmp_path):
    path = write_xlsx(tmp_path / "national.xlsx", sample())
    assert import_national(store, path, village_code=VILLAGE_CODE).written
    before = audit_count(store)
    again = import_national(store, path)  # the village is found by its names now
    assert again.written and not again.errors, again.problems
    assert (again.households_added, again.households_updated, again.members_added, again.members_updated) == (
        0,
        0,
        0,
        0,
    )
    assert audit_count(store) == before


def test_an_updated_file_updates_only_what_changed(store, tmp_path):
    import_national(store, write_xlsx(tmp_path / "2019.xlsx", sample()), village_code=VILLAGE_CODE)
    before = audit_count(store)
    rows = sample()
    rows[1]["文化程度"] = "初中"  # 韦秀兰: 小学 -> 初中
    for r in rows[3:]:
        r["联系电话"] = "13900000009"  # household 2's phone
    baby = person(
        NO2, "蒙小宝", "男", pid("2019-05-05", 25, "1"), "之孙子", 文化程度="学龄前儿童", 在校生状况="学前教育"
    )
    rows.append(household([baby] + rows[3:6], cause="缺技术", phone="13900000009")[0])
    result = import_national(store, write_xlsx(tmp_path / "2020.xlsx", rows), village_code=VILLAGE_CODE)
    assert result.written and not result.errors, result.problems
    assert (result.households_added, result.households_updated, result.members_added, result.members_updated) == (
        0,
        1,
        1,
        1,
    )
    m = members_by_name(store)
    assert m["韦秀兰"]["education"] == "junior" and m["黄大山"]["education"] == "junior"
    [village] = store.villages.all()
    h2 = store.households.by_no(village.id, NO2)
    assert h2.phone == "13900000009"
    events = store.households.file(h2.id).member_events
    assert [(e.kind, e.member_id) for e in events] == [("other_in", m["蒙小宝"]["id"])]
    # three updates, one member with its first year's facts and one member event added: each audited
    assert audit_count(store) - before == 5


def test_a_dry_run_counts_and_writes_nothing(store, tmp_path):
    before = audit_count(store)
    result = import_national(store, write_xlsx(tmp_path / "n.xlsx", sample()), village_code=VILLAGE_CODE, dry_run=True)
    assert not result.written and not result.errors
    assert (result.households_added, result.members_added) == (2, 6)
    assert store.villages.count() == 0 and audit_count(store) == before


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_into_an_existing_village_found_by_its_names(store, village, tmp_path, encoding):
    path = write_csv(tmp_path / "national.csv", sample(), encoding)
    result = import_national(store, path)
    assert result.written and not result.errors, result.problems
    assert result.village_code == village.code and store.villages.count() == 1
    assert store.db.execute("SELECT count(*) FROM members WHERE village_id = ?", [village.id]).fetchone()[0] == 6
    assert members_by_name(store)["韦秀兰"]["ethnicity"] == "08"


def national_export(store, village):
    """The demo village written the way the national system exports it: one row per current member."""
    groups = {g.id: g.name for g in store.villages.groups(village.id)}
    flag = {None: "", 0: "否", 1: "是"}
    rows = []
    for hid in store.households.ids(village.id):
        f = store.households.file(hid)
        h, head = f.household, f.head
        for m in f.current_members:
            rows.append(
                {
                    "省": village.province,
                    "市": village.city,
                    "县": village.county,
                    "乡": village.township,
                    "村": village.name,
                    "村代码": village.code,
                    "村民小组": groups.get(h.group_id, ""),
                    "户编号": h.household_no,
                    "姓名": m.name,
                    "性别": codes.SEX.label(m.sex),
                    "证件号码": m.id_number,
                    "与户主关系": codes.RELATION.label(m.relation),
                    "民族": codes.ETHNICITY.label(m.ethnicity),
                    "文化程度": codes.EDUCATION.label(m.education),
                    "在校生状况": codes.SCHOOL.label(m.school_status),
                    "失学辍学原因": m.dropout_reason,
                    "健康状况": "、".join(codes.HEALTH.label(k) for k in m.health_keys),
                    "残疾类别": codes.DISABILITY_KIND.label(m.disability_kind),
                    "残疾等级": codes.DISABILITY_GRADE.label(m.disability_grade),
                    "劳动技能": codes.LABOUR.label(m.labour),
                    "务工状况": codes.WORK.label(m.work_status),
                    "务工时间（月）": "" if m.work_months is None else str(m.work_months),
                    "是否参加城乡居民基本医疗保险": flag[m.medical_insurance],
                    "是否参加大病保险": flag[m.serious_illness_insurance],
                    "是否参加城乡居民基本养老保险": flag[m.pension_insurance],
                    "是否享受低保": flag[m.dibao],
                    "是否特困供养人员": flag[m.tekun],
                    "贫困户属性": codes.ATTRIBUTE.label(h.attribute),
                    "主要致贫原因": codes.CAUSE.label(h.main_cause),
                    "其他致贫原因": "、".join(codes.CAUSE.label(c) for c in (h.other_cause1, h.other_cause2) if c),
                    "脱贫状态": codes.status_label(h.status),
                    "识别年度": str(h.identified_year),
                    "脱贫年度": str(h.exit_year or ""),
                    "识别标准": codes.STANDARD.label(h.standard),
                    "户主姓名": head.name,
                    "户主证件号码": head.id_number,
                    "联系电话": h.phone,
                    "年度": "2020",
                }
            )
    return rows


HOUSEHOLD_FACTS = (
    "attribute",
    "main_cause",
    "other_cause1",
    "other_cause2",
    "status",
    "exit_year",
    "identified_year",
    "phone",
    "standard",
)
MEMBER_FACTS = (
    "name",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "school_status",
    "dropout_reason",
    "health",
    "disability_kind",
    "disability_grade",
    "labour",
    "work_status",
    "work_months",
    "medical_insurance",
    "serious_illness_insurance",
    "pension_insurance",
    "dibao",
    "tekun",
)


def test_the_demo_village_exported_nationally_is_rebuilt(demo_store, store, tmp_path):
    [demo] = demo_store.villages.all()
    extra = ["村代码", "村民小组", "失学辍学原因", "残疾类别", "残疾等级", "其他致贫原因", "识别年度", "脱贫年度"]
    path = write_xlsx(tmp_path / "demo.xlsx", national_export(demo_store, demo), HEADER + extra)
    result = import_national(store, path)
    assert result.written and not result.errors, result.errors[:5]
    [village] = store.villages.all()
    assert (village.code, village.name) == (demo.code, demo.name)
    theirs_groups = {g.id: g.name for g in demo_store.villages.groups(demo.id)}
    ours_groups = {g.id: g.name for g in store.villages.groups(village.id)}
    compared = 0
    for hid in demo_store.households.ids(demo.id):
        theirs = demo_store.households.file(hid)
        if not theirs.current_members:
            continue
        ours = store.households.by_no(village.id, theirs.household.household_no)
        assert [getattr(ours, k) for k in HOUSEHOLD_FACTS] == [getattr(theirs.household, k) for k in HOUSEHOLD_FACTS]
        assert ours_groups[ours.group_id] == theirs_groups[theirs.household.group_id]
        assert store.households.file(ours.id).status_events[-1].kind == theirs.status_events[-1].kind
        our_members = {m.id_number: m for m in store.households.members(ours.id)}
        assert set(our_members) == {m.id_number for m in theirs.current_members}
        for m in theirs.current_members:
            assert [getattr(our_members[m.id_number], k) for k in MEMBER_FACTS] == [getattr(m, k) for k in MEMBER_FACTS]
            compared += 1
    assert compared == result.members_added > 100


# --- Refusals --------------------------------------------------------------------------------------


def test_bad_values_are_each_reported_and_nothing_is_written(store, tmp_path):
    rows = sample()
    good = rows[0]["证件号码"]
    rows[0]["证件号码"] = good[:17] + ("0" if good[17] != "0" else "1")  # wrong check character
    rows[0]["户主证件号码"] = rows[0]["证件号码"]
    rows[1]["民族"] = "火星族"  # no such code
    rows[4]["证件号码"] = "4.50123E+17"  # mangled by Excel, as text
    number = int(rows[5]["证件号码"])
    path = write_xlsx(tmp_path / "bad.xlsx", rows, raw={(5, "证件号码"): number})  # stored as a number
    before = audit_count(store)
    result = import_national(store, path, village_code=VILLAGE_CODE)
    assert not result.written
    assert set(errors(result)) == {(4, "证件号码"), (5, "民族"), (8, "证件号码"), (9, "证件号码")}
    by_row = {p.row: p for p in result.errors}
    assert "校验位" in by_row[4].message and by_row[4].value == rows[0]["证件号码"]
    assert "火星族" in by_row[5].message and by_row[5].value == "火星族"
    assert "15 位有效数字" in by_row[8].message and "15 位有效数字" in by_row[9].message
    assert by_row[8].value == "4.50123E+17"
    assert store.villages.count() == 0 and audit_count(store) == before


def test_household_rules_refuse_the_file(store, village, tmp_path):
    rows = sample()
    rows[1]["与户主关系"] = "户主"  # household 1: two heads
    rows[3]["与户主关系"] = "之兄弟姐妹"  # household 2: no head
    rows[5]["证件号码"] = rows[2]["证件号码"]  # the same person twice
    rows[5]["性别"] = "男"
    before = audit_count(store)
    result = import_national(store, write_xlsx(tmp_path / "bad.xlsx", rows))
    assert not result.written
    messages = {(p.row, p.column): p.message for p in result.errors}
    assert messages[(5, "与户主关系")] == describe(HeadCount(count=2))  # the form's rule and sentence
    assert "没有户主" in messages[(7, "与户主关系")]
    assert "与第 6 行的证件号码相同" in messages[(9, "证件号码")]
    assert audit_count(store) == before


def test_a_person_registered_in_another_household_is_refused(store, tmp_path):
    import_national(store, write_xlsx(tmp_path / "a.xlsx", sample()), village_code=VILLAGE_CODE)
    moved = sample()[2]  # 黄小军 starts a household of his own without a member change in ours
    rows = household(
        [
            person(VILLAGE_CODE + "0003", "黄小军", "男", moved["证件号码"], "户主"),
            person(VILLAGE_CODE + "0003", "农美玲", "女", pid("1997-02-02", 31, "2"), "配偶"),
        ]
    )
    result = import_national(store, write_xlsx(tmp_path / "b.xlsx", rows))
    assert not result.written
    [problem] = result.errors
    assert (problem.row, problem.column) == (4, "证件号码") and NO1 in problem.message


def test_missing_columns_are_named(store, tmp_path):
    header = [h for h in HEADER if h not in ("与户主关系", "主要致贫原因")]
    result = import_national(store, write_xlsx(tmp_path / "n.xlsx", sample(), header), village_code=VILLAGE_CODE)
    [problem] = result.problems
    assert problem.level == ERROR and problem.row == 3
    assert "与户主关系" in problem.message and "主要致贫原因" in problem.message and "证件号码" not in problem.message


def test_a_sheet_without_a_header_is_refused(store, tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "金额"])
    wb.save(path)
    [problem] = import_national(store, path, village_code=VILLAGE_CODE).problems
    assert problem.level == ERROR and "找不到表头" in problem.message


def test_a_file_of_two_villages_needs_a_choice(store, tmp_path):
    rows = sample()
    other = VILLAGE_CODE[:-3] + "202"
    for r in rows:
        r["村代码"] = VILLAGE_CODE
    for r in rows[3:]:
        r["村代码"], r["村"] = other, "邻村"
    path = write_xlsx(tmp_path / "two.xlsx", rows, HEADER + ["村代码"])
    refused = import_national(store, path)
    assert not refused.written and [(p.row, p.column) for p in refused.errors] == [(7, "村代码")]
    chosen = import_national(store, path, village_code=other)
    assert chosen.written and not chosen.errors, chosen.problems
    assert (chosen.village_code, chosen.village_name, chosen.households_added) == (other, "邻村", 1)
    assert any("跳过了其他村的 3 行" in p.message for p in chosen.problems)


def test_a_new_village_needs_its_code(store, tmp_path):
    result = import_national(store, write_xlsx(tmp_path / "n.xlsx", sample()))
    assert not result.written and result.village_code == ""
    assert "请指定村代码" in result.errors[0].message


def test_a_status_different_from_ours_is_told_not_changed(store, tmp_path):
    import_national(store, write_xlsx(tmp_path / "a.xlsx", sample()), village_code=VILLAGE_CODE)
    rows = sample()
    for r in rows[3:]:
        r["脱贫状态"] = "已脱贫"
    result = import_national(store, write_xlsx(tmp_path / "b.xlsx", rows))
    assert result.written and not result.errors
    [warning] = [p for p in result.problems if p.column == "脱贫状态"]
    assert warning.level == WARNING and warning.row == 7
    [village] = store.villages.all()
    assert store.households.by_no(village.id, NO2).status == "not_exited"


def test_a_file_that_is_no_workbook_is_refused(store, tmp_path):
    path = tmp_path / "national.docx"
    path.write_bytes(b"this is not a spreadsheet at all")
    with pytest.raises(FileRefused) as caught:
        import_national(store, path, village_code=VILLAGE_CODE)
    assert caught.value.reason == "not_workbook"


# --- Size ----------------------------------------------------------------------------------------------


def test_a_village_of_1500_households_imports_in_seconds(store, tmp_path):
    rows, day = [], dt.date(1940, 1, 1)
    for h in range(1500):
        no = f"{VILLAGE_CODE}{h + 1:04d}"
        people = []
        for k, (rel, sex) in enumerate((("户主", "男"), ("配偶", "女"), ("之子", "男"))):
            day += dt.timedelta(days=3)  # one birthday each: every ID number differs
            number = idnumber.make(REGION, day, 11, "1" if sex == "男" else "2")
            people.append(person(no, f"村民{h}{k}", sex, number, rel))
        rows += household(people)
    path = write_csv(tmp_path / "big.csv", rows, "utf-8-sig")
    calls = []
    started = time.perf_counter()
    result = import_national(
        store, path, village_code=VILLAGE_CODE, progress=lambda done, total: calls.append((done, total))
    )
    elapsed = time.perf_counter() - started
    assert calls[-1] == (1501, 1501) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert result.written and not result.errors, result.errors[:3]
    assert (result.households_added, result.members_added) == (1500, 4500)
    assert elapsed < 20, elapsed


def test_a_dropout_without_a_reason_column_is_taken_with_a_warning(store, tmp_path):
    """The national export has no 失学辍学原因: the member is taken and the clerk asked to add it."""
    rows = sample()
    rows[4]["在校生状况"] = "失学辍学"
    result = import_national(store, write_xlsx(tmp_path / "national.xlsx", rows), village_code=VILLAGE_CODE)
    assert result.written and not result.errors, result.problems
    [warning] = [p for p in result.problems if "失学辍学" in p.message]
    assert warning.level == "提醒" and warning.row == 2 + 1 + 5 and warning.column == "在校生状况"  # titles, header
    school = store.db.execute("SELECT school_status FROM members WHERE name = '蒙春花'").fetchone()[0]
    assert school == "dropout"


def test_an_old_xls_export_is_read(store):
    """tests/exchange/fixtures/national.xls: sample() with two title rows and one ID as ="…",
    written by openpyxl and saved as Excel 97 (.xls) by LibreOffice; made-up people only."""
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "national.xls"
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # really the old binary format
    result = import_national(store, path, village_code=VILLAGE_CODE)
    assert result.written and not result.errors, result.problems
    assert (result.households_added, result.members_added) == (2, 6)
    names = {r[0]: r[1] for r in store.db.execute("SELECT name, id_number FROM members")}
    assert names == {r["姓名"]: r["证件号码"] for r in sample()}


def test_a_column_the_file_lacks_is_said_once(store, tmp_path):
    header = [h for h in HEADER if h != "年度"]
    rows = [{k: v for k, v in r.items() if k != "年度"} for r in sample()]
    result = import_national(store, write_xlsx(tmp_path / "n.xlsx", rows, header), village_code=VILLAGE_CODE)
    lacking = [p for p in result.problems if "没有这一列" in p.message]
    assert lacking and len(lacking) == len({p.message for p in lacking})  # once each, not once per household
    assert all(p.row is None for p in lacking)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x1b", "\x7f"], ids=repr)
def test_a_control_character_in_a_national_export_is_refused_by_its_column(store, tmp_path, char):
    """A CSV can carry any character: the name's row and column are told, and nothing is written."""
    rows = sample()
    rows[1]["姓名"] = f"韦秀{char}兰"
    before = audit_count(store)
    result = import_national(store, write_csv(tmp_path / "bad.csv", rows, "utf-8"), village_code=VILLAGE_CODE)
    assert not result.written
    [problem] = [p for p in result.errors if p.column == "姓名"]
    assert problem.row == 3 and "控制字符" in problem.message, problem
    assert store.villages.count() == 0 and audit_count(store) == before


def test_a_relation_that_disagrees_with_sex_is_the_forms_rule(store, tmp_path):
    rows = sample()
    rows[2]["性别"] = "女"  # 黄小军, 之子, now female: his ID says male too
    rows[2]["证件号码"] = pid("1996-01-20", 14, "2")
    result = import_national(store, write_xlsx(tmp_path / "bad.xlsx", rows), village_code=VILLAGE_CODE)
    assert not result.written
    messages = {(p.row, p.column): p.message for p in result.errors}
    assert "之子" in messages[(6, "与户主关系")] and "女" in messages[(6, "与户主关系")], messages


def test_a_later_file_changes_the_facts_of_its_year_only(store, tmp_path):
    """A member's school status in the 2020 file is 2020's fact; the 2019 facts stay."""
    import_national(store, write_xlsx(tmp_path / "2019.xlsx", sample()), village_code=VILLAGE_CODE)
    m = members_by_name(store)["黄大山"]
    before = store.households.member_facts(m["household_id"], 2019)[m["id"]]
    rows = sample()
    row = next(r for r in rows if r.get("姓名") == "黄大山")
    row["在校生状况"] = "失学辍学"
    row["失学或辍学原因"] = "厌学"
    for r in rows:
        r["年度"] = "2020"
    result = import_national(store, write_xlsx(tmp_path / "2020.xlsx", rows), village_code=VILLAGE_CODE)
    assert result.written, result.problems
    assert store.households.member_facts(m["household_id"], 2020)[m["id"]].school_status == "dropout"
    assert store.households.member_facts(m["household_id"], 2019)[m["id"]] == before
