"""The numbered schema migrations. Never edit, rename or reorder one that has shipped."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database, Migrations

from models import idnumber
from models.errors import NewerDatabase, NotADatabase
from models.storage import sql
from models.storage.audit import AuditedWriter
from models.storage.cleanup import ACTOR, clean_stored_text, report_json
from models.storage.year_facts import seed_member_years, seed_village_years

migrations = Migrations("cundang")

_COMMON = """
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL"""


def _id_number_ok(column: str) -> str:
    """SQL that is true when ``column`` starts with a GB 11643 number whose check character is right.

    Kept in the schema so that no writer, not even a raw SQL one, stores a mistyped number. The
    weights and check characters are models/idnumber.py's (the SQL is the same as when 0001
    shipped; tests/models/test_id_rule.py holds the two to the same answers)."""
    total = " + ".join(f"substr({column}, {i + 1}, 1) * {w}" for i, w in enumerate(idnumber.WEIGHTS))
    return (
        f"(substr({column}, 1, 18) GLOB '[1-8]{'[0-9]' * 16}[0-9X]'"
        f" AND substr('{idnumber.CHECK_CHARACTERS}', ({total}) % 11 + 1, 1) = substr({column}, 18, 1))"
    )


def _never_deleted(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} are never deleted'); END"
    )


def _run(db: Database, *statements: str) -> None:
    for statement in statements:
        db.execute(statement)


@migrations(name="0001_register")
def _0001_register(db: Database) -> None:
    _run(
        db,
        f"""CREATE TABLE villages ({_COMMON},
            code TEXT NOT NULL UNIQUE CHECK (length(code) = 12),
            province TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '',
            county TEXT NOT NULL DEFAULT '', township TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL,
            is_poor_village INTEGER NOT NULL DEFAULT 1,
            planned_exit_year INTEGER, actual_exit_year INTEGER,
            households_total INTEGER, population_total INTEGER, agri_population INTEGER,
            collective_income_fen INTEGER,
            hard_road INTEGER, clinic INTEGER, culture_room INTEGER, broadband INTEGER, safe_water INTEGER,
            is_demo INTEGER NOT NULL DEFAULT 0)""",
        f"""CREATE TABLE village_groups ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            name TEXT NOT NULL, sort_order INTEGER NOT NULL DEFAULT 0,
            UNIQUE (village_id, name))""",
        f"""CREATE TABLE households ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            household_no TEXT NOT NULL,
            group_id INTEGER REFERENCES village_groups(id),
            address TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
            bank_name TEXT NOT NULL DEFAULT '', bank_account TEXT NOT NULL DEFAULT '',
            standard TEXT NOT NULL DEFAULT 'national', identified_year INTEGER,
            attribute TEXT NOT NULL DEFAULT 'general',
            main_cause TEXT NOT NULL DEFAULT '', other_cause1 TEXT NOT NULL DEFAULT '',
            other_cause2 TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '', exit_year INTEGER, planned_exit_year INTEGER,
            military_family INTEGER NOT NULL DEFAULT 0, only_child INTEGER NOT NULL DEFAULT 0,
            two_daughters INTEGER NOT NULL DEFAULT 0,
            farmland_mu REAL, irrigated_mu REAL, forest_mu REAL, returned_forest_mu REAL,
            orchard_mu REAL, pasture_mu REAL, water_surface_mu REAL,
            power_production INTEGER, power_household INTEGER, water_difficulty INTEGER,
            water_safe INTEGER, broadcast_tv INTEGER, distance_km REAL,
            road_type TEXT NOT NULL DEFAULT '', house_area REAL,
            dangerous_house TEXT NOT NULL DEFAULT '', sanitary_toilet INTEGER,
            fuel TEXT NOT NULL DEFAULT '', cooperative INTEGER,
            UNIQUE (village_id, household_no))""",
        "CREATE INDEX households_village_status ON households(village_id, status)",
        "CREATE INDEX households_group ON households(group_id)",
        f"""CREATE TABLE members ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            village_id INTEGER NOT NULL REFERENCES villages(id),
            name TEXT NOT NULL, sex TEXT NOT NULL DEFAULT '',
            name_pinyin TEXT NOT NULL DEFAULT '', name_initials TEXT NOT NULL DEFAULT '',
            id_type TEXT NOT NULL DEFAULT 'resident', id_number TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL DEFAULT '', relation TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '01', politics TEXT NOT NULL DEFAULT 'masses',
            education TEXT NOT NULL DEFAULT '', school_status TEXT NOT NULL DEFAULT '',
            dropout_reason TEXT NOT NULL DEFAULT '', health TEXT NOT NULL DEFAULT '',
            disability_kind TEXT NOT NULL DEFAULT '', disability_grade TEXT NOT NULL DEFAULT '',
            labour TEXT NOT NULL DEFAULT '', work_status TEXT NOT NULL DEFAULT '',
            work_months INTEGER,
            medical_insurance INTEGER, serious_illness_insurance INTEGER, pension_insurance INTEGER,
            dibao INTEGER NOT NULL DEFAULT 0, tekun INTEGER NOT NULL DEFAULT 0,
            soldier INTEGER NOT NULL DEFAULT 0,
            joined_date TEXT, left_date TEXT, left_kind TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0,
            CONSTRAINT members_id_number_valid CHECK (
                id_number = ''
                OR (id_type = 'other' AND NOT (length(id_number) = 18 AND id_number GLOB '{"[0-9]" * 17}[0-9X]'))
                OR (id_type IN ('resident', 'other') AND length(id_number) = 18 AND {_id_number_ok("id_number")})
                OR (id_type = 'disability' AND length(id_number) = 20 AND substr(id_number, 19) GLOB '[0-9][0-9]'
                    AND {_id_number_ok("id_number")})))""",
        "CREATE INDEX members_household ON members(household_id)",
        "CREATE INDEX members_village ON members(village_id, left_date)",
        # One registration per person in a village, among current members: a disability card
        # number is the ID number and two digits, so the person is its first 18 characters.
        """CREATE UNIQUE INDEX members_one_registration ON members(village_id, substr(id_number, 1, 18))
            WHERE left_date IS NULL AND id_number <> '' AND id_type IN ('resident', 'disability')""",
        "CREATE INDEX members_id_number ON members(id_number)",
        # Exactly one head: at most one here, at least one checked by the rules.
        """CREATE UNIQUE INDEX members_one_head ON members(household_id)
            WHERE left_date IS NULL AND relation = 'head'""",
        f"""CREATE TABLE incomes ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            year INTEGER NOT NULL,
            wage_fen INTEGER NOT NULL DEFAULT 0, business_fen INTEGER NOT NULL DEFAULT 0,
            property_fen INTEGER NOT NULL DEFAULT 0, family_planning_fen INTEGER NOT NULL DEFAULT 0,
            dibao_fen INTEGER NOT NULL DEFAULT 0, tekun_fen INTEGER NOT NULL DEFAULT 0,
            pension_fen INTEGER NOT NULL DEFAULT 0, eco_fen INTEGER NOT NULL DEFAULT 0,
            other_transfer_fen INTEGER NOT NULL DEFAULT 0, business_cost_fen INTEGER NOT NULL DEFAULT 0,
            UNIQUE (household_id, year))""",
        f"""CREATE TABLE assurances ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            year INTEGER NOT NULL,
            food INTEGER, clothing INTEGER, education INTEGER, medical INTEGER,
            housing INTEGER, water INTEGER, note TEXT NOT NULL DEFAULT '',
            UNIQUE (household_id, year))""",
        f"""CREATE TABLE status_events ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            kind TEXT NOT NULL, event_date TEXT NOT NULL, year INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX status_events_household ON status_events(household_id)",
        f"""CREATE TABLE member_events ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            kind TEXT NOT NULL, event_date TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX member_events_household ON member_events(household_id)",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
            table_name TEXT NOT NULL, record_id INTEGER, record_uuid TEXT,
            before TEXT, after TEXT)""",
        "CREATE INDEX audit_log_record ON audit_log(record_uuid)",
        # The record of changes is itself never changed.
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
        _never_deleted("audit_log"),
        *(_never_deleted(t) for t in ("villages", "households", "members", "status_events", "member_events")),
    )


@migrations(name="0002_assistance")
def _0002_assistance(db: Database) -> None:
    _run(
        db,
        f"""CREATE TABLE cadres ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            name TEXT NOT NULL, sex TEXT NOT NULL DEFAULT '', id_number TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '', unit_type TEXT NOT NULL DEFAULT '', position TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '', roles TEXT NOT NULL DEFAULT '',
            on_team INTEGER NOT NULL DEFAULT 0, left_date TEXT)""",
        "CREATE INDEX cadres_village ON cadres(village_id)",
        f"""CREATE TABLE pairings ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            cadre_id INTEGER NOT NULL REFERENCES cadres(id),
            start_date TEXT NOT NULL, end_date TEXT, end_reason TEXT NOT NULL DEFAULT '',
            CHECK (end_date IS NULL OR end_date >= start_date))""",
        "CREATE INDEX pairings_household ON pairings(household_id, start_date)",
        "CREATE INDEX pairings_cadre ON pairings(cadre_id)",
        # At most one open pairing per household; overlaps of closed ones are checked by the rules.
        "CREATE UNIQUE INDEX pairings_one_current ON pairings(household_id) WHERE end_date IS NULL",
        f"""CREATE TABLE visits ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            cadre_id INTEGER NOT NULL REFERENCES cadres(id),
            visit_date TEXT NOT NULL, found TEXT NOT NULL DEFAULT '', done TEXT NOT NULL DEFAULT '',
            next_step TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX visits_household ON visits(household_id, visit_date)",
        "CREATE INDEX visits_cadre ON visits(cadre_id, visit_date)",
        f"""CREATE TABLE plans ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            year INTEGER NOT NULL, target_exit_year INTEGER, target_income_fen INTEGER CHECK (target_income_fen >= 0),
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (household_id, year))""",
        f"""CREATE TABLE measures ({_COMMON},
            plan_id INTEGER NOT NULL REFERENCES plans(id),
            category TEXT NOT NULL, content TEXT NOT NULL DEFAULT '',
            member_id INTEGER REFERENCES members(id), cadre_id INTEGER REFERENCES cadres(id),
            responsible TEXT NOT NULL DEFAULT '',
            funds_fen INTEGER NOT NULL DEFAULT 0 CHECK (funds_fen >= 0), funds_source TEXT NOT NULL DEFAULT '',
            deadline TEXT, status TEXT NOT NULL DEFAULT 'planned', result TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0)""",
        "CREATE INDEX measures_plan ON measures(plan_id)",
        f"""CREATE TABLE poverty_lines ({_COMMON},
            year INTEGER NOT NULL, province TEXT NOT NULL, line_fen INTEGER NOT NULL CHECK (line_fen > 0),
            source TEXT NOT NULL DEFAULT '',
            UNIQUE (year, province))""",
        f"""CREATE TABLE settings ({_COMMON}, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL)""",
        f"""CREATE TABLE procedure_steps ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            procedure TEXT NOT NULL, step TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT,
            note TEXT NOT NULL DEFAULT '',
            CHECK (end_date IS NULL OR end_date >= start_date))""",
        "CREATE INDEX procedure_steps_household ON procedure_steps(household_id, procedure)",
        "ALTER TABLE status_events ADD COLUMN override_reason TEXT NOT NULL DEFAULT ''",
        *(_never_deleted(t) for t in ("cadres", "pairings", "procedure_steps")),
    )


@migrations(name="0003_ledgers")
def _0003_ledgers(db: Database) -> None:
    funds = ", ".join(
        f"fund_{k}_fen INTEGER NOT NULL DEFAULT 0 CHECK (fund_{k}_fen >= 0)"
        for k in ("special", "integrated", "social", "credit", "self")
    )
    _run(
        db,
        f"""CREATE TABLE projects ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            name TEXT NOT NULL, category TEXT NOT NULL DEFAULT '', year INTEGER NOT NULL,
            place TEXT NOT NULL DEFAULT '', content TEXT NOT NULL DEFAULT '', {funds},
            unit TEXT NOT NULL DEFAULT '', responsible TEXT NOT NULL DEFAULT '',
            start_date TEXT, finish_date TEXT, progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
            status TEXT NOT NULL DEFAULT 'planned', goal TEXT NOT NULL DEFAULT '', mechanism TEXT NOT NULL DEFAULT '',
            CHECK (finish_date IS NULL OR start_date IS NULL OR finish_date >= start_date))""",
        "CREATE INDEX projects_village ON projects(village_id, year)",
        f"""CREATE TABLE project_beneficiaries ({_COMMON},
            project_id INTEGER NOT NULL REFERENCES projects(id),
            household_id INTEGER NOT NULL REFERENCES households(id),
            UNIQUE (project_id, household_id))""",
        f"""CREATE TABLE disbursements ({_COMMON},
            project_id INTEGER NOT NULL REFERENCES projects(id),
            pay_date TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            payee TEXT NOT NULL DEFAULT '', voucher TEXT NOT NULL DEFAULT '', purpose TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX disbursements_project ON disbursements(project_id, pay_date)",
        f"""CREATE TABLE attendance ({_COMMON},
            cadre_id INTEGER NOT NULL REFERENCES cadres(id), day TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
            UNIQUE (cadre_id, day))""",
        f"""CREATE TABLE work_logs ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id), cadre_id INTEGER REFERENCES cadres(id),
            log_date TEXT NOT NULL, content TEXT NOT NULL)""",
        "CREATE INDEX work_logs_village ON work_logs(village_id, log_date)",
        f"""CREATE TABLE benefits ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id), member_id INTEGER REFERENCES members(id),
            programme TEXT NOT NULL, benefit_date TEXT NOT NULL,
            amount_fen INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
            source TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX benefits_household ON benefits(household_id, benefit_date)",
        f"""CREATE TABLE inspections ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            inspect_date TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE problems ({_COMMON},
            inspection_id INTEGER NOT NULL REFERENCES inspections(id),
            description TEXT NOT NULL, measure TEXT NOT NULL DEFAULT '', responsible TEXT NOT NULL DEFAULT '',
            deadline TEXT NOT NULL, completed_date TEXT, completion_note TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX problems_inspection ON problems(inspection_id)",
    )


@migrations(name="0004_notices")
def _0004_notices(db: Database) -> None:
    _run(
        db,
        f"""CREATE TABLE notices ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            kind TEXT NOT NULL, year INTEGER NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL,
            content TEXT NOT NULL,
            CHECK (end_date >= start_date))""",
        "CREATE INDEX notices_village ON notices(village_id, kind, start_date)",
        _never_deleted("notices"),
    )


@migrations(name="0005_imports")
def _0005_imports(db: Database) -> None:
    """The county's record of each village package it took (or accepted although modified)."""
    _run(
        db,
        f"""CREATE TABLE imports ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            file_name TEXT NOT NULL, exported_at TEXT NOT NULL, checksum TEXT NOT NULL,
            software TEXT NOT NULL DEFAULT '', format_version TEXT NOT NULL,
            accepted_modified INTEGER NOT NULL DEFAULT 0, changes TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX imports_village ON imports(village_id, exported_at)",
        _never_deleted("imports"),
    )


@migrations(name="0006_clean_text")
def _0006_clean_text(db: Database) -> None:
    """Stored text brought up to the normaliser (control characters, spaces, full-width digits,
    over-long text), each change audited; what was done is kept in upgrade_reports for the clerk."""
    _run(
        db,
        f"""CREATE TABLE upgrade_reports ({_COMMON},
            migration TEXT NOT NULL, report TEXT NOT NULL)""",
    )
    report = clean_stored_text(db)
    AuditedWriter(db, ACTOR).insert("upgrade_reports", {"migration": "0006_clean_text", "report": report_json(report)})


@migrations(name="0007_compulsory_done")
def _0007_compulsory_done(db: Database) -> None:
    """Whether a member has finished 初中 (文化程度 is the level reached, not a diploma): a 非在校生
    aged 6-15 meets compulsory education only when they have (§3)."""
    _run(db, "ALTER TABLE members ADD COLUMN compulsory_done INTEGER CHECK (compulsory_done IN (0, 1))")


@migrations(name="0008_round_year")
def _0008_round_year(db: Database) -> None:
    """A procedure round belongs to one year (§3): each step keeps its round's year. Rounds
    already recorded take the year their first step began in (a round ends at its last step or
    when stopped), audited."""
    _run(
        db,
        "ALTER TABLE procedure_steps ADD COLUMN year INTEGER",
        "UPDATE procedure_steps SET year = CAST(substr(start_date, 1, 4) AS INTEGER)",
    )
    writer = AuditedWriter(db, ACTOR)  # a round that ran over New Year keeps its first step's year
    rounds: dict[tuple[int, str], int | None] = {}
    fixed = 0
    for sid, household, procedure, step, year in db.execute(
        "SELECT id, household_id, procedure, step, year FROM procedure_steps ORDER BY start_date, id"
    ).fetchall():
        key = (household, procedure)
        first = rounds.get(key) or year
        if first != year:
            writer.update("procedure_steps", sid, {"year": first})
            fixed += 1
        rounds[key] = None if step in ("stop", "announce") else first
    report = {"changed": [["procedure_steps", "year", "round_year", fixed]] if fixed else [], "kept": []}
    writer.insert("upgrade_reports", {"migration": "0008_round_year", "report": report_json(report)})


@migrations(name="0009_year_facts")
def _0009_year_facts(db: Database) -> None:
    """The facts a year's exit check reads are kept per year (年度动态调整, §3): members' school
    status, 初中 finished and insurance; the household's 危房 with that year's 两不愁三保障; the
    village's population. Every year already recorded is given the facts known today, audited,
    and the upgrade report says so."""
    _run(
        db,
        f"""CREATE TABLE member_years ({_COMMON},
            member_id INTEGER NOT NULL REFERENCES members(id),
            household_id INTEGER NOT NULL REFERENCES households(id),
            year INTEGER NOT NULL,
            school_status TEXT NOT NULL DEFAULT '',
            compulsory_done INTEGER CHECK (compulsory_done IN (0, 1)),
            medical_insurance INTEGER CHECK (medical_insurance IN (0, 1)),
            UNIQUE (member_id, year))""",
        "CREATE INDEX member_years_household ON member_years(household_id, year)",
        f"""CREATE TABLE village_years ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            year INTEGER NOT NULL,
            population_total INTEGER, agri_population INTEGER,
            UNIQUE (village_id, year))""",
        "ALTER TABLE assurances ADD COLUMN dangerous_house TEXT NOT NULL DEFAULT ''",
    )
    writer = AuditedWriter(db, ACTOR)
    seeded = seed_member_years(db, writer)  # each member's facts as known today, from their first year
    villages = seed_village_years(db, writer)
    houses = db.execute(
        """SELECT a.id, h.dangerous_house FROM assurances a JOIN households h ON h.id = a.household_id
           WHERE h.dangerous_house <> ''"""
    ).fetchall()
    for aid, house in houses:
        writer.update("assurances", aid, {"dangerous_house": house})
    report = {
        "changed": [
            ["member_years", "school_status", "year_facts", seeded],
            ["village_years", "agri_population", "year_facts", villages],
            ["assurances", "dangerous_house", "year_facts", len(houses)],
        ],
        "kept": [],
    }
    writer.insert("upgrade_reports", {"migration": "0009_year_facts", "report": report_json(report)})


@migrations(name="0010_subsidy_standard")
def _0010_subsidy_standard(db: Database) -> None:
    """补助标准 of a project: the 项目资金公示 shows it (§3, seeds 001 and 004)."""
    _run(db, "ALTER TABLE projects ADD COLUMN subsidy_standard TEXT NOT NULL DEFAULT ''")


@migrations(name="0011_yulu")
def _0011_yulu(db: Database) -> None:
    """雨露计划 as its own benefit: the student's school, grade and term (seed 002)."""
    _run(
        db,
        "ALTER TABLE benefits ADD COLUMN school TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE benefits ADD COLUMN grade TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE benefits ADD COLUMN term TEXT NOT NULL DEFAULT ''",
    )


@migrations(name="0012_relocation")
def _0012_relocation(db: Database) -> None:
    """易地扶贫搬迁 facts per household (seed 000): 安置方式, 安置点, the move, area and subsidy."""
    _run(
        db,
        "ALTER TABLE households ADD COLUMN resettlement TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE households ADD COLUMN resettlement_site TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE households ADD COLUMN moved_date TEXT",
        "ALTER TABLE households ADD COLUMN house_area_per_person REAL CHECK (house_area_per_person >= 0)",
        "ALTER TABLE households ADD COLUMN relocation_subsidy_fen INTEGER CHECK (relocation_subsidy_fen >= 0)",
    )


@migrations(name="0013_loans")
def _0013_loans(db: Database) -> None:
    """扶贫小额信贷 records: bank, amount, dates, term, 贴息, repayment (seed 001)."""
    _run(
        db,
        f"""CREATE TABLE loans ({_COMMON},
            household_id INTEGER NOT NULL REFERENCES households(id),
            member_id INTEGER REFERENCES members(id),
            bank TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
            loan_date TEXT NOT NULL, due_date TEXT NOT NULL, term_months INTEGER NOT NULL CHECK (term_months > 0),
            interest_subsidy INTEGER CHECK (interest_subsidy IN (0, 1)),
            status TEXT NOT NULL DEFAULT 'current', note TEXT NOT NULL DEFAULT '',
            CHECK (due_date >= loan_date))""",
        "CREATE INDEX loans_household ON loans(household_id)",
    )


@migrations(name="0014_village_rules")
def _0014_village_rules(db: Database) -> None:
    """What a village's package says of the rules it applied (its poverty lines and exit
    settings), kept by the county per village."""
    _run(
        db,
        f"""CREATE TABLE village_poverty_lines ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            year INTEGER NOT NULL, province TEXT NOT NULL, line_fen INTEGER NOT NULL CHECK (line_fen > 0),
            source TEXT NOT NULL DEFAULT '',
            UNIQUE (village_id, year, province))""",
        f"""CREATE TABLE village_settings ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            key TEXT NOT NULL, value TEXT NOT NULL,
            UNIQUE (village_id, key))""",
    )


@migrations(name="0015_operators")
def _0015_operators(db: Database) -> None:
    """Who may use the folder: each operator's name, roles (codes.ROLE keys, comma-separated) and
    whether they are disabled. Passwords and keys live in the folder's keyring, never here."""
    _run(
        db,
        f"""CREATE TABLE operators ({_COMMON},
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            roles TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
            password_set_at TEXT NOT NULL DEFAULT '')""",
        _never_deleted("operators"),
        # Each time someone exported full ID, phone or bank numbers (a list is masked by default).
        f"""CREATE TABLE disclosures ({_COMMON},
            what TEXT NOT NULL, rows INTEGER NOT NULL, file_name TEXT NOT NULL DEFAULT '')""",
        _never_deleted("disclosures"),
    )


@migrations(name="0016_audit_chain")
def _0016_audit_chain(db: Database) -> None:
    """Every audit entry gets its hash, chained in id order (models/storage/chain.py); an update's
    entry keeps only the columns it changed, an insert's after and a delete's before only the
    record's image (without the id, uuid and times the entry holds itself), as the writer now
    writes them. Nothing is lost: what is left out is the entry's own or an earlier entry's. And
    the table of the findings a 管理员 has acknowledged."""
    from models.storage import chain

    guard = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_log_no_update'")
    no_update = guard.fetchone()
    db.execute("ALTER TABLE audit_log ADD COLUMN hash BLOB")
    if no_update:
        db.execute("DROP TRIGGER audit_log_no_update")
    own = " AND ".join(
        f"json_extract({{0}}, '$.{c}') IS {e}" for c, e in (("id", "record_id"), ("uuid", "record_uuid"))
    )
    times = " AND ".join(f"json_extract({{0}}, '$.{c}') IS at" for c in ("created_at", "updated_at"))
    meta = ", ".join(f"'$.{c}'" for c in chain.META)
    image = (  # a delete's times are its earlier entries' (an older insert whose times differ keeps them)
        f"CASE WHEN {own} AND (action = 'delete' OR {times}) THEN json_remove({{0}}, {meta}) ELSE {{0}} END"
    )
    changed = (  # {0}'s columns whose value {1} does not have (updated_at is the entry's at)
        "(SELECT json_group_object(x.key, x.value) FROM json_each({0}) x WHERE x.key <> 'updated_at'"
        " AND (json_type({1}, x.fullkey) IS NOT x.type OR json_extract({1}, x.fullkey) IS NOT x.value))"
    )
    before = f"CASE action WHEN 'update' THEN {changed.format('before', 'after')} ELSE {image.format('before')} END"
    after = f"CASE action WHEN 'update' THEN {changed.format('after', 'before')} ELSE {image.format('after')} END"
    chain.register(db.conn)
    head, last = chain.GENESIS, db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    for low in range(1, last + 1, 65536):  # a range at a time: SQLite holds one range's rows, not the file's
        where = {"low": low, "high": low + 65535}
        db.execute(f"UPDATE audit_log SET before = {before}, after = {after} WHERE id BETWEEN :low AND :high", where)
        # In id order (an UPDATE visits a rowid range in order), so each hash links the one before.
        statement = chain.statement_args(db)[0]
        db.execute(
            f"UPDATE audit_log SET hash = {chain.next_sql(*chain.COLUMNS)} WHERE id BETWEEN :low AND :high",
            {**where, "statement": statement, "head": head},
        )
        found = db.execute("SELECT hash FROM audit_log WHERE id <= :high ORDER BY id DESC LIMIT 1", where).fetchone()
        head = found[0] if found else head
    if no_update:
        db.execute(no_update[0])
    _run(  # what a 管理员 has acknowledged of what chain.verify finds
        db,
        f"""CREATE TABLE {chain.ACKNOWLEDGED} ({_COMMON},
            finding TEXT NOT NULL, sentence TEXT NOT NULL, actor TEXT NOT NULL)""",
        _never_deleted(chain.ACKNOWLEDGED),
    )


@migrations(name="0017_chain_anchors")
def _0017_chain_anchors(db: Database) -> None:
    """The county's anchors of each village's audit chain: the chain's length and head hash each
    imported package carried, signed or not, and whether the county accepted a chain that did not
    extend the earlier ones (``rebased``); a later package must extend them."""
    _run(
        db,
        f"""CREATE TABLE chain_anchors ({_COMMON},
            village_id INTEGER NOT NULL REFERENCES villages(id),
            import_id INTEGER NOT NULL REFERENCES imports(id),
            length INTEGER NOT NULL CHECK (length >= 0),
            head TEXT NOT NULL,
            signed INTEGER NOT NULL DEFAULT 0 CHECK (signed IN (0, 1)),
            rebased INTEGER NOT NULL DEFAULT 0 CHECK (rebased IN (0, 1)))""",
        "CREATE INDEX chain_anchors_village ON chain_anchors(village_id, id)",
        _never_deleted("chain_anchors"),
    )


KNOWN = tuple(m.name for m in migrations._migrations)


def applied_migrations(conn: sql.Connection, path: Path, tables: set[str]) -> list[str]:
    """The migrations a 村档 file has had; NotADatabase for another program's SQLite file,
    NewerDatabase for one a newer 村档 wrote (its data file or a backup of it)."""
    if "_sqlite_migrations" not in tables:
        raise NotADatabase(path=path)
    applied = [
        r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'cundang' ORDER BY id")
    ]
    unknown = [name for name in applied if name not in KNOWN]
    if unknown:
        raise NewerDatabase(path=path, unknown=unknown)
    return applied
