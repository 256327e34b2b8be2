"""What an operation changed (Anki's OpChanges): the tables it wrote, the record it saved, and
the warnings the clerk should see. Every mutating service returns one; screens refresh from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import Problem

# The areas screens care about, by the tables that make them up.
AREAS: dict[str, frozenset[str]] = {
    "village": frozenset({"villages", "village_groups", "village_years"}),
    "households": frozenset(
        {"households", "members", "incomes", "assurances", "status_events", "member_events", "procedure_steps"}
    ),
    "cadres": frozenset({"cadres"}),
    "pairings": frozenset({"pairings"}),
    "visits": frozenset({"visits"}),
    "plans": frozenset({"plans", "measures"}),
    "projects": frozenset({"projects", "project_beneficiaries", "disbursements"}),
    "team": frozenset({"attendance", "work_logs"}),
    "benefits": frozenset({"benefits", "loans"}),
    "inspections": frozenset({"inspections", "problems"}),
    "notices": frozenset({"notices"}),
    "settings": frozenset({"settings", "poverty_lines"}),
    "imports": frozenset({"imports"}),
}
LEDGERS = ("projects", "team", "benefits", "inspections", "visits")


@dataclass(frozen=True)
class Changes:
    tables: frozenset[str] = frozenset()
    id: int | None = None  # the record the operation saved or created, when there is one
    count: int = 0  # how many records it affected, where that is what the clerk is told
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def touches(self, *areas: str) -> bool:
        """Whether any of these areas (keys of AREAS) or tables changed."""
        return any(self.tables & AREAS.get(a, frozenset({a})) for a in areas)

    def __bool__(self) -> bool:
        return bool(self.tables)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.tables | other.tables,
            other.id if other.id is not None else self.id,
            self.count + other.count,
            self.warnings + other.warnings,
        )

    @classmethod
    def of(cls, *areas: str) -> Changes:
        """Changes to whole areas (an import, which writes everything of a village)."""
        return cls(frozenset().union(*(AREAS[a] for a in areas)))


EVERYTHING = Changes.of(*AREAS)
