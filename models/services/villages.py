"""Creating and editing a village and its groups."""

from __future__ import annotations

from dataclasses import replace

from models.domain import Group, Village
from models.errors import DuplicateGroup, DuplicateVillage, GroupInUse, Required
from models.rules import check_village_code
from models.store import Store


def create_village(store: Store, village: Village, group_names: list[str]) -> Village:
    """A new village with its groups, in one transaction."""
    code = check_village_code(village.code)
    if not village.name.strip():
        raise Required(field="name")
    if store.villages.by_code(code) is not None:
        raise DuplicateVillage(code=code)
    names = [n.strip() for n in group_names if n.strip()]
    _check_group_names(names)
    with store.db.atomic():
        row = store.writer.insert("villages", replace(village, code=code).to_record())
        store.writer.insert_many(
            "village_groups",
            [Group(village_id=row["id"], name=name, sort_order=i).to_record() for i, name in enumerate(names)],
        )
    return store.villages.get(row["id"])


def update_village(store: Store, village: Village, groups: list[Group]) -> None:
    """Save the village's facts and its groups: renamed, added, reordered or (if empty) removed."""
    if village.id is None:
        raise ValueError("update_village needs a saved village")
    code = check_village_code(village.code)
    if not village.name.strip():
        raise Required(field="name")
    other = store.villages.by_code(code)
    if other is not None and other.id != village.id:
        raise DuplicateVillage(code=code)
    names = [g.name.strip() for g in groups]
    if any(not n for n in names):
        raise Required(field="groups")
    _check_group_names(names)
    stored = {g.id: g for g in store.villages.groups(village.id)}
    kept = {g.id for g in groups if g.id is not None}
    with store.db.atomic():
        values = {k: v for k, v in replace(village, code=code).to_record().items() if k not in ("uuid", "is_demo")}
        store.writer.update("villages", village.id, values)
        for gid in set(stored) - kept:
            used = store.db.execute("SELECT count(*) FROM households WHERE group_id = ?", [gid]).fetchone()[0]
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


def _check_group_names(names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise DuplicateGroup(name=next(n for n in names if names.count(n) > 1))
