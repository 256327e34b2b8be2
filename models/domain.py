"""The records a village keeps, as plain dataclasses whose fields are the columns."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

T = TypeVar("T", bound="Record")


@dataclass
class Record:
    """Common fields: row id, stable UUID (for matching across exports), times."""

    TABLE: ClassVar[str] = ""
    _columns: ClassVar[frozenset[str]]  # each class's own, made by columns() on first use
    id: int | None = None
    uuid: str = ""
    created_at: str = ""
    updated_at: str = ""

    @classmethod
    def columns(cls) -> frozenset[str]:
        cached = cls.__dict__.get("_columns")
        if cached is None:
            cached = frozenset(f.name for f in dataclasses.fields(cls))
            cls._columns = cached  # per class: reading a county calls this often
        return cached

    @classmethod
    def from_row(cls: type[T], row: dict[str, Any]) -> T:
        names = cls.columns()
        return cls(**{k: v for k, v in row.items() if k in names})

    def to_record(self) -> dict[str, Any]:
        """Column values to write; the write path fills id, uuid and times."""
        data = dataclasses.asdict(self)
        for key in ("id", "created_at", "updated_at"):
            data.pop(key)
        if not data["uuid"]:
            data.pop("uuid")
        return data


@dataclass
class Village(Record):
    TABLE: ClassVar[str] = "villages"
    code: str = ""  # 12-digit 统计用区划代码
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    name: str = ""
    is_poor_village: int = 1
    planned_exit_year: int | None = None
    actual_exit_year: int | None = None
    households_total: int | None = None
    population_total: int | None = None
    agri_population: int | None = None
    collective_income_fen: int | None = None
    hard_road: int | None = None
    clinic: int | None = None
    culture_room: int | None = None
    broadband: int | None = None
    safe_water: int | None = None
    is_demo: int = 0

    @property
    def region(self) -> str:
        """The county-level region code that ID numbers born here start with."""
        return self.code[:6]


@dataclass
class Group(Record):
    TABLE: ClassVar[str] = "village_groups"
    village_id: int | None = None
    name: str = ""
    sort_order: int = 0


@dataclass
class Household(Record):
    TABLE: ClassVar[str] = "households"
    village_id: int | None = None
    household_no: str = ""
    group_id: int | None = None
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    standard: str = "national"
    identified_year: int | None = None
    attribute: str = "general"
    main_cause: str = ""
    other_cause1: str = ""
    other_cause2: str = ""
    status: str = ""  # derived from status events; '' before identification
    exit_year: int | None = None
    planned_exit_year: int | None = None
    military_family: int = 0
    only_child: int = 0
    two_daughters: int = 0
    # 生产生活条件
    farmland_mu: float | None = None
    irrigated_mu: float | None = None
    forest_mu: float | None = None
    returned_forest_mu: float | None = None
    orchard_mu: float | None = None
    pasture_mu: float | None = None
    water_surface_mu: float | None = None
    power_production: int | None = None
    power_household: int | None = None
    water_difficulty: int | None = None
    water_safe: int | None = None
    broadcast_tv: int | None = None
    distance_km: float | None = None
    road_type: str = ""
    house_area: float | None = None
    dangerous_house: str = ""
    sanitary_toilet: int | None = None
    fuel: str = ""
    cooperative: int | None = None
    # 易地扶贫搬迁 (seed 000): how and where the household was resettled, when, and its support
    resettlement: str = ""  # codes.RESETTLEMENT; '' not relocated
    resettlement_site: str = ""
    moved_date: str | None = None
    house_area_per_person: float | None = None  # 人均住房面积(㎡)
    relocation_subsidy_fen: int | None = None  # 人均建房补助 (seed 000: 8000 + 2000 元 per person)

    AREA_FIELDS: ClassVar[tuple[str, ...]] = (
        "farmland_mu",
        "irrigated_mu",
        "forest_mu",
        "returned_forest_mu",
        "orchard_mu",
        "pasture_mu",
        "water_surface_mu",
        "distance_km",
        "house_area",
    )


@dataclass
class Member(Record):
    TABLE: ClassVar[str] = "members"
    household_id: int | None = None
    village_id: int | None = None
    name: str = ""
    sex: str = ""
    id_type: str = "resident"
    id_number: str = ""
    birth_date: str = ""
    relation: str = ""
    ethnicity: str = "01"
    politics: str = "masses"
    education: str = ""
    school_status: str = ""
    dropout_reason: str = ""
    compulsory_done: int | None = None  # 已完成初中 (None: not recorded)
    health: str = ""  # comma-separated codes.HEALTH keys
    disability_kind: str = ""
    disability_grade: str = ""
    labour: str = ""
    work_status: str = ""
    work_months: int | None = None
    medical_insurance: int | None = None
    serious_illness_insurance: int | None = None
    pension_insurance: int | None = None
    dibao: int = 0
    tekun: int = 0
    soldier: int = 0
    joined_date: str | None = None  # None: a member since registration
    left_date: str | None = None  # set by a leaving event; never deleted
    left_kind: str = ""
    sort_order: int = 0

    @property
    def is_current(self) -> bool:
        return self.left_date is None

    @property
    def health_keys(self) -> list[str]:
        return [k for k in self.health.split(",") if k]


INCOME_ITEMS: tuple[str, ...] = (
    "wage_fen",
    "business_fen",
    "property_fen",
    "family_planning_fen",
    "dibao_fen",
    "tekun_fen",
    "pension_fen",
    "eco_fen",
    "other_transfer_fen",
    "business_cost_fen",
)
TRANSFER_ITEMS: tuple[str, ...] = (
    "family_planning_fen",
    "dibao_fen",
    "tekun_fen",
    "pension_fen",
    "eco_fen",
    "other_transfer_fen",
)


@dataclass
class Income(Record):
    TABLE: ClassVar[str] = "incomes"
    household_id: int | None = None
    year: int = 0
    wage_fen: int = 0
    business_fen: int = 0
    property_fen: int = 0
    family_planning_fen: int = 0
    dibao_fen: int = 0
    tekun_fen: int = 0
    pension_fen: int = 0
    eco_fen: int = 0
    other_transfer_fen: int = 0
    business_cost_fen: int = 0

    @property
    def transfer_fen(self) -> int:
        return sum(getattr(self, k) for k in TRANSFER_ITEMS)

    @property
    def net_fen(self) -> int:
        """纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出."""
        return self.wage_fen + self.business_fen + self.property_fen + self.transfer_fen - self.business_cost_fen


ASSURANCE_ITEMS: tuple[str, ...] = ("food", "clothing", "education", "medical", "housing", "water")


@dataclass
class Assurance(Record):
    """两不愁三保障 (plus safe water) for one household and year: 1 yes, 0 no, None unknown."""

    TABLE: ClassVar[str] = "assurances"
    household_id: int | None = None
    year: int = 0
    food: int | None = None
    clothing: int | None = None
    education: int | None = None
    medical: int | None = None
    housing: int | None = None
    water: int | None = None
    note: str = ""
    dangerous_house: str = ""  # 危房 that year (codes.DANGEROUS_HOUSE; '' not recorded)


@dataclass
class MemberYear(Record):
    """A member's facts the exit check of a year reads (年度动态调整): kept per year, each year
    starting from the one before; a year without its own row has the latest earlier one's."""

    TABLE: ClassVar[str] = "member_years"
    member_id: int | None = None
    household_id: int | None = None
    year: int = 0
    school_status: str = ""
    compulsory_done: int | None = None
    medical_insurance: int | None = None


MEMBER_YEAR_FACTS: tuple[str, ...] = ("school_status", "compulsory_done", "medical_insurance")


@dataclass
class VillageYear(Record):
    """A village's population of a year (贫困发生率 divides by that year's agricultural population)."""

    TABLE: ClassVar[str] = "village_years"
    village_id: int | None = None
    year: int = 0
    population_total: int | None = None
    agri_population: int | None = None


VILLAGE_YEAR_FACTS: tuple[str, ...] = ("population_total", "agri_population")


@dataclass
class StatusEvent(Record):
    TABLE: ClassVar[str] = "status_events"
    household_id: int | None = None
    kind: str = ""  # codes.STATUS_EVENT
    event_date: str = ""
    year: int = 0
    reason: str = ""
    override_reason: str = ""  # why a household failing the exit check was marked 脱贫 anyway


@dataclass
class MemberEvent(Record):
    TABLE: ClassVar[str] = "member_events"
    household_id: int | None = None
    member_id: int | None = None
    kind: str = ""  # codes.MEMBER_EVENT
    event_date: str = ""
    reason: str = ""


@dataclass
class Cadre(Record):
    """帮扶干部. Roles are codes.CADRE_ROLE keys, comma-separated; one person may hold several."""

    TABLE: ClassVar[str] = "cadres"
    village_id: int | None = None
    name: str = ""
    sex: str = ""
    id_number: str = ""
    unit: str = ""
    unit_type: str = ""
    position: str = ""
    phone: str = ""
    roles: str = ""
    on_team: int = 0  # a member of the village's 驻村工作队
    left_date: str | None = None

    @property
    def role_keys(self) -> list[str]:
        return [k for k in self.roles.split(",") if k]

    @property
    def is_current(self) -> bool:
        return self.left_date is None


@dataclass
class Pairing(Record):
    """结对: one cadre with one household for a period; end_date None while current."""

    TABLE: ClassVar[str] = "pairings"
    household_id: int | None = None
    cadre_id: int | None = None
    start_date: str = ""
    end_date: str | None = None
    end_reason: str = ""


@dataclass
class Visit(Record):
    TABLE: ClassVar[str] = "visits"
    household_id: int | None = None
    cadre_id: int | None = None
    visit_date: str = ""
    found: str = ""
    done: str = ""
    next_step: str = ""


@dataclass
class Plan(Record):
    """一户一策 for one household and year."""

    TABLE: ClassVar[str] = "plans"
    household_id: int | None = None
    year: int = 0
    target_exit_year: int | None = None
    target_income_fen: int | None = None  # target 人均纯收入
    note: str = ""


@dataclass
class Measure(Record):
    TABLE: ClassVar[str] = "measures"
    plan_id: int | None = None
    category: str = ""  # codes.MEASURE_CATEGORY
    content: str = ""
    member_id: int | None = None  # 因人施策: the member it is for
    cadre_id: int | None = None
    responsible: str = ""  # a unit or person when no cadre record fits
    funds_fen: int = 0
    funds_source: str = ""  # codes.FUND_SOURCE
    deadline: str | None = None
    status: str = "planned"  # codes.MEASURE_STATUS
    result: str = ""
    sort_order: int = 0


@dataclass
class PovertyLine(Record):
    TABLE: ClassVar[str] = "poverty_lines"
    year: int = 0
    province: str = ""
    line_fen: int = 0
    source: str = ""


@dataclass
class ProcedureStep(Record):
    TABLE: ClassVar[str] = "procedure_steps"
    household_id: int | None = None
    procedure: str = ""  # codes.PROCEDURE
    step: str = ""  # a key of codes.PROCEDURE_STEPS[procedure]
    start_date: str = ""
    end_date: str | None = None  # a notice's last day
    note: str = ""
    year: int | None = None  # the round's year (识别年度 / 脱贫年度 it decides); a round has one


@dataclass
class Project(Record):
    """扶贫项目: its funds are split by source (codes.FUND_SOURCE), the total is their sum."""

    TABLE: ClassVar[str] = "projects"
    village_id: int | None = None
    name: str = ""
    category: str = ""
    year: int = 0
    place: str = ""
    content: str = ""
    fund_special_fen: int = 0
    fund_integrated_fen: int = 0
    fund_social_fen: int = 0
    fund_credit_fen: int = 0
    fund_self_fen: int = 0
    unit: str = ""
    responsible: str = ""
    start_date: str | None = None
    finish_date: str | None = None
    progress: int = 0
    status: str = "planned"
    goal: str = ""
    mechanism: str = ""
    subsidy_standard: str = ""  # 补助标准, as the 项目资金公示 states it (§3)

    FUND_FIELDS: ClassVar[tuple[str, ...]] = (
        "fund_special_fen",
        "fund_integrated_fen",
        "fund_social_fen",
        "fund_credit_fen",
        "fund_self_fen",
    )

    @property
    def total_fen(self) -> int:
        return sum(getattr(self, f) for f in self.FUND_FIELDS)


@dataclass
class Beneficiary(Record):
    TABLE: ClassVar[str] = "project_beneficiaries"
    project_id: int | None = None
    household_id: int | None = None


@dataclass
class Disbursement(Record):
    TABLE: ClassVar[str] = "disbursements"
    project_id: int | None = None
    pay_date: str = ""
    amount_fen: int = 0
    payee: str = ""
    voucher: str = ""
    purpose: str = ""


@dataclass
class Attendance(Record):
    """A day a team member was in the village (驻村考勤)."""

    TABLE: ClassVar[str] = "attendance"
    cadre_id: int | None = None
    day: str = ""
    note: str = ""


@dataclass
class WorkLog(Record):
    TABLE: ClassVar[str] = "work_logs"
    village_id: int | None = None
    cadre_id: int | None = None
    log_date: str = ""
    content: str = ""


@dataclass
class Benefit(Record):
    """A benefit a household (or one member) received from a programme (扶贫专项台账)."""

    TABLE: ClassVar[str] = "benefits"
    household_id: int | None = None
    member_id: int | None = None
    programme: str = ""
    benefit_date: str = ""
    amount_fen: int = 0
    source: str = ""
    note: str = ""
    school: str = ""  # 雨露计划: where the student studies, the grade and the term paid for
    grade: str = ""
    term: str = ""


@dataclass
class Loan(Record):
    """扶贫小额信贷 (seed 001: 5万元以下、3年以内、免抵押免担保、财政贴息) to a household."""

    TABLE: ClassVar[str] = "loans"
    household_id: int | None = None
    member_id: int | None = None  # the borrower
    bank: str = ""
    amount_fen: int = 0
    loan_date: str = ""
    due_date: str = ""
    term_months: int | None = None
    interest_subsidy: int | None = None  # 财政贴息
    status: str = "current"
    note: str = ""


@dataclass
class Inspection(Record):
    TABLE: ClassVar[str] = "inspections"
    village_id: int | None = None
    inspect_date: str = ""
    kind: str = ""
    body: str = ""
    note: str = ""


@dataclass
class Finding(Record):
    """A problem an inspection found, and its rectification."""

    TABLE: ClassVar[str] = "problems"
    inspection_id: int | None = None
    description: str = ""
    measure: str = ""
    responsible: str = ""
    deadline: str = ""
    completed_date: str | None = None
    completion_note: str = ""


@dataclass
class HouseholdFile:
    """A household with everything that hangs off it, as screens and prints need it."""

    household: Household
    members: list[Member] = field(default_factory=list)
    incomes: list[Income] = field(default_factory=list)
    assurances: list[Assurance] = field(default_factory=list)
    status_events: list[StatusEvent] = field(default_factory=list)
    member_events: list[MemberEvent] = field(default_factory=list)

    @property
    def current_members(self) -> list[Member]:
        return [m for m in self.members if m.is_current]

    @property
    def head(self) -> Member | None:
        heads = [m for m in self.current_members if m.relation == "head"]
        return heads[0] if len(heads) == 1 else None
