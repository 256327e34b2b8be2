"""The exit check for a year: each household against each criterion, and the village summary.

Every criterion has three outcomes (§3 "what counts as met"): 达标, 未达标 with what failed, and
未填写 with what is missing. A fact nobody recorded is never 达标, and 未填写 blocks 标注脱贫 as a
failure does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from models import codes
from models.config import Config
from models.rules.income import per_head as per_head_fen

IN_SCHOOL_AGES = range(6, 16)  # 义务教育: every member aged 6-15 in school (age on 1 September)
MET, FAILED, MISSING = "met", "failed", "missing"
ALWAYS_REQUIRED, OPTIONAL = codes.EXIT_ALWAYS, codes.EXIT_OPTIONAL  # only OPTIONAL may be switched


class Result(NamedTuple):
    """One criterion for one household: its outcome and the facts behind it (models/wording
    words them). Facts name what failed (e.g. ``dropout``) and what is missing (``..._unknown``)."""

    criterion: str
    outcome: str
    facts: Mapping[str, object] = MappingProxyType({})

    @property
    def passed(self) -> bool:
        return self.outcome == MET


@dataclass
class HouseholdFacts:
    """What the check reads about one household for the year, loaded in bulk."""

    id: int
    household_no: str
    head: str
    status: str
    province: str
    dangerous_house: str
    water_safe: int | None
    power: int | None = None  # 通生活用电
    tv: int | None = None  # 通广播电视
    village_id: int = 0
    size: int = 0  # members counted in the year
    dropout: list[str] = field(default_factory=list)  # aged 6-15 and 失学辍学
    not_enrolled: list[str] = field(default_factory=list)  # aged 6-15, 非在校生, 初中 not finished
    school_unknown: list[str] = field(default_factory=list)  # aged 6-15, 在校生状况 not recorded
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
        """Required criteria found 未达标."""
        return [r.criterion for r in self.results if r.criterion in self.required and r.outcome == FAILED]

    @property
    def missing(self) -> list[str]:
        """Required criteria 未填写 (they block as failures do)."""
        return [r.criterion for r in self.results if r.criterion in self.required and r.outcome == MISSING]


_MET = {k: Result(k, MET, MappingProxyType({})) for k in codes.EXIT_CRITERION.keys}  # shared by the many that pass


def _result(criterion: str, facts: dict[str, object]) -> Result:
    """The outcome from the facts: any failing fact fails, else any unknown one is 未填写."""
    if not facts:  # a household's criteria share their results; a village's are few
        return _MET.get(criterion) or Result(criterion, MET, MappingProxyType({}))
    if any(not k.endswith("_unknown") for k in facts):
        return Result(criterion, FAILED, facts)
    return Result(criterion, MISSING, facts)


def _flag(value: int | None) -> dict[str, object]:
    """The year's 两不愁三保障 flag for a criterion: 否 fails, blank is 未填写."""
    if value is None:
        return {"flag_unknown": True}
    return {} if value else {"flag": 0}


def _names(**lists: list[str]) -> dict[str, object]:
    return {k: v for k, v in lists.items() if v}


def income_result(h: HouseholdFacts, line_fen: int | None, line_source: str = "") -> Result:
    """人均纯收入 above the line (never decisive alone). ``line_source`` "village": a county
    without its own line for the year checks against the line the village's package carried."""
    if h.net_fen is None:
        return Result("income", MISSING, {"income_unknown": True})
    if line_fen is None:
        return Result("income", MISSING, {"line_unknown": True})
    per_head = per_head_fen(h.net_fen, h.size)
    if per_head is None:
        return Result("income", MISSING, {"size_unknown": True})
    facts: dict[str, object] = {"per_capita_fen": per_head, "line_fen": line_fen}
    if line_source:
        facts["line_source"] = line_source
    return Result("income", MET if per_head > line_fen else FAILED, facts)


def education_result(h: HouseholdFacts, flag: int | None) -> Result:
    """义务教育有保障: no member aged 6-15 失学辍学 (whatever their 文化程度), none 非在校生 without
    初中 finished, none unrecorded; and the year's flag says 是."""
    return _result(
        "education",
        {
            **_names(dropout=h.dropout, not_enrolled=h.not_enrolled, school_unknown=h.school_unknown),
            **_flag(flag),
        },
    )


def medical_result(h: HouseholdFacts, flag: int | None) -> Result:
    """基本医疗有保障: every counted member insured, and the year's flag says 是."""
    return _result("medical", {**_names(uninsured=h.uninsured, insurance_unknown=h.insurance_unknown), **_flag(flag)})


def housing_result(h: HouseholdFacts, flag: int | None) -> Result:
    """住房安全有保障: the 危房 grade recorded and not C or D, and the year's flag says 是."""
    facts: dict[str, object] = {}
    if h.dangerous_house in ("c", "d"):
        facts["dangerous_house"] = h.dangerous_house
    elif not h.dangerous_house:
        facts["house_unknown"] = True
    return _result("housing", {**facts, **_flag(flag)})


def water_result(h: HouseholdFacts, flag: int | None) -> Result:
    """饮水安全有保障: the household's 饮水安全 and the year's flag; where both are recorded they
    must agree (a 否 on one and 是 on the other proves nothing: 未达标 until corrected)."""
    own = h.water_safe
    if own is not None and flag is not None and bool(own) != bool(flag):
        return Result("water", FAILED, {"water_conflict": (own, flag)})
    value = flag if flag is not None else own
    return _result("water", _flag(value))


def _household_flag(criterion: str, value: int | None) -> Result:
    return _result(criterion, _flag(value))


def check_household(
    h: HouseholdFacts,
    year: int,
    line_fen: int | None,
    config: Config,
    required: list[str] | None = None,
    line_source: str = "",
) -> HouseholdCheck:
    """Each criterion that decides exit here (``required``: the settings' choice, worked out once
    for a county by the caller), in the code list's order; ``line_source`` as income_result's."""
    required = required if required is not None else required_criteria(config)
    food, clothing, education, medical, housing, water = h.assurance or (None,) * 6
    results = []
    for key in required:
        if key == "income":
            results.append(income_result(h, line_fen, line_source))
        elif key in ("food", "clothing"):
            flag = food if key == "food" else clothing
            results.append(_MET[key] if flag else _result(key, _flag(flag)))
        elif key == "education":
            clear = not (h.dropout or h.not_enrolled or h.school_unknown)
            results.append(_MET[key] if clear and education else education_result(h, education))
        elif key == "medical":
            clear = not (h.uninsured or h.insurance_unknown)
            results.append(_MET[key] if clear and medical else medical_result(h, medical))
        elif key == "housing":
            safe = h.dangerous_house == "no"
            results.append(_MET[key] if safe and housing else housing_result(h, housing))
        elif key == "water":
            results.append(water_result(h, water))
        else:
            results.append(_household_flag(key, h.power if key == "power" else h.tv))
    return HouseholdCheck(h.id, h.household_no, h.head, h.status, results, required)


def required_criteria(config: Config) -> list[str]:
    """What decides exit: the policy's six always, and the optional ones the settings name."""
    return [*ALWAYS_REQUIRED, *(k for k in OPTIONAL if k in config.exit_criteria)]


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


def incidence_met(poor_people: int, agri_population: int, max_permille: int) -> bool:
    """贫困发生率 "降至 x% 以下": 以下 includes the number itself (民法典 art. 1259), compared
    exactly in integers (2.00 % passes at 20 ‰)."""
    return poor_people * 1000 <= max_permille * agri_population


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
        facts_of = {"permille": round(incidence, 2), "max": config.incidence_max_permille}
        ok = incidence_met(poor_people, agri_population, config.incidence_max_permille)
        results.append(Result("incidence", MET if ok else FAILED, facts_of))
    else:
        results.append(Result("incidence", MISSING, {"population_unknown": True}))
    for key in config.village_requirements:
        results.append(_result(key, _flag(facts.get(key))))
    if config.collective_income_min_fen is not None:
        fen = collective_income_fen
        facts_ci = {"fen": fen, "min": config.collective_income_min_fen}
        outcome = MISSING if fen is None else MET if fen >= config.collective_income_min_fen else FAILED
        results.append(Result("collective_income", outcome, facts_ci))
    return VillageSummary(code, name, poor_people, agri_population, incidence, results)
