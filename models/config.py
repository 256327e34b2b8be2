"""The rules that differ by province or year, as settings with visible defaults (never buried constants)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from models import codes


@dataclass
class Config:
    # "六个一" of seed 002 (二十一); 四川 uses "三个一", other provinces other sets.
    required_roles: list[str] = field(default_factory=lambda: list(codes.VILLAGE_REQUIREMENT.keys))
    # 人均纯收入 AND 两不愁三保障 always (codes.EXIT_ALWAYS); most provinces also check safe water.
    exit_criteria: list[str] = field(default_factory=lambda: [*codes.EXIT_ALWAYS, "water"])
    notice_days: int = 7  # 公示 at least this many days
    # The steps of the 返贫 and 清退 procedures, in order (codes.CHANGE_STEPS).
    return_steps: list[str] = field(default_factory=lambda: ["review", "notice"])
    remove_steps: list[str] = field(default_factory=lambda: ["review", "notice"])
    enforce_procedures: bool = True  # 识别 / 标注脱贫 only after their procedure's steps
    # Village exit: 贫困发生率 below 2 % (3 % in the west), in permille.
    incidence_max_permille: int = 20
    # Seed 002 (三): "村村有硬化路、卫生室、文化室、宽带网", and safe water.
    village_requirements: list[str] = field(
        default_factory=lambda: ["hard_road", "clinic", "culture_room", "broadband", "safe_water"]
    )
    collective_income_min_fen: int | None = None  # no national figure: set by the province
    # 驻村考勤: days in the village a month below which a team member is shown as short.
    # Provinces set their own rule; 20 is only a starting point the first secretary can change.
    min_attendance_days: int = 20
    funds_notice_days: int = 10  # project and fund notices run at least this long
    # 扶贫小额信贷 (seed 001): 5万元以下、3年以内; a loan beyond either is a warning, not a refusal.
    loan_max_fen: int = 5_000_000
    loan_max_months: int = 36
    local_hotline: str = ""  # the county's own supervision number, printed beside 12317
    pdf_font: str = ""  # a TrueType font file to embed in every PDF ('' = find one)
    # 县级汇总: a county's folder holds no village of its own; it opens on the 上报 screen.
    county_folder: bool = False
    idle_lock_minutes: int = 15  # an idle window locks and asks for the password again (issue 15)


# The settings a village's package carries to the county: the rules its exit check and its
# procedures applied (the county keeps them per village and compares them with its own).
EXIT_SETTINGS = (
    "exit_criteria",
    "notice_days",
    "funds_notice_days",
    "enforce_procedures",
    "return_steps",
    "remove_steps",
    "incidence_max_permille",
    "village_requirements",
    "collective_income_min_fen",
    "loan_max_fen",
    "loan_max_months",
)

# Village facts that village exit may require (fields of Village that are yes/no).
VILLAGE_FACTS = ("hard_road", "clinic", "culture_room", "broadband", "safe_water")


def from_settings(rows: dict[str, str]) -> Config:
    """Stored values (JSON by key) over the defaults; unknown keys are ignored."""
    config = Config()
    names = {f.name for f in dataclasses.fields(Config)}
    values = {k: json.loads(v) for k, v in rows.items() if k in names}
    return dataclasses.replace(config, **values)


def to_settings(config: Config) -> dict[str, str]:
    return {k: json.dumps(v, ensure_ascii=False) for k, v in dataclasses.asdict(config).items()}
