"""The exit check for a year: each household against each criterion, and the village summary."""
from __future__ import annotations

from dataclasses import dataclass, field

from models import rules
from models.config import Config
from models.domain import Assurance, Income, Member

IN_SCHOOL_AGES = range(6, 16)  # 义务教育: every member aged 6-15 in school


@dataclass(frozen=True)
class Result:
    """One criterion for one household: passed, or why not (facts; ui/messages words them)."""

    criterion: str
    passed: bool
    facts: dict[str, object] = field(default_factory=dict)


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
    members: list[Member] = field(default_factory=list)
    income: Income | None = None
    assurance: Assurance | None = None


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


def _flag(value: int | None, criterion: str) -> Result:
    if value is None:
        return Result(criterion, False, {"missing": True})
    return Result(criterion, bool(value), {})


def check_household(h: HouseholdFacts, year: int, line_fen: int | None, config: Config) -> HouseholdCheck:
    counted = [m for m in h.members if rules.counted_in_year(m, year)]
    a = h.assurance
    results = []
    # 人均纯收入 above the line: never decisive alone, but required by default.
    if h.income is None:
        results.append(Result("income", False, {"missing": True}))
    elif line_fen is None:
        results.append(Result("income", False, {"no_line": True}))
    else:
        per_head = rules.per_capita_fen(h.income, len(counted))
        results.append(Result("income", per_head is not None and per_head > line_fen,
                              {"per_capita_fen": per_head, "line_fen": line_fen}))
    results.append(_flag(a.food if a else None, "food"))
    results.append(_flag(a.clothing if a else None, "clothing"))
    out_of_school = [m.name for m in counted
                     if m.birth_date and (year - int(m.birth_date[:4])) in IN_SCHOOL_AGES
                     and m.school_status in ("", "none", "dropout")]
    if out_of_school or (a and a.education == 0):
        results.append(Result("education", False, {"names": out_of_school}))
    else:
        results.append(Result("education", True, {}))
    uninsured = [m.name for m in counted if m.medical_insurance != 1]
    results.append(Result("medical", not uninsured and not (a and a.medical == 0), {"names": uninsured}))
    unsafe = h.dangerous_house in ("c", "d")
    results.append(Result("housing", not unsafe and not (a and a.housing == 0),
                          {"dangerous_house": h.dangerous_house} if unsafe else {}))
    water = a.water if a and a.water is not None else h.water_safe
    results.append(_flag(water, "water"))
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


def village_summary(code: str, name: str, poor_people: int, agri_population: int | None,
                    facts: dict[str, int | None], collective_income_fen: int | None, config: Config) -> VillageSummary:
    results = []
    incidence = None
    if agri_population:
        incidence = poor_people * 1000 / agri_population
        results.append(Result("incidence", incidence < config.incidence_max_permille,
                              {"permille": round(incidence, 1), "max": config.incidence_max_permille}))
    else:
        results.append(Result("incidence", False, {"missing": True}))
    for key in config.village_requirements:
        results.append(_flag(facts.get(key), key))
    if config.collective_income_min_fen is not None:
        ok = collective_income_fen is not None and collective_income_fen >= config.collective_income_min_fen
        results.append(Result("collective_income", ok, {"fen": collective_income_fen,
                                                         "min": config.collective_income_min_fen}))
    return VillageSummary(code, name, poor_people, agri_population, incidence, results)
