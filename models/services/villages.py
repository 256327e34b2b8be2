"""Creating and editing a village and its groups."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

from models.changes import Changes
from models.domain import VILLAGE_YEAR_FACTS, Group, Village, VillageYear
from models.errors import DuplicateVillage, GroupInUse, Problem, raise_problems
from models.rules import records
from models.rules.register import repeated_group
from models.services.conflicts import refuse_if_changed
from models.storage.year_facts import set_village_year
from models.store import Store


def _checked(store: Store, village: Village, names: list[str]) -> tuple[Village, list[str]]:
    """The village and its group names as stored, or ValidationFailed with every problem."""
    village, problems = records.check("villages", village)
    other = store.villages.by_code(village.code)
    if other is not None and other.id != village.id and not problems:
        problems.append(Problem(("villages", "code"), DuplicateVillage(code=village.code)))
    clean = []
    for i, name in enumerate(names):
        group, found = records.check("village_groups", Group(name=name), ("village_groups", i))
        problems += found
        clean.append(group.name)
    duplicate = repeated_group(clean)
    if duplicate is not None:
        problems.append(Problem(("village_groups", clean.index(duplicate.name), "name"), duplicate))
    raise_problems(problems)
    return village, clean


def create_village(store: Store, village: Village, group_names: list[str]) -> Changes:
    """A new village with its groups, in one transaction (empty group names are skipped)."""
    village, names = _checked(store, village, [n for n in group_names if n.strip()])
    with store.operation() as op:
        row = store.writer.insert("villages", village.to_record())
        store.writer.insert_many(
            "village_groups",
            [Group(village_id=row["id"], name=name, sort_order=i).to_record() for i, name in enumerate(names)],
        )
        _population_of_this_year(store, dataclasses.replace(village, id=row["id"]))
    return op.changes(row["id"])


def save_village_year(
    store: Store, fact: VillageYear, *, read_at: int | None = None, today: dt.date | None = None
) -> Changes:
    """A year's population (年度动态调整 for the village: a past year corrected, or a year
    confirmed); 贫困发生率 of that year and of the years after it without their own reads it."""
    fact, problems = records.check("village_years", fact, today=today)
    raise_problems(problems)
    with store.operation() as op:
        refuse_if_changed(
            store, read_at, None, {"village_years": ("village_id", fact.village_id)}
        )  # a form's save: nothing changed since it read
        set_village_year(store.db, store.writer, fact)
    return op.changes(fact.village_id)


def _population_of_this_year(store: Store, village: Village) -> None:
    """The population on the village's facts is this year's (贫困发生率 reads each year's)."""
    fact = VillageYear(
        village_id=village.id,
        year=dt.date.today().year,
        **{k: getattr(village, k) for k in VILLAGE_YEAR_FACTS},
    )
    set_village_year(store.db, store.writer, fact)


def update_village(store: Store, village: Village, groups: list[Group], *, read_at: int | None = None) -> Changes:
    """Save the village's facts and its groups: renamed, added, reordered or (if empty) removed."""
    if village.id is None:
        raise ValueError("update_village needs a saved village")
    village, names = _checked(store, village, [g.name for g in groups])
    assert village.id is not None  # the checked copy keeps the id
    stored = {g.id: g for g in store.villages.groups(village.id)}
    kept = {g.id for g in groups if g.id is not None}
    with store.operation() as op:
        refuse_if_changed(
            store, read_at, ("villages", village.id), {"village_groups": ("village_id", village.id)}
        )  # a form's save: nothing changed since it read
        values = {k: v for k, v in replace(village).to_record().items() if k not in ("uuid", "is_demo")}
        store.writer.update("villages", village.id, values)
        _population_of_this_year(store, village)
        for gid in set(stored) - kept:
            assert gid is not None
            used = store.villages.households_in_group(gid)
            if used:
                raise GroupInUse(name=stored[gid].name, households=used)
            store.writer.delete("village_groups", gid)
        # A name moving to another group (a swap) would meet the unique (village, name) rule
        # half-way: those groups get a passing name first. Unchanged groups are not touched.
        taken = {g.name for g in stored.values()}
        for i, g in enumerate(groups):
            if g.id is not None and names[i] != stored[g.id].name and names[i] in taken:
                store.writer.update("village_groups", g.id, {"name": f"{names[i]}（调整中{i}）"})
        for i, g in enumerate(groups):
            if g.id is None:
                store.writer.insert(
                    "village_groups", Group(village_id=village.id, name=names[i], sort_order=i).to_record()
                )
            else:
                store.writer.update("village_groups", g.id, {"name": names[i], "sort_order": i})
    return op.changes(village.id)
