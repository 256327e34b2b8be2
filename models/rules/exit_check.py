"""The exit check for a year: each household against each criterion, and the village summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from models.config import Config
from models.rules.income import per_head as per_head_fen

IN_SCHOOL_AGES = range(6, 16)  # 义务教育: every member aged 6-15 in school (age on 1 September)


class Result(NamedTuple):
    """One criterion for one household: passed, or why not (facts; models/wording words them)."""

    criterion: str
    passed: bool
    facts: Mapping[str, object] = MappingProxyType({})


@dataclass
class HouseholdFacts:
    """What the check reads about one household, loaded in bulk."""

    id: int
    household_no: str
    head: str
    status: str
    province: str
    dangerous_house: str
    water_safe: int | None
    size: int = 0  # members counted in the year
    out_of_school: list[str] = field(default_factory=list)  # of compulsory-school age and not in school
    school_unknown: list[str] = field(default_factory=list)  # of that age, 在校生状况 not recorded
    uninsured: list[str] = field(default_factory=list)  # counted members without basic medical insurance
    insurance_unknown: list[str] = field(default_factory=list)  # insurance not recorded
    net_fen: int | None = None  # 纯收入 of the year; None when no income was recorded
    # 两不愁三保障 of the year: food, clothing, education, medical, housing, water (None: not recorded)
    assurance: tuple[int | None, ...] | None = None


@dataclass
class HouseholdCheck:
    id: int
    household_no: str
    head: str
    status: str
    results: list[Result]
    required: list[str]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results if r.criterion in self.required)

    @property
    def failed(self) -> list[str]:
        return [r.criterion for r in self.results if r.criterion in self.required and not r.passed]


_NO_FACTS: Mapping[str, object] = MappingProxyType({})  # shared by the many passing results
_MISSING: Mapping[str, object] = MappingProxyType({"missing": True})


def _flag(value: int | None, criterion: str) -> Result:
    if value is None:
        return Result(criterion, False, _MISSING)
    return Result(criterion, bool(value), _NO_FACTS)


def check_household(h: HouseholdFacts, year: int, line_fen: int | None, config: Config) -> HouseholdCheck:
    food, clothing, education, medical, housing, water = h.assurance or (None,) * 6
    results = []
    # 人均纯收入 above the line: never decisive alone, but required by default.
    if h.net_fen is None:
        results.append(Result("income", False, _MISSING))
    elif line_fen is None:
        results.append(Result("income", False, {"no_line": True}))
    else:
        per_head = per_head_fen(h.net_fen, h.size)
        results.append(
            Result(
                "income",
                per_head is not None and per_head > line_fen,
                {"per_capita_fen": per_head, "line_fen": line_fen},
            )
        )
    results.append(_flag(food, "food"))
    results.append(_flag(clothing, "clothing"))
    results.append(
        Result(
            "education",
            not h.out_of_school and not h.school_unknown and education != 0,
            {"names": h.out_of_school, "unknown": h.school_unknown}
            if h.out_of_school or h.school_unknown
            else _NO_FACTS,
        )
    )
    results.append(
        Result(
            "medical",
            not h.uninsured and not h.insurance_unknown and medical != 0,
            {"names": h.uninsured, "unknown": h.insurance_unknown} if h.uninsured or h.insurance_unknown else _NO_FACTS,
        )
    )
    unsafe = h.dangerous_house in ("c", "d")
    results.append(
        Result("housing", not unsafe and housing != 0, {"dangerous_house": h.dangerous_house} if unsafe else _NO_FACTS)
    )
    results.append(_flag(water if water is not None else h.water_safe, "water"))
    return HouseholdCheck(h.id, h.household_no, h.head, h.status, results, list(config.exit_criteria))


@dataclass
class VillageSummary:
    code: str
    name: str
    poor_people: int
    agri_population: int | None
    incidence_permille: float | None  # 贫困发生率, ‰
    results: list[Result]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)


def village_summary(
    code: str,
    name: str,
    poor_people: int,
    agri_population: int | None,
    facts: dict[str, int | None],
    collective_income_fen: int | None,
    config: Config,
) -> VillageSummary:
    results = []
    incidence = None
    if agri_population:
        incidence = poor_people * 1000 / agri_population
        results.append(
            Result(
                "incidence",
                incidence < config.incidence_max_permille,
                {"permille": round(incidence, 1), "max": config.incidence_max_permille},
            )
        )
    else:
        results.append(Result("incidence", False, {"missing": True}))
    for key in config.village_requirements:
        results.append(_flag(facts.get(key), key))
    if config.collective_income_min_fen is not None:
        ok = collective_income_fen is not None and collective_income_fen >= config.collective_income_min_fen
        results.append(
            Result("collective_income", ok, {"fen": collective_income_fen, "min": config.collective_income_min_fen})
        )
    return VillageSummary(code, name, poor_people, agri_population, incidence, results)
