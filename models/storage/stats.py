"""Counting a village: households by status and by group, members, poor and exited."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from models import codes


@dataclass
class VillageStats:
    code: str
    name: str
    households: int = 0  # every household record, removed ones too
    members: int = 0  # current members of households not removed
    by_status: dict[str, int] = field(default_factory=dict)  # status key -> households
    by_group: dict[str, int] = field(default_factory=dict)  # group name -> households

    @property
    def registered(self) -> int:
        """建档立卡户: every household but those removed as wrongly identified."""
        return self.households - self.by_status.get("removed", 0)

    @property
    def poor(self) -> int:
        """Households still poor: not exited, or returned to poverty."""
        return self.by_status.get("not_exited", 0) + self.by_status.get("returned", 0)

    @property
    def exited(self) -> int:
        return self.by_status.get("exited", 0)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "households": self.households,
            "registered": self.registered,
            "members": self.members,
            "poor": self.poor,
            "exited": self.exited,
            "by_status": {codes.status_label(k): v for k, v in self.by_status.items()},
            "by_group": self.by_group,
        }


class StatsRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def villages(self, village_id: int | None = None) -> list[VillageStats]:
        where, params = ("WHERE v.id = ?", [village_id]) if village_id is not None else ("", [])
        stats = {
            vid: VillageStats(code, name)
            for vid, code, name in self.db.execute(
                f"SELECT v.id, v.code, v.name FROM villages v {where} ORDER BY v.code", params
            )
        }
        if not stats:
            return []
        vfilter = "WHERE village_id = ?" if village_id is not None else ""
        for vid, status, n in self.db.execute(
            f"SELECT village_id, status, count(*) FROM households {vfilter} GROUP BY village_id, status", params
        ):
            s = stats[vid]
            s.by_status[status] = n
            s.households += n
        # Every group is listed, empty ones too, in the village's order.
        gfilter = "WHERE g.village_id = ?" if village_id is not None else ""
        for vid, name, n in self.db.execute(
            f"""SELECT g.village_id, g.name, (SELECT count(*) FROM households h WHERE h.group_id = g.id)
                    FROM village_groups g {gfilter} ORDER BY g.village_id, g.sort_order, g.id""",
            params,
        ):
            stats[vid].by_group[name] = n
        mfilter = "AND village_id = ?" if village_id is not None else ""
        for vid, n in self.db.execute(
            f"SELECT village_id, count(*) FROM members WHERE left_date IS NULL {mfilter} GROUP BY village_id", params
        ):
            stats[vid].members = n
        # Removed households are few: subtracting their members beats joining every member.
        hfilter = "AND h.village_id = ?" if village_id is not None else ""
        for vid, n in self.db.execute(
            f"""SELECT h.village_id, count(*) FROM households h JOIN members m ON m.household_id = h.id
                    WHERE h.status = 'removed' AND m.left_date IS NULL {hfilter} GROUP BY h.village_id""",
            params,
        ):
            stats[vid].members -= n
        for s in stats.values():  # every status in code-list order; '' only when present
            extra = {"": s.by_status[""]} if "" in s.by_status else {}
            s.by_status = {k: s.by_status.get(k, 0) for k in codes.STATUS.keys} | extra
        return list(stats.values())
