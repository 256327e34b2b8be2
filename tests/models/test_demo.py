import pytest

from models import idnumber
from models.demo.generator import generate, village_code
from models.errors import DataFolderNotEmpty
from models.rules import members as member_rules
from models.rules import records, register
from models.store import Store

_COLUMNS = {
    "villages": "uuid, code, name",
    "households": "uuid, household_no, status, main_cause, group_id",
    "members": "uuid, name, id_number, relation, left_date",
    "incomes": "uuid, year, wage_fen",
}


def _dump(store):
    return {t: store.db.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in _COLUMNS.items()}


def test_same_seed_same_village_other_seed_other_village(tmp_path):
    dumps = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        with Store.open(tmp_path / name) as store:
            generate(store, seed=seed, households=25)
            dumps.append(_dump(store))
    assert dumps[0] == dumps[1]
    assert dumps[0]["members"] != dumps[2]["members"]


def test_demo_village_is_believable(demo_store):
    [village] = demo_store.villages.all()
    assert village.is_demo == 1 and len(village.code) == 12
    statuses, years = set(), set()
    for hid in demo_store.households.ids(village.id):
        f = demo_store.households.file(hid)
        current = f.current_members
        assert f.head is not None, f.household.household_no
        assert records.check("households", f.household)[1] == []
        assert [p for i, m in enumerate(f.members) for p in records.check("members", m, ("members", i))[1]] == []
        assert member_rules.household_problems(f.members) == []
        for m in f.members:
            info = idnumber.parse(m.id_number)
            assert info.region == village.region
            assert (info.birth_date.isoformat(), info.sex) == (m.birth_date, m.sex)
        head_birth = f.head.birth_date
        for m in current:
            if m.relation in ("son", "daughter"):
                assert m.birth_date > head_birth  # children are younger than their parent
        statuses.add(f.household.status)
        years.add(f.household.identified_year)
        assert 2014 <= f.household.identified_year <= 2020
        assert f.incomes and all(i.net_fen > 0 for i in f.incomes)
        transitions = ""
        for e in f.status_events:  # the history replays through the rules to the stored status
            transitions = register.next_status(transitions, e.kind)
        assert transitions == f.household.status
    assert {"not_exited", "exited"} <= statuses
    assert len(years) >= 2


def test_county_villages_have_distinct_codes_and_no_shared_id_numbers(tmp_path):
    with Store.open(tmp_path / "county") as store:
        summary = generate(store, seed=1, households=10, villages=3)
        codes = [v.code for v in store.villages.all()]
        assert codes == sorted({village_code(k) for k in range(3)})
        assert summary.households == 30
        dupes = store.db.execute("SELECT id_number FROM members GROUP BY id_number HAVING count(*) > 1").fetchall()
        assert dupes == []


def test_demo_refuses_a_folder_with_data(demo_store):
    with pytest.raises(DataFolderNotEmpty):
        generate(demo_store, seed=1, households=5)
