"""Builds believable demo villages: families, ID numbers, causes, incomes and statuses 2014-2020."""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from models import codes, idnumber
from models.demo import names
from models.domain import Village
from models.errors import DataFolderNotEmpty
from models.process import end_with_parent
from models.rules.assistance import CAUSE_MEASURES
from models.storage.audit import uuid7
from models.storage.base import transaction
from models.storage.year_facts import seed_member_years, seed_village_years
from models.store import Store

REGION = "522327"  # the county all demo villages belong to
PLACE = ("贵州省", "黔西南布依族苗族自治州", "册亨县")
UUID_EPOCH_MS = 1_609_372_800_000  # 2020-12-31: demo UUIDs read as made then
SNAPSHOT = 2020  # the demo records are as of the end of this year
VILLAGES_PER_TOWNSHIP = 30

CAUSE_WEIGHTS = {
    "illness": 25,
    "skills": 18,
    "capital": 15,
    "labour": 10,
    "schooling": 8,
    "disability": 7,
    "motivation": 5,
    "transport": 4,
    "land": 3,
    "disaster": 2,
    "water": 1,
    "marriage": 1,
    "funeral": 1,
}
ETHNIC_WEIGHTS = {"09": 55, "01": 30, "06": 10, "08": 5}  # 布依族, 汉族, 苗族, 壮族


@dataclass
class DemoSummary:
    villages: int
    households: int
    members: int


def village_code(k: int) -> str:
    """The k-th demo village's 12-digit code: region, township (1xx), village committee (2xx)."""
    return f"{REGION}{100 + k // VILLAGES_PER_TOWNSHIP:03d}{200 + k % VILLAGES_PER_TOWNSHIP:03d}"


# Tables in the order a village is written (references point backwards).
TABLES = (
    "villages",
    "village_groups",
    "households",
    "members",
    "status_events",
    "member_events",
    "incomes",
    "assurances",
    "cadres",
    "pairings",
    "visits",
    "plans",
    "measures",
    "procedure_steps",
    "projects",
    "project_beneficiaries",
    "disbursements",
    "attendance",
    "work_logs",
    "benefits",
    "inspections",
    "problems",
)
ID_BLOCK = 10_000_000  # each village's records take ids from their own block, so villages plan independently
PREFETCH = 2  # villages planned ahead of the writer


def generate(
    store: Store,
    *,
    seed: int = 1,
    households: int = 300,
    villages: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill an empty data folder with ``villages`` demo villages of ``households`` each.

    Deterministic for a given seed. Each village is planned on its own (in a second process
    when there are several, so that planning and writing share the two cores) and written in
    one transaction.
    """
    if store.villages.count():
        raise DataFolderNotEmpty(path=store.folder)
    _demo_poverty_lines(store)
    total_members = 0
    jobs = [(seed, k, households) for k in range(villages)]
    if villages == 1:
        plans: Iterable[dict[str, list[dict]]] = map(plan_village, jobs)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=1, initializer=end_with_parent, initargs=(os.getpid(),))
        plans = _prefetched(pool, jobs)
    try:
        for k, plan in enumerate(plans):
            with transaction(store.db):
                for table in TABLES:
                    store.writer.insert_many(table, plan[table])
                seed_member_years(store.db, store.writer, village_id=plan["villages"][0]["id"])
                seed_village_years(store.db, store.writer, village_id=plan["villages"][0]["id"])
            total_members += len(plan["members"])
            if progress:
                progress(k + 1, villages)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return DemoSummary(villages=villages, households=villages * households, members=total_members)


def _prefetched(pool: ProcessPoolExecutor, jobs: list) -> Iterator[dict[str, list[dict]]]:
    """Plans in order, at most PREFETCH ahead, so memory stays flat for a county."""
    pending: deque = deque()
    for job in jobs:
        pending.append(pool.submit(plan_village, job))
        if len(pending) > PREFETCH:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def plan_village(job: tuple[int, int, int]) -> dict[str, list[dict]]:
    """Every record of demo village ``k``, with ids, as rows by table (picklable, no storage)."""
    seed, k, n = job
    return _VillageGen(seed, k, n).plan()


class _VillageGen:
    def __init__(self, seed: int, k: int, n: int) -> None:
        self.k, self.n = k, n
        self.rng = random.Random(f"{seed}:{k}")
        self.uuid_rng = random.Random(f"uuid:{seed}:{k}")  # UUIDs from the seed: identical files
        self.counter = k * ID_BLOCK
        self.used_ids: set[str] = set()
        self.code = village_code(k)
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}

    def uuid(self) -> str:
        # Time-ordered like the program's own, but from a counter and the seeded stream.
        self.counter += 1
        return uuid7(UUID_EPOCH_MS + self.counter, self.uuid_rng.getrandbits(74))

    def add(self, table: str, row: dict) -> dict:
        """Give a row its id (from the village's block) and its uuid, and keep it for writing."""
        rows = self.rows[table]
        row["id"] = self.k * ID_BLOCK + len(rows) + 1
        row.setdefault("uuid", self.uuid())
        rows.append(row)
        return row

    # --- Village ----------------------------------------------------------------

    def village(self) -> Village:
        r = self.rng
        name = r.choice(names.VILLAGE_FIRST) + r.choice(names.VILLAGE_SECOND) + "村"
        total = max(self.n, int(self.n * r.uniform(2.5, 4.0)))
        population = int(total * r.uniform(3.4, 4.1))
        return Village(
            uuid=self.uuid(),
            code=self.code,
            province=PLACE[0],
            city=PLACE[1],
            county=PLACE[2],
            township=names.TOWNSHIPS[(self.k // VILLAGES_PER_TOWNSHIP) % len(names.TOWNSHIPS)],
            name=name,
            is_poor_village=1,
            planned_exit_year=r.choice((2018, 2019, 2020)),
            actual_exit_year=None,
            households_total=total,
            population_total=population,
            agri_population=int(population * r.uniform(0.85, 0.97)),
            collective_income_fen=r.randrange(20_000, 150_000) * 100,
            hard_road=1,
            clinic=1,
            culture_room=r.choice((0, 1)),
            broadband=r.choice((0, 1, 1)),
            safe_water=1,
            is_demo=1,
        )

    # --- People -----------------------------------------------------------------

    def id_number(self, birth: dt.date, sex: str) -> str:
        """Unique in the county: each village draws its sequence numbers from its own ten."""
        block = self.k % 100 * 10
        for attempt in range(60):
            seq = block + self.rng.randrange(10) if attempt < 50 else self.rng.randrange(1000)
            number = idnumber.make(REGION, birth, seq, sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError("no free ID number")  # 60 draws for one birthday: not in a village

    def given(self, sex: str) -> str:
        chars = names.MALE_CHARS if sex == idnumber.MALE else names.FEMALE_CHARS
        return "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2, 2))))

    def surname(self) -> str:
        # Rank-weighted: common surnames are far more common.
        return names.SURNAMES[min(int(self.rng.expovariate(1 / 12)), len(names.SURNAMES) - 1)]

    def birth(self, age: int) -> dt.date:
        year = SNAPSHOT - age
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def person(self, relation: str, age: int, sex: str, surname: str, ethnicity: str, cause: str) -> dict:
        r = self.rng
        birth = self.birth(max(age, 0))
        age = SNAPSHOT - birth.year
        school, education = _schooling(r, age)
        health = "healthy"
        if cause == "illness" and relation in ("head", "spouse") and r.random() < 0.6:
            health = r.choice(("chronic", "serious"))
        elif cause == "disability" and relation in ("head", "son", "daughter") and r.random() < 0.6:
            health = "disabled"
        elif age > 60 and r.random() < 0.35:
            health = "chronic"
        labour = _labour(r, age, health)
        working = labour in ("normal", "skilled") and school == "none"
        work = (
            r.choice(("township", "county", "province", "outside", "outside"))
            if working and r.random() < 0.6
            else ("none" if age >= 16 else "")
        )
        return {
            "uuid": self.uuid(),
            "name": surname + self.given(sex),
            "sex": sex,
            "id_type": "resident",
            "id_number": self.id_number(birth, sex),
            "birth_date": birth.isoformat(),
            "relation": relation,
            "ethnicity": ethnicity,
            "politics": "cpc" if age > 30 and r.random() < 0.04 else "masses",
            "education": education,
            "school_status": school,
            "dropout_reason": r.choice(names.DROPOUT_REASONS) if school == codes.DROPOUT else "",
            # 初中 finished: those whose 文化程度 is beyond it, and most who stopped at 初中 level
            "compulsory_done": 1
            if education in ("senior", "college", "bachelor")
            or (education == "junior" and school not in ("junior", codes.DROPOUT))
            else None,
            "health": health,
            "disability_kind": r.choice(codes.DISABILITY_KIND.keys) if health == "disabled" else "",
            "disability_grade": r.choice(codes.DISABILITY_GRADE.keys) if health == "disabled" else "",
            "labour": labour,
            "work_status": work,
            "work_months": r.randint(3, 12) if work not in ("", "none") else None,
            "medical_insurance": 1 if r.random() < 0.985 else 0,
            "serious_illness_insurance": 1,
            "pension_insurance": 1 if age >= 16 and school == "none" else 0,
            "dibao": 0,
            "tekun": 0,
            "soldier": 0,
        }

    def family(self, cause: str, ethnicity: str) -> list[dict]:
        r = self.rng
        head_age = int(r.triangular(28, 82, 52))
        head_sex = idnumber.MALE if r.random() < 0.86 else idnumber.FEMALE
        other = idnumber.FEMALE if head_sex == idnumber.MALE else idnumber.MALE
        surname = self.surname()
        people = [self.person("head", head_age, head_sex, surname, ethnicity, cause)]
        if r.random() < (0.85 if head_age < 70 else 0.55):
            people.append(self.person("spouse", head_age + r.randint(-4, 3), other, self.surname(), ethnicity, cause))
        for _ in range(r.choice((0, 1, 1, 2, 2, 2, 3))):
            age = head_age - r.randint(20, 36)
            if age < 0:
                continue
            sex = r.choice((idnumber.MALE, idnumber.FEMALE))
            child_surname = surname if head_sex == idnumber.MALE else self.surname()
            people.append(
                self.person("son" if sex == idnumber.MALE else "daughter", age, sex, child_surname, ethnicity, cause)
            )
            if sex == idnumber.MALE and age >= 23 and r.random() < 0.4:
                people.append(
                    self.person(
                        "daughter_in_law", age - r.randint(0, 3), idnumber.FEMALE, self.surname(), ethnicity, cause
                    )
                )
                for _ in range(r.choice((0, 1, 1, 2))):
                    gsex = r.choice((idnumber.MALE, idnumber.FEMALE))
                    gage = age - r.randint(20, 30)
                    if gage >= 0:
                        people.append(
                            self.person(
                                "grandson" if gsex == idnumber.MALE else "granddaughter",
                                gage,
                                gsex,
                                child_surname,
                                ethnicity,
                                cause,
                            )
                        )
        if head_age < 52 and r.random() < 0.3:
            sex = r.choice((idnumber.MALE, idnumber.FEMALE))
            people.append(
                self.person(
                    "father" if sex == idnumber.MALE else "mother",
                    head_age + r.randint(22, 32),
                    sex,
                    surname if sex == idnumber.MALE else self.surname(),
                    ethnicity,
                    cause,
                )
            )
        return people

    # --- Households ---------------------------------------------------------------

    def household(self, seq: int, group_ids: list[int]) -> tuple[dict, list[dict], list[tuple[str, str, int, str]]]:
        r = self.rng
        cause = _weighted(r, CAUSE_WEIGHTS)
        ethnicity = _weighted(r, ETHNIC_WEIGHTS)
        others = [c for c in codes.CAUSE.keys if c not in (cause, "other")]
        extra = r.sample(others, r.choice((0, 1, 1, 2)))
        attribute = _weighted(r, {"general": 70, "dibao": 25, "tekun": 5})
        identified = _weighted(r, {2014: 75, 2015: 10, 2016: 10, 2017: 5})
        members = self.family(cause, ethnicity)
        if attribute == "tekun":
            members = members[:1]
        for m in members:
            m["dibao"] = 1 if attribute == "dibao" else 0
            m["tekun"] = 1 if attribute == "tekun" else 0
        # Status history to the end of 2020.
        events: list[tuple[str, str, int, str]] = [("identify", _day(r, identified, 10, 12), identified, "")]
        status, exit_year = "not_exited", None
        fate = r.random()
        if fate < 0.01:
            year = r.randint(identified + 1, 2020)
            events.append(("remove", _day(r, year, 3, 11), year, r.choice(names.REMOVE_REASONS)))
            status = "removed"
        elif fate < 0.92:
            exit_year = r.randint(min(identified + 1, 2020), 2020)
            events.append(
                ("exit", _day(r, exit_year, 11, 12), exit_year, "人均纯收入稳定超过扶贫标准，两不愁三保障达标")
            )
            status = "exited"
            if fate > 0.895 and exit_year < 2020:
                year = r.randint(exit_year + 1, 2020)
                events.append(("return", _day(r, year, 3, 10), year, r.choice(names.RETURN_REASONS)))
                status, exit_year = "returned", None
        bank_no = f"{r.randrange(10**19):019d}"
        hh = {
            "uuid": self.uuid(),
            "household_no": f"{self.code}{seq:04d}",
            "group_id": r.choice(group_ids),
            "address": "",
            "phone": f"1{r.choice('3578')}{r.randrange(10**9):09d}",
            "bank_name": r.choice(names.BANKS),
            "bank_account": bank_no,
            "standard": "national",
            "identified_year": identified,
            "attribute": attribute,
            "main_cause": cause,
            "other_cause1": extra[0] if extra else "",
            "other_cause2": extra[1] if len(extra) > 1 else "",
            "status": status,
            "exit_year": exit_year,
            "planned_exit_year": r.randint(max(identified + 1, 2016), 2020),
            "military_family": 1 if r.random() < 0.01 else 0,
            "only_child": 1 if r.random() < 0.03 else 0,
            "two_daughters": 1 if r.random() < 0.03 else 0,
            "farmland_mu": round(r.uniform(0.3, 6.0), 1),
            "irrigated_mu": round(r.uniform(0, 1.5), 1),
            "forest_mu": round(r.uniform(0, 10), 1),
            "returned_forest_mu": round(r.choice((0, 0, r.uniform(0, 3))), 1),
            "orchard_mu": round(r.choice((0, 0, r.uniform(0, 2))), 1),
            "pasture_mu": 0.0,
            "water_surface_mu": 0.0,
            "power_production": 1,
            "power_household": 1,
            "water_difficulty": 1 if r.random() < 0.1 else 0,
            "water_safe": 1 if status == "exited" or r.random() < 0.8 else 0,
            "broadcast_tv": 1,
            "distance_km": round(r.uniform(0, 5), 1),
            "road_type": r.choice(("dirt", "gravel", "cement", "cement")),
            "house_area": round(r.uniform(40, 160), 1),
            "dangerous_house": "no" if status == "exited" else r.choice(("no", "no", "c", "d")),
            "sanitary_toilet": r.choice((0, 1)),
            "fuel": r.choice(("firewood", "firewood", "coal", "clean")),
            "cooperative": r.choice((0, 1)),
        }
        return hh, members, events

    def incomes(self, hh: dict, size: int, years: list[int]) -> tuple[list[dict], list[dict]]:
        r = self.rng
        incomes, assurances = [], []
        for year in years:
            exited_by = hh["exit_year"] is not None and year >= hh["exit_year"]
            per_head = r.uniform(4300, 7500) if exited_by else r.uniform(1600, 3200)
            net = int(per_head * size * 100)
            wage = int(net * r.uniform(0.3, 0.7))
            business = int(net * r.uniform(0.1, 0.3))
            cost = int(business * r.uniform(0.1, 0.4))
            dibao = int(net * 0.15) if hh["attribute"] == "dibao" else 0
            eco = r.randrange(0, 60_000) if r.random() < 0.5 else 0
            pension = r.randrange(0, 120_000) if r.random() < 0.4 else 0
            prop = r.randrange(0, 50_000) if r.random() < 0.3 else 0
            other = max(net - (wage + business + prop + dibao + eco + pension - cost), 0)
            incomes.append(
                self.add(
                    "incomes",
                    {
                        "household_id": hh["id"],
                        "year": year,
                        "wage_fen": wage,
                        "business_fen": business,
                        "property_fen": prop,
                        "family_planning_fen": 0,
                        "dibao_fen": dibao,
                        "tekun_fen": 0,
                        "pension_fen": pension,
                        "eco_fen": eco,
                        "other_transfer_fen": other,
                        "business_cost_fen": cost,
                    },
                )
            )
            ok = 1 if exited_by else 0
            assurances.append(
                self.add(
                    "assurances",
                    {
                        "household_id": hh["id"],
                        "year": year,
                        "food": 1,
                        "clothing": 1,
                        "education": 1 if ok or r.random() < 0.9 else 0,
                        "medical": 1 if ok or r.random() < 0.9 else 0,
                        "housing": 1 if ok or hh["dangerous_house"] == "no" else 0,
                        "water": hh["water_safe"],
                        "note": "",
                        "dangerous_house": "no" if ok else (hh["dangerous_house"] or "no"),
                    },
                )
            )
        return incomes, assurances

    # --- Writing --------------------------------------------------------------

    def plan(self) -> dict[str, list[dict]]:
        r = self.rng
        village = self.add("villages", self.village().to_record())
        groups = [
            self.add("village_groups", {"village_id": village["id"], "name": f"{num}组", "sort_order": i})
            for i, num in enumerate(names.GROUP_NUMERALS[: r.randint(6, 12)])
        ]
        group_ids = [g["id"] for g in groups]
        group_names = {g["id"]: g["name"] for g in groups}
        plans = [self.household(i + 1, group_ids) for i in range(self.n)]
        events: list[dict] = []
        for hh, people, status_events in plans:
            hh["village_id"] = village["id"]
            hh["address"] = f"{village['township']}{village['name']}{group_names[hh['group_id']]}"
            self.add("households", hh)
            for i, m in enumerate(people):
                m.update(household_id=hh["id"], village_id=village["id"], sort_order=i)
                self.add("members", m)
            events.extend(
                self.add(
                    "status_events",
                    {"household_id": hh["id"], "kind": kind, "event_date": day, "year": year, "reason": reason},
                )
                for kind, day, year, reason in status_events
            )
            self.member_changes(people)
            years = sorted({hh["identified_year"], hh["exit_year"] or SNAPSHOT, SNAPSHOT})
            self.incomes(hh, len(people), years)
        self.assistance(village["id"], plans, events)
        self.ledgers(village, plans)
        return self.rows

    # --- The four ledgers -------------------------------------------------------------

    def ledgers(self, village: dict, plans: list) -> None:
        r = self.rng
        registered = [hh for hh, _, _ in plans if hh["status"] != "removed"]
        for year in range(2016, SNAPSHOT + 1):
            for _ in range(r.randint(1, 3)):
                category = r.choice(codes.PROJECT_CATEGORY.keys)
                start = dt.date(year, r.randint(3, 6), r.randint(1, 28))
                finish = start + dt.timedelta(days=r.randint(60, 240))
                funds = {c: 0 for c in codes.PROJECT_FUND_COLUMNS.values()}
                funds["fund_special_fen"] = r.randrange(50, 300) * 100_000
                if r.random() < 0.5:
                    funds["fund_integrated_fen"] = r.randrange(10, 100) * 100_000
                if r.random() < 0.3:
                    funds["fund_self_fen"] = r.randrange(1, 20) * 100_000
                budget = sum(funds.values())
                done = finish.year < SNAPSHOT or r.random() < 0.6
                project = self.add(
                    "projects",
                    {
                        "village_id": village["id"],
                        "name": f"{village['name']}{names.PROJECT_NAMES[category]}",
                        "category": category,
                        "year": year,
                        "place": village["name"],
                        "content": names.PROJECT_NAMES[category],
                        **funds,
                        "unit": r.choice(names.UNITS),
                        "responsible": self.surname() + self.given(idnumber.MALE),
                        "start_date": start.isoformat(),
                        "finish_date": finish.isoformat(),
                        "progress": 100 if done else r.randint(20, 90),
                        "status": "accepted" if done else "building",
                        "goal": "带动贫困户增收",
                        "mechanism": "吸纳贫困户务工、入股分红",
                        "subsidy_standard": "受益户每户补助 2000 元",
                    },
                )
                for hh in r.sample(registered, min(len(registered), r.randint(5, 20))):
                    self.add("project_beneficiaries", {"project_id": project["id"], "household_id": hh["id"]})
                paid, parts = 0, r.randint(2, 5)
                for i in range(parts):
                    share = budget // parts if r.random() < 0.97 else budget // parts + budget // 5
                    day = min(start + dt.timedelta(days=30 * (i + 1)), dt.date(SNAPSHOT, 12, 31))
                    self.add(
                        "disbursements",
                        {
                            "project_id": project["id"],
                            "pay_date": day.isoformat(),
                            "amount_fen": share,
                            "payee": project["unit"],
                            "voucher": f"记{year}-{r.randint(1, 999):03d}",
                            "purpose": "工程进度款",
                        },
                    )
                    paid += share
        team = [c for c in self.rows["cadres"] if c["on_team"]]
        day = dt.date(SNAPSHOT, 1, 1)
        while day.year == SNAPSHOT:
            if day.weekday() < 6:
                for c in team:
                    if r.random() < 0.88:
                        self.add("attendance", {"cadre_id": c["id"], "day": day.isoformat()})
                if day.weekday() == 4:
                    self.add(
                        "work_logs",
                        {
                            "village_id": village["id"],
                            "cadre_id": team[0]["id"],
                            "log_date": day.isoformat(),
                            "content": r.choice(names.WORK_LOG),
                        },
                    )
            day += dt.timedelta(days=1)
        for hh in registered:
            programmes = ["dibao"] if hh["attribute"] == "dibao" else []
            programmes += r.sample(
                ("education", "health", "eco", "industry_award", "public_job", "dividend"), r.choice((0, 1, 1, 2))
            )
            for programme in programmes:
                self.add(
                    "benefits",
                    {
                        "household_id": hh["id"],
                        "programme": programme,
                        "benefit_date": _day(r, r.choice((2019, 2020)), 1, 12),
                        "amount_fen": r.randrange(5, 60) * 10_000,
                        "source": "special",
                        "note": "",
                    },
                )
        for year in (2019, 2020):
            for kind in r.sample(codes.INSPECTION_KIND.keys, 2):
                inspection = self.add(
                    "inspections",
                    {
                        "village_id": village["id"],
                        "inspect_date": _day(r, year, 3, 10),
                        "kind": kind,
                        "body": r.choice(("县脱贫攻坚指挥部", "州扶贫办", "省第三方评估组", "县审计局")),
                        "note": "",
                    },
                )
                start = dt.date.fromisoformat(inspection["inspect_date"])
                for _ in range(r.randint(1, 3)):
                    deadline = start + dt.timedelta(days=r.randint(15, 90))
                    closed = r.random() < 0.75
                    self.add(
                        "problems",
                        {
                            "inspection_id": inspection["id"],
                            "description": r.choice(names.INSPECTION_PROBLEMS),
                            "measure": "逐户核实整改",
                            "responsible": team[0]["name"],
                            "deadline": deadline.isoformat(),
                            "completed_date": (deadline - dt.timedelta(days=r.randint(0, 10))).isoformat()
                            if closed
                            else None,
                            "completion_note": "已整改到位" if closed else "",
                        },
                    )

    # --- Assistance: the team, pairings with history, visits, plans, procedures -------------

    def cadre(self, village_id: int, roles: str, on_team: int, unit: str) -> dict:
        r = self.rng
        sex = idnumber.MALE if r.random() < 0.7 else idnumber.FEMALE
        age = r.randint(26, 55)
        return {
            "uuid": self.uuid(),
            "village_id": village_id,
            "name": self.surname() + self.given(sex),
            "sex": sex,
            "id_number": self.id_number(self.birth(age), sex),
            "unit": unit,
            "unit_type": "township" if unit.endswith("镇") else "party_gov",
            "position": r.choice(names.POSITIONS),
            "phone": f"1{r.choice('3578')}{r.randrange(10**9):09d}",
            "roles": roles,
            "on_team": on_team,
        }

    def assistance(self, village_id: int, plans: list, status_events: list[dict]) -> None:
        r = self.rng
        unit = r.choice(names.UNITS)
        team = [
            self.cadre(village_id, "first_secretary,team_leader", 1, unit),
            self.cadre(village_id, "team_member,pair_cadre", 1, unit),
            self.cadre(village_id, "team_member,pair_cadre", 1, unit),
            self.cadre(village_id, "contact_leader", 0, r.choice(names.UNITS)),
            self.cadre(village_id, "agri_tech", 0, "县农业农村局"),
        ]
        helpers = [self.cadre(village_id, "pair_cadre", 0, r.choice(names.UNITS)) for _ in range(max(2, self.n // 8))]
        rows = [self.add("cadres", c) for c in team + helpers]
        pair_ids = [c["id"] for c in rows if "pair_cadre" in c["roles"]]
        exit_dates = {e["household_id"]: e["event_date"] for e in status_events if e["kind"] == "exit"}
        pairings, visits, plan_rows, measure_plans, steps = [], [], [], [], []
        for hh, _people, _ in plans:
            if hh["status"] == "removed":
                continue
            start = _day(r, hh["identified_year"] + (1 if hh["identified_year"] < 2016 else 0), 1, 6)
            cadre = r.choice(pair_ids)
            if r.random() < 0.2:  # a change of cadre in 2018: history kept
                earlier = r.choice([c for c in pair_ids if c != cadre])
                pairings.append(
                    {
                        "household_id": hh["id"],
                        "cadre_id": earlier,
                        "start_date": start,
                        "end_date": "2018-02-28",
                        "end_reason": "帮扶干部工作调动",
                    }
                )
                start = "2018-03-01"
            pairings.append({"household_id": hh["id"], "cadre_id": cadre, "start_date": start})
            for _ in range(r.choice((1, 1, 2))):
                visits.append(
                    {
                        "household_id": hh["id"],
                        "cadre_id": cadre,
                        "visit_date": _day(r, r.choice((2019, 2020)), 1, 12),
                        "found": r.choice(names.VISIT_FOUND),
                        "done": r.choice(names.VISIT_DONE),
                        "next_step": r.choice(names.VISIT_NEXT),
                    }
                )
            year = hh["exit_year"] or SNAPSHOT
            plan_rows.append(
                {
                    "household_id": hh["id"],
                    "year": year,
                    "target_exit_year": hh["exit_year"] or SNAPSHOT,
                    "target_income_fen": r.randrange(4500, 6000) * 100,
                    "note": "",
                }
            )
            categories = [c for cause in (hh["main_cause"], hh["other_cause1"]) for c in CAUSE_MEASURES.get(cause, ())][
                :2
            ] or ["industry"]
            measure_plans.append((categories, hh["status"] == "exited", year))
            if hh["id"] in exit_dates and exit_dates[hh["id"]] >= f"{SNAPSHOT}-01-01":
                steps.extend(self.exit_steps(hh["id"], exit_dates[hh["id"]], hh["exit_year"]))
        for table, rows_ in (("pairings", pairings), ("visits", visits), ("plans", plan_rows)):
            for row in rows_:
                self.add(table, row)
        plan_ids = [p["id"] for p in plan_rows]
        measures = []
        for plan_id, (categories, done, year) in zip(plan_ids, measure_plans):
            for i, category in enumerate(categories):
                status = "done" if done else r.choice(("planned", "in_progress", "in_progress", "done"))
                measures.append(
                    {
                        "plan_id": plan_id,
                        "category": category,
                        "content": names.MEASURE_TEXT[category],
                        "responsible": "结对帮扶责任人",
                        "funds_fen": r.choice((0, 200_000, 500_000, 1_000_000)),
                        "funds_source": "special",
                        "deadline": f"{year}-{r.randint(6, 12):02d}-28",
                        "status": status,
                        "result": "已落实" if status == "done" else "",
                        "sort_order": i,
                    }
                )
        for table, rows_ in (("measures", measures), ("procedure_steps", steps)):
            for row in rows_:
                self.add(table, row)

    def exit_steps(self, household_id: int, exit_day: str, year: int) -> list[dict]:
        """The exit procedure of ``year`` that led up to a 标注脱贫 on ``exit_day``."""
        end = dt.date.fromisoformat(exit_day)
        plan = (
            ("review", 20, None),
            ("verify", 18, None),
            ("consent", 17, None),
            ("notice", 15, 9),
            ("announce", 7, None),
        )
        return [
            {
                "household_id": household_id,
                "procedure": "exit",
                "step": step,
                "start_date": (end - dt.timedelta(days=before)).isoformat(),
                "end_date": (end - dt.timedelta(days=last)).isoformat() if last else None,
                "year": year,
            }
            for step, before, last in plan
        ]

    def member_changes(self, people: list[dict]) -> None:
        """A few births and deaths after registration, recorded as events."""
        r = self.rng
        for m in people:
            roll = r.random()
            if roll < 0.01 and m["relation"] in ("father", "mother", "spouse") and m["birth_date"] < "1960":
                day = _day(r, r.randint(2016, 2020), 1, 12)
                m.update(left_date=day, left_kind="death")
                self.add(
                    "member_events",
                    {
                        "household_id": m["household_id"],
                        "member_id": m["id"],
                        "kind": "death",
                        "event_date": day,
                        "reason": "病故",
                    },
                )
            elif roll > 0.995 and m["relation"] in ("grandson", "granddaughter") and m["birth_date"] >= "2016":
                m["joined_date"] = m["birth_date"]
                self.add(
                    "member_events",
                    {
                        "household_id": m["household_id"],
                        "member_id": m["id"],
                        "kind": "birth",
                        "event_date": m["birth_date"],
                        "reason": "出生登记",
                    },
                )


# Demo figures only, so that the demo's exit check has lines to compare with; real lines are
# entered by the user (扶贫标准) and none are shipped.
DEMO_LINES_YUAN = {2014: 2800, 2015: 2900, 2016: 3100, 2017: 3300, 2018: 3500, 2019: 3700, 2020: 4000}


def _demo_poverty_lines(store: Store) -> None:
    store.writer.insert_many(
        "poverty_lines",
        [
            {"year": year, "province": PLACE[0], "line_fen": yuan * 100, "source": "演示数据（非官方标准）"}
            for year, yuan in DEMO_LINES_YUAN.items()
        ],
    )


K = TypeVar("K")


def _weighted(r: random.Random, weights: dict[K, int]) -> K:
    return r.choices(list(weights), weights=list(weights.values()))[0]


def _day(r: random.Random, year: int, first_month: int, last_month: int) -> str:
    return dt.date(year, r.randint(first_month, last_month), r.randint(1, 28)).isoformat()


def _schooling(r: random.Random, age: int) -> tuple[str, str]:
    """(在校生状况, 文化程度) for an age."""
    if age < 3:
        return "none", "preschool"
    if age < 6:
        return "preschool", "preschool"
    if age <= 11:
        return "primary", "primary"
    if age <= 14:
        return ("junior", "primary") if r.random() > 0.01 else (codes.DROPOUT, "primary")
    if age <= 15:
        return ("junior", "junior") if r.random() > 0.01 else (codes.DROPOUT, "primary")
    if age <= 18:
        return r.choice((("senior", "junior"), ("vocational", "junior"), ("none", "junior")))
    if age <= 22 and r.random() < 0.25:
        return r.choice((("higher_vocational", "senior"), ("bachelor", "senior")))
    if age > 60:
        return "none", r.choice(("illiterate", "illiterate", "primary"))
    return "none", r.choice(("primary", "junior", "junior", "junior", "senior"))


def _labour(r: random.Random, age: int, health: str) -> str:
    if age < 16:
        return "none"
    if health == "serious" or (health == "disabled" and r.random() < 0.5):
        return "lost"
    if age > 65:
        return r.choice(("weak", "lost", "none"))
    if health == "chronic":
        return "weak"
    return "skilled" if r.random() < 0.15 else "normal"
