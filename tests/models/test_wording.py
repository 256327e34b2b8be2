"""Every typed error has its Chinese sentence, built only from facts the error carries."""

import inspect
import re
import string

import pytest

from models import errors, wording
from models.errors import CundangError
from models.storage import sql

# A value of the right shape for each fact an error may carry, so every sentence can be said.
SAMPLE = {
    "left": 3,
    "minutes": 7,
    "minimum": 8,
    "operator": "李督查",
    "action": "备份和恢复",
    "roles": "管理员",
    "command": "import",
    "findings": "1. 变更记录第 3 条不见了（被删除过）。",
    "path": "/数据/村档.xlsx",
    "keyring": "/U盘/cundang-20261201-180000.keys",
    "detail": "说明",
    "unknown": ["0099_x"],
    "table": "members",
    "column": "name",
    "kind": "member",
    "key": 3,
    "list_name": "贫困户属性",
    "value": "某值",
    "low": 0,
    "high": 12,
    "first": 2013,
    "last": 2026,
    "char": "U+000B",
    "position": 3,
    "length": 40,
    "limit": 30,
    "name": "张三",
    "id_number": "1" * 18,
    "reason": "checksum",
    "field": "birth_date",
    "typed": "1",
    "derived": "2",
    "relation": "son",
    "sex": "2",
    "age": 9,
    "household_no": "522327100200001",
    "count": 2,
    "date": "2020-01-02",
    "event": "exit",
    "current": "exited",
    "status": "exited",
    "code": "1234",
    "households": 3,
    "start": "2020-01-01",
    "end": "2020-12-31",
    "other_cadre": "李四",
    "other_start": "2019-01-01",
    "other_end": None,
    "visit_date": "2020-01-01",
    "pairing_start": "2020-02-01",
    "cadre": "李四",
    "left_date": "2020-01-01",
    "year": 2020,
    "province": "贵州省",
    "procedure": "exit",
    "expected": "notice",
    "got": "announce",
    "days": 3,
    "required": 7,
    "missing": "notice",
    "until": "2020-01-09",
    "failed": ["income", "housing"],
    "unrecorded": ["medical"],
    "criteria": ["income", "food"],
    "floor": 7,
    "round_year": 2019,
    "what": "amount",
    "old": "452123800101123",
    "new": "45212319800101123X",
    "education": "primary",
    "announced": "2020-03-01",
    "pay_date": "2020-01-01",
    "start_date": "2020-02-01",
    "household": "0001",
    "day": "2020-05-04",
    "deadline": "2020-01-01",
    "inspect_date": "2020-02-01",
    "sheet": "家庭成员",
    "row": 5,
    "problems": [],
    "shown": "某值",
}


# Names a clerk reads on the screen anyway: file kinds, the date format, a key on the keyboard.
WORDS_USERS_KNOW = {
    "yyyy",
    "MM",
    "dd",
    "TrueType",
    "Excel",
    "PDF",
    "ESC",
    "GBK",
    "UTF",
    "CSV",
    "Word",
    "xlsx",
    "xls",
    "MB",
    "GB",
    "UUID",
    "data",
    "WPS",
    # command names, typed as they are (the only restore until the window's 文件 menu has one)
    "cundang",
    "backups",
    "restore",
    # the operator's flag, command and environment variables, typed as they are (issue 15)
    "user",
    "init",
    "CUNDANG",
    "USER",
    "PASSWORD",
    "yes",  # encryption off --yes: the 管理员's confirmation, typed as it is
}


def error_classes() -> list[type[CundangError]]:
    found = {c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, CundangError)}
    return sorted(found, key=lambda c: c.__name__)


# Facts whose sample differs by error (a status key where the sample's is a sex's).
PER_CLASS = {
    "StatusDisagrees": {"derived": "not_exited"},
    "NoticeStepRefused": {"reason": errors.NoticeNotOver(until="2020-01-09")},
    "NothingToNotice": {"kind": "exit"},
    "LoanBeyondPolicy": {"value": 10_000_000, "limit": 5_000_000},
    "VillageLineDiffers": {"village_fen": 380_000, "county_fen": 400_000},
    "EditConflict": {"changes": ["王会计 于 2026-12-01 09:30:00 修改了 户（住址）"]},
    "VillageSettingDiffers": {"name": "exit_criteria", "village": '["income", "food"]', "county": '["income"]'},
}


def sample(cls: type[CundangError], **overrides: object) -> CundangError:
    facts = {name: SAMPLE.get(name) for name in cls.FACTS}
    facts.update(PER_CLASS.get(cls.__name__, {}))
    facts.update(overrides)
    return cls(**facts)


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__name__)
def test_every_error_class_has_a_sentence_of_its_own_facts(cls):
    assert cls in wording.SENTENCES, f"{cls.__name__} has no sentence"
    for sentence in wording.SENTENCES[cls]:
        for _, name, spec, _ in string.Formatter().parse(sentence.template):
            if name is None:
                continue
            assert name in cls.FACTS, f"{cls.__name__}: “{{{name}}}” is not one of its facts {sorted(cls.FACTS)}"
            assert not spec or spec in wording._RENDERERS, f"{cls.__name__}: no renderer “{spec}”"
    text = wording.describe(sample(cls))
    for value in SAMPLE.values():  # what the user gave may be anything; the sentence around it is Chinese
        if isinstance(value, str):
            text = text.replace(value, "").replace(value.rsplit("/", 1)[-1], "")
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - WORDS_USERS_KNOW
    assert not english, f"English reaches a user: {english} in {text}"
    assert "=" not in text and "{" not in text


@pytest.mark.parametrize(
    "cls", [c for c in error_classes() if len(wording.SENTENCES.get(c, ())) > 1], ids=lambda c: c.__name__
)
def test_every_variant_of_a_sentence_can_be_said(cls):
    """Errors worded by their facts (no head, two heads; a household number or not…)."""
    said = set()
    variants = {
        "HeadCount": [{"count": 0}, {"count": 2}],
        "DuplicateIdNumber": [
            {"household_no": "0001"},
            {"household_no": "", "name": "张三"},
            {"household_no": "", "name": ""},
        ],
        "StepOutOfOrder": [{"expected": ""}, {"got": "stop"}, {}],
        "OutOfRange": [{"high": 12}, {"high": 0}],
        "NotFound": [{"kind": "plan"}, {"kind": "member"}],
        "InvalidDate": [{"reason": "future"}, {"reason": "too_early"}, {"reason": "format"}],
        "FileRefused": [{"reason": r} for r in (*wording.REFUSALS, "nothing")],
        "ExitCheckFailed": [{"unrecorded": []}, {"failed": []}, {}],
        "NothingToNotice": [{"kind": "exit"}, {"kind": "funds"}],
        "LoanBeyondPolicy": [{"what": "amount"}, {"what": "term"}],
    }
    for facts in variants.get(cls.__name__, [{}]):
        said.add(wording.describe(sample(cls, **facts)))
    assert len(said) == len(variants.get(cls.__name__, [{}])), said


def test_an_error_built_with_a_wrong_fact_fails():
    with pytest.raises(TypeError, match="carries no fact"):
        errors.InvalidPhone(number="123")
    with pytest.raises(TypeError, match="needs the fact"):
        errors.InvalidPhone()
    with pytest.raises(TypeError):
        errors.Required(field="name")  # the field is the problem's place, not a fact of the error


def test_facts_are_what_the_sentence_shows():
    text = wording.describe(errors.IdNumberMismatch(field="sex", typed="女", derived="男"))
    assert text == "性别“女”与身份证号码不符，按身份证号码应为“男”。"
    assert wording.describe(errors.ExitCheckFailed(failed=["income", "housing"], unrecorded=[])).startswith(
        "该户本年度退出核查未通过（未达标：人均纯收入、住房安全有保障）"
    )
    assert wording.describe(errors.ExitCheckFailed(failed=[], unrecorded=["medical"])).startswith(
        "该户本年度退出核查有未填写的项目（基本医疗有保障）"
    )


def test_a_problem_is_told_with_its_field():
    problem = errors.Problem(("members", 2, "id_number"), errors.InvalidIdNumber(id_number="1", reason="length"))
    assert wording.describe_problem(problem) == "第 3 名成员 · 证件号码：身份证号码“1”有误：应为18位。"
    warning = errors.Problem(("members", 0, "sex"), errors.SameSexCouple(sex="1"), errors.WARNING)
    assert wording.describe_problem(warning).startswith("第 1 名成员 · 性别：（提醒）")


def test_database_and_file_errors_are_said_in_chinese_without_their_english():
    import errno

    for error in (
        sql.IntegrityError("UNIQUE constraint failed: members.village_id"),
        sql.OperationalError("database is locked"),
        sql.OperationalError("database or disk is full"),
        sql.DatabaseError("database disk image is malformed"),
        OSError(errno.ENOSPC, "No space left on device", "/x/y.pdf"),
        OSError(errno.EACCES, "Permission denied", "/x"),
    ):
        text = wording.describe(error)
        assert not re.search(r"constraint|locked|space|Permission|malformed", text), text


def test_the_english_an_error_carries_for_the_log_is_never_said():
    """Details from a library (calamine, sqlite, the OS) stay in the error, out of the sentence."""
    from pathlib import Path

    for error in (
        errors.FileRefused(path="村.xlsx", reason="damaged", detail="Zip error: invalid Zip archive"),
        errors.CorruptDatabase(path=Path("cundang.db"), detail="file is not a database"),
        errors.DataFolderNotWritable(path=Path("数据"), detail="Permission denied"),
    ):
        said = wording.describe(error).replace("cundang.db", "").replace("xlsx", "")
        said = said.replace("cundang backups", "").replace("cundang restore", "")  # commands, as typed
        assert not re.search(r"[A-Za-z]{3,}", said), said


def test_a_village_setting_is_said_as_the_settings_dialog_says_it():
    differs = errors.VillageSettingDiffers(name="exit_criteria", village='["income", "food"]', county='["income"]')
    text = wording.describe(differs)
    assert "“贫困户退出标准”" in text and "“人均纯收入、不愁吃”" in text and "“人均纯收入”不同" in text
    assert "income" not in text
    assert wording.setting_text("loan_max_fen", "5000000") == "50000.00 元"
    assert wording.setting_text("notice_days", "7") == "7 天"
    assert wording.setting_text("enforce_procedures", "true") == "是"
