"""Creating and editing a village and its groups."""
from __future__ import annotations

from dataclasses import replace

from models.domain import Group, Village
from models.errors import DuplicateVillage, Required
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
    with store.db.atomic():
        row = store.writer.insert("villages", replace(village, code=code).to_record())
        store.writer.insert_many("village_groups", [
            Group(village_id=row["id"], name=name, sort_order=i).to_record() for i, name in enumerate(names)
        ])
    return store.villages.get(row["id"])
