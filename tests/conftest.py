"""Shared fixtures: a migrated template database copied per test, a demo village, helpers."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The operator every command line a test starts runs as where a folder has operators, or becomes
# when it makes one (import and import-national into a new folder); a demo folder has none.
os.environ.update(
    {"CUNDANG_USER": "测试管理员", "CUNDANG_PASSWORD": "cli-password-1", "CUNDANG_NEW_PASSWORD": "cli-password-1"}
)

import pytest

from models import idnumber
from models.demo.generator import generate
from models.domain import Household, Member, Village
from models.errors import CundangError, ValidationFailed
from models.services.villages import create_village
from models.storage.database import DB_NAME
from models.store import Store

REGION = "450123"
VILLAGE_CODE = REGION + "101201"


def _copy(template: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template / DB_NAME, target / DB_NAME)
    return target


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty-template")
    Store.open(folder).close()
    return folder


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    with Store.open(folder, actor="演示数据生成") as store:
        generate(store, seed=7, households=60)
    return folder


@pytest.fixture
def store(tmp_path: Path, empty_template: Path):
    s = Store.open(_copy(empty_template, tmp_path / "data"), actor="测试员")
    yield s
    s.close()


@pytest.fixture
def demo_store(tmp_path: Path, demo_template: Path):
    s = Store.open(_copy(demo_template, tmp_path / "demo"), actor="测试员")
    yield s
    s.close()


@pytest.fixture
def village(store: Store) -> Village:
    return store.villages.get(
        create_village(
            store,
            Village(
                code=VILLAGE_CODE,
                province="广西壮族自治区",
                city="南宁市",
                county="测试县",
                township="测试镇",
                name="测试村",
            ),
            ["一组", "二组"],
        ).id
    )


def person(name: str, relation: str, birth: str, sex: str, seq: int = 1, region: str = REGION) -> Member:
    """A valid member whose ID number is built from the facts given."""
    number = idnumber.make(region, dt.date.fromisoformat(birth), seq, sex)
    return Member(name=name, relation=relation, id_number=number, sex=sex, birth_date=birth)


def family(seq: int = 1) -> list[Member]:
    people = [
        person("张三", "head", "1970-03-05", "1", seq),
        person("李四妹", "spouse", "1972-07-19", "2", seq + 1),
        person("张小明", "son", "2001-01-30", "1", seq + 2),
        person("张小红", "daughter", "2010-11-02", "2", seq + 3),
    ]
    for m in people:
        m.medical_insurance = 1
    people[3].school_status = "primary"
    return people


def exit_procedure(store: Store, household_id: int, first_day: str) -> str:
    """Record every step of the exit procedure from a day; returns the announcement's day."""
    from models.domain import ProcedureStep
    from models.services.assistance import add_step

    day = dt.date.fromisoformat(first_day)
    plan = [("review", 0, None), ("verify", 1, None), ("consent", 2, None), ("notice", 3, 9), ("announce", 11, None)]
    for step, start, end in plan:
        add_step(
            store,
            ProcedureStep(
                household_id=household_id,
                procedure="exit",
                step=step,
                start_date=(day + dt.timedelta(days=start)).isoformat(),
                end_date=(day + dt.timedelta(days=end)).isoformat() if end else None,
            ),
        )
    return (day + dt.timedelta(days=11)).isoformat()


def identify_procedure(store: Store, household_id: int, first_day: str, *, upto: str = "", after: str = "") -> str:
    """Record the eight steps of 识别 from a day ("两公示一公告"; ``upto``: stop after that step,
    ``after``: those up to it are recorded already); returns the last step's day."""
    from models.domain import ProcedureStep
    from models.services.assistance import add_step

    day = dt.date.fromisoformat(first_day)
    plan = [
        ("apply", 0, None),
        ("review", 1, None),
        ("audit", 2, None),
        ("notice", 3, 9),
        ("township_audit", 10, None),
        ("township_notice", 11, 17),
        ("county_review", 18, None),
        ("announce", 19, None),
    ]
    last = first_day
    if after:
        plan = plan[[p[0] for p in plan].index(after) + 1 :]
    for step, start, end in plan:
        last = (day + dt.timedelta(days=start)).isoformat()
        add_step(
            store,
            ProcedureStep(
                household_id=household_id,
                procedure="identify",
                step=step,
                start_date=last,
                end_date=(day + dt.timedelta(days=end)).isoformat() if end else None,
            ),
        )
        if step == upto:
            break
    return last


def change_procedure(store: Store, household_id: int, kind: str, decided: str) -> None:
    """The default 返贫 / 清退 procedure (民主评议, 村内公示 of 7 days) run to the day before ``decided``."""
    from models.domain import ProcedureStep
    from models.services.assistance import add_step

    day = dt.date.fromisoformat(decided)
    start, end = day - dt.timedelta(days=8), day - dt.timedelta(days=1)
    for step, first, last in (("review", start - dt.timedelta(days=1), None), ("notice", start, end)):
        add_step(
            store,
            ProcedureStep(
                household_id=household_id,
                procedure=kind,
                step=step,
                start_date=first.isoformat(),
                end_date=last.isoformat() if last else None,
            ),
        )


def passing_year(store: Store, village: Village, household_id: int, year: int) -> None:
    """A poverty line, an income above it and 两不愁三保障 all met for a year."""
    from models.domain import Assurance, Income, PovertyLine
    from models.services import households as svc
    from models.services.assistance import save_poverty_line

    save_poverty_line(store, PovertyLine(year=year, province=village.province, line_fen=300_000, source="测试"))
    svc.save_income(store, Income(household_id=household_id, year=year, wage_fen=2_000_000))
    house = store.households.get(household_id).dangerous_house  # the year starts from the household's facts
    svc.save_assurance(
        store,
        Assurance(
            household_id=household_id,
            year=year,
            food=1,
            clothing=1,
            education=1,
            medical=1,
            housing=1,
            water=1,
            dangerous_house=house,
        ),
    )


def new_household(store: Store, village: Village, no: str = "0001", **fields: object) -> Household:
    group = store.villages.groups(village.id)[0]
    values = dict(
        village_id=village.id,
        household_no=village.code + no,
        group_id=group.id,
        identified_year=2014,
        attribute="general",
        main_cause="illness",
        dangerous_house="no",
    )
    values.update(fields)
    return Household(**values)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Print a failure at once: a Qt abort while tearing down would otherwise swallow it."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        import sys

        print(f"\nFAILED {item.nodeid}\n{report.longreprtext}", file=sys.stderr, flush=True)


@contextmanager
def refused(kind: type):
    """The operation is refused for ``kind``: raised as it is, or as one of the problems of a
    ValidationFailed (services tie a value's problem to its field)."""
    with pytest.raises(CundangError) as caught:
        yield caught
    error = caught.value
    if isinstance(error, ValidationFailed):
        assert any(isinstance(p.error, kind) for p in error.problems), error
    else:
        assert isinstance(error, kind), error


def secured_demo(
    demo_template: Path,
    folder: Path,
    admin: tuple[str, str, set[str]],
    *others: tuple[str, str, set[str]],
    encrypted: bool = True,
) -> str:
    """A copy of the demo village in ``folder`` whose first 管理员 is ``admin`` (name, password,
    other roles), with ``others`` added the same way; returns the recovery key."""
    from models.services import operators as ops

    shutil.copytree(demo_template, folder)
    name, password, roles = admin
    store, recovery = ops.first_operator(folder, name, password, set(roles), encrypted=encrypted)
    with store:
        for name, password, roles in others:
            ops.add_operator(store, name, password, set(roles))
    return recovery
