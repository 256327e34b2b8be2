"""Shared fixtures: a migrated template database copied per test, a demo village, helpers."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from models import idnumber  # noqa: E402
from models.demo.generator import generate  # noqa: E402
from models.domain import Household, Member, Village  # noqa: E402
from models.services.villages import create_village  # noqa: E402
from models.storage.database import DB_NAME  # noqa: E402
from models.store import Store  # noqa: E402

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
    return create_village(store, Village(code=VILLAGE_CODE, province="广西壮族自治区", city="南宁市",
                                         county="测试县", township="测试镇", name="测试村"),
                          ["一组", "二组"])


def person(name: str, relation: str, birth: str, sex: str, seq: int = 1, region: str = REGION) -> Member:
    """A valid member whose ID number is built from the facts given."""
    number = idnumber.make(region, dt.date.fromisoformat(birth), seq, sex)
    return Member(name=name, relation=relation, id_number=number, sex=sex, birth_date=birth)


def family(seq: int = 1) -> list[Member]:
    return [
        person("张三", "head", "1970-03-05", "1", seq),
        person("李四妹", "spouse", "1972-07-19", "2", seq + 1),
        person("张小明", "son", "2001-01-30", "1", seq + 2),
        person("张小红", "daughter", "2010-11-02", "2", seq + 3),
    ]


def new_household(store: Store, village: Village, no: str = "0001", **fields: object) -> Household:
    group = store.villages.groups(village.id)[0]
    values = dict(village_id=village.id, household_no=village.code + no, group_id=group.id,
                  identified_year=2014, attribute="general", main_cause="illness")
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
