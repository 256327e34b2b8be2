"""One rule, every door: each shared rule is tried through the form's service and through the
county import with the same bad value, and both refuse it with the rule book's one sentence."""

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from models import codes
from models.errors import (
    ControlCharacter,
    HeadCount,
    IdNumberMismatch,
    InvalidIdNumber,
    InvalidPhone,
    InvalidYear,
    NegativeValue,
    OutOfRange,
    RelationSexMismatch,
    RepeatedCause,
    Required,
    TextTooLong,
    ValidationFailed,
)
from models.exchange.package import export_village
from models.exchange.package_import import REFUSED, import_packages
from models.services import households as svc
from models.store import Store
from models.wording import describe
from tests.conftest import family, new_household


@pytest.fixture(scope="module")
def package(tmp_path_factory, demo_template) -> Path:
    """The demo village's package, written once for every case."""
    import shutil

    folder = tmp_path_factory.mktemp("doors")
    shutil.copytree(demo_template, folder / "demo")
    path = folder / "village.xlsx"
    with Store.open(folder / "demo") as store:
        export_village(store, store.villages.all()[0].id, path, now=dt.datetime(2020, 6, 1, 9, 0))
    return path


@pytest.fixture
def county(tmp_path):
    s = Store.open(tmp_path / "county", actor="县扶贫办")
    yield s
    s.close()


class Sheet:
    """A package sheet read as a person would, and edited as in Excel."""

    def __init__(self, path: Path, name: str) -> None:
        self.wb = openpyxl.load_workbook(path)
        self.ws = self.wb[name]
        self.headers = [c.value for c in self.ws[1]]

    def get(self, row: int, header: str) -> str:
        return self.ws.cell(row, self.headers.index(header) + 1).value or ""

    def set(self, row: int, header: str, value: object) -> None:
        self.ws.cell(row, self.headers.index(header) + 1).value = value

    def rows(self):
        return range(2, self.ws.max_row + 1)

    def first(self, **wanted: str) -> int:
        return next(r for r in self.rows() if all(self.get(r, h) == v for h, v in wanted.items()))

    def save(self, path: Path) -> Path:
        self.wb.save(path)
        return path


def refused_by_import(county: Store, path: Path) -> dict[tuple[str, int | None, str], str]:
    """Import with edits accepted (so only the rules can refuse it): the errors by place."""
    [outcome] = import_packages(county, [path], accept_modified=True)
    assert outcome.status == REFUSED, "the county took a package the village form could never have saved"
    return {(p.sheet, p.row, p.column): p.message for p in outcome.problems if p.is_error}


def refused_by_service(store: Store, household, members) -> dict[tuple[object, ...], str]:
    with pytest.raises(ValidationFailed) as caught:
        svc.register_household(store, household, members)
    return {p.where: describe(p.error) for p in caught.value.problems if p.is_error}


def member_row(sheet: Sheet, **wanted: str) -> int:
    """A current member's row (not one who left)."""
    return next(
        r for r in sheet.rows() if not sheet.get(r, "减少日期") and all(sheet.get(r, h) == v for h, v in wanted.items())
    )


# --- Household fields -----------------------------------------------------------------------


def test_phone_must_be_a_phone(store, village, package, county, tmp_path):
    bad = "call me maybe"
    expected = describe(InvalidPhone(value=bad))
    assert (
        refused_by_service(store, new_household(store, village, phone=bad), family())[("households", "phone")]
        == expected
    )
    sheet = Sheet(package, "贫困户")
    sheet.set(2, "联系电话", bad)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("贫困户", 2, "联系电话")] == expected


def test_areas_are_never_negative(store, village, package, county, tmp_path):
    expected = describe(NegativeValue(value="-3.5"))
    assert (
        refused_by_service(store, new_household(store, village, farmland_mu=-3.5), family())[
            ("households", "farmland_mu")
        ]
        == expected
    )
    sheet = Sheet(package, "贫困户")
    sheet.set(3, "耕地面积(亩)", "-3.5")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("贫困户", 3, "耕地面积(亩)")] == expected


def test_a_cause_is_named_once(store, village, package, county, tmp_path):
    expected = describe(RepeatedCause(value="illness"))
    h = new_household(store, village, main_cause="illness", other_cause1="illness")
    assert refused_by_service(store, h, family())[("households", "other_cause1")] == expected
    sheet = Sheet(package, "贫困户")
    sheet.set(2, "主要致贫原因", "因病")
    sheet.set(2, "其他致贫原因一", "因病")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("贫困户", 2, "其他致贫原因一")] == expected


def test_text_with_a_control_character_is_refused(store, village, package, county, tmp_path):
    """A Word line break (\\x0b) pasted into a name: refused with the field named, at every door."""
    expected = describe(ControlCharacter(char="U+000B", position=2))
    members = family()
    members[0] = dataclasses.replace(members[0], name="张\x0b三")
    assert refused_by_service(store, new_household(store, village), members)[("members", 0, "name")] == expected
    sheet = Sheet(package, "家庭成员")
    sheet.set(2, "姓名", "张_x000B_三")  # how the workbook holds it: Excel's escape, which readers turn back
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", 2, "姓名")] == expected


def test_text_over_its_fields_length_is_refused(store, village, package, county, tmp_path):
    name = "张" * 32767
    expected = describe(TextTooLong(length=32767, limit=50))
    members = family()
    members[0] = dataclasses.replace(members[0], name=name)
    assert refused_by_service(store, new_household(store, village), members)[("members", 0, "name")] == expected
    sheet = Sheet(package, "家庭成员")
    sheet.set(2, "姓名", name)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", 2, "姓名")] == expected


# --- Members -----------------------------------------------------------------------------


def test_work_months_are_at_most_twelve(store, village, package, county, tmp_path):
    expected = describe(OutOfRange(value="13", low=0, high=12))
    members = family()
    members[1] = dataclasses.replace(members[1], work_status="outside", work_months=13)
    assert refused_by_service(store, new_household(store, village), members)[("members", 1, "work_months")] == expected
    sheet = Sheet(package, "家庭成员")
    sheet.set(2, "务工时间(月)", "13")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", 2, "务工时间(月)")] == expected


def test_a_birth_date_must_agree_with_the_id_number(store, village, package, county, tmp_path):
    members = family()
    typed = "1971-03-05"
    members[0] = dataclasses.replace(members[0], birth_date=typed)
    expected = describe(IdNumberMismatch(field="birth_date", typed=typed, derived="1970-03-05"))
    assert refused_by_service(store, new_household(store, village), members)[("members", 0, "birth_date")] == expected
    sheet = Sheet(package, "家庭成员")
    row = member_row(sheet)
    number = sheet.get(row, "证件号码")
    derived = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    typed = f"{int(number[6:10]) + 1}-{number[10:12]}-{number[12:14]}"
    sheet.set(row, "出生日期", typed)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", row, "出生日期")] == describe(
        IdNumberMismatch(field="birth_date", typed=typed, derived=derived)
    )


def test_a_birth_date_in_the_future_is_refused(store, village, package, county, tmp_path):
    members = family()
    members[0] = dataclasses.replace(members[0], birth_date="2099-01-01")
    by_service = refused_by_service(store, new_household(store, village), members)[("members", 0, "birth_date")]
    sheet = Sheet(package, "家庭成员")
    sheet.set(2, "出生日期", "2099-01-01")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", 2, "出生日期")] == by_service
    assert "晚于今天" in by_service


def test_sex_must_agree_with_the_id_number(store, village, package, county, tmp_path):
    expected = describe(IdNumberMismatch(field="sex", typed="女", derived="男"))
    members = family()
    members[0] = dataclasses.replace(members[0], sex="2")  # a male head typed as 女
    assert refused_by_service(store, new_household(store, village), members)[("members", 0, "sex")] == expected
    sheet = Sheet(package, "家庭成员")
    row = member_row(sheet, 性别="男")
    sheet.set(row, "性别", "女")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", row, "性别")] == expected


def test_a_son_is_never_female(store, village, package, county, tmp_path):
    """之子 who is 女 (her ID number says so too): the relation is what is wrong."""
    expected = describe(RelationSexMismatch(relation="son", sex="2"))
    members = family()
    members[3] = dataclasses.replace(members[3], relation="son")  # 张小红, a girl
    assert refused_by_service(store, new_household(store, village), members)[("members", 3, "relation")] == expected
    sheet = Sheet(package, "家庭成员")
    row = member_row(sheet, 性别="女", 与户主关系="之女")
    sheet.set(row, "与户主关系", "之子")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", row, "与户主关系")] == expected


def test_a_household_has_one_head(store, village, package, county, tmp_path):
    expected = describe(HeadCount(count=2))
    members = family()
    members[2] = dataclasses.replace(members[2], relation="head")
    assert refused_by_service(store, new_household(store, village), members)[("members", 2, "relation")] == expected
    sheet = Sheet(package, "家庭成员")
    head = member_row(sheet, 与户主关系="户主")
    household = sheet.get(head, "户UUID")
    other = next(
        r
        for r in sheet.rows()
        if r > head
        and sheet.get(r, "户UUID") == household
        and sheet.get(r, "与户主关系") in ("之子", "之女", "配偶")
        and not sheet.get(r, "减少日期")
    )
    sex = sheet.get(other, "性别")
    sheet.set(other, "与户主关系", "户主")
    assert sex  # (a 户主 names no sex: only the head rule speaks)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", other, "与户主关系")] == expected


def test_a_wrong_check_character_is_refused(store, village, package, county, tmp_path):
    members = family()
    number = members[2].id_number
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    members[2] = dataclasses.replace(members[2], id_number=bad)
    expected = describe(InvalidIdNumber(id_number=bad, reason="checksum"))
    assert refused_by_service(store, new_household(store, village), members)[("members", 2, "id_number")] == expected
    sheet = Sheet(package, "家庭成员")
    row = member_row(sheet)
    number = sheet.get(row, "证件号码")
    bad = number[:17] + ("0" if number[17] != "0" else "1")
    sheet.set(row, "证件号码", bad)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", row, "证件号码")] == describe(
        InvalidIdNumber(id_number=bad, reason="checksum")
    )


def test_a_dropout_has_a_reason(store, village, package, county, tmp_path):
    expected = describe(Required())
    members = family()
    members[3] = dataclasses.replace(members[3], school_status=codes.DROPOUT, dropout_reason="")
    assert (
        refused_by_service(store, new_household(store, village), members)[("members", 3, "dropout_reason")] == expected
    )
    sheet = Sheet(package, "家庭成员")
    row = member_row(sheet)
    sheet.set(row, "在校生状况", "失学辍学")
    sheet.set(row, "失学辍学原因", None)
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("家庭成员", row, "失学辍学原因")] == expected


# --- Income ------------------------------------------------------------------------------


def test_an_income_year_is_within_the_supported_years(store, village, package, county, tmp_path):
    from models.domain import Income

    hid = svc.register_household(store, new_household(store, village), family()).id
    with pytest.raises(ValidationFailed) as caught:
        svc.save_income(store, Income(household_id=hid, year=2009, wage_fen=100))
    [problem] = caught.value.problems
    expected = describe(problem.error)
    assert problem.where == ("incomes", 2009, "year") and isinstance(problem.error, InvalidYear)
    sheet = Sheet(package, "收入")
    sheet.set(2, "年度", "2009")
    assert refused_by_import(county, sheet.save(tmp_path / "p.xlsx"))[("收入", 2, "年度")] == expected
