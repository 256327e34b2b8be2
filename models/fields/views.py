"""Fields of what is shown but not stored as such: lists, ledgers, checks, reports and settings.

A view reuses a record's field where it shows one (so the label is the record's) and describes
only what it computes: 户主, 人口, 已拨付, 差额 …"""

from __future__ import annotations

from models import codes
from models.access import MIN_PASSWORD
from models.fields import records as r
from models.fields.spec import CODE, DATE, FEN, INT, TEXT, YEAR, Fields, FieldSpec

F = FieldSpec
H, M, C, P = r.HOUSEHOLD, r.MEMBER, r.CADRE, r.PROJECT

HEAD = F("head", "户主", TEXT, width=10)
SIZE = F("size", "人口", INT, unit="人")
HELPER = F("helper", "帮扶责任人", TEXT, width=10)
VILLAGE_CODE = r.VILLAGE["code"]
VILLAGE_NAME = r.VILLAGE["name"]
TOWNSHIP = r.VILLAGE["township"]

MEMBER_STATE = F("state", "状态", TEXT)  # 现有, or how and when the member left

REGISTER = Fields(
    "register",
    "贫困户名单",
    "户",
    H["household_no"],
    HEAD,
    F("group", H.label("group_id"), TEXT),
    SIZE,
    H["attribute"],
    H["main_cause"],
    H["status"],
    HELPER,
    F("head_id_number", "户主证件号码", "id_number", mask="partial"),
    H["phone"],
    H["address"],
)

# The ledgers' computed columns (models/services/ledger_tables.py).
DISBURSED = F("disbursed_fen", "已拨付", FEN, unit="元")
BENEFICIARIES = F("beneficiaries", "受益户数", INT, unit="户")
WARNINGS = F("warnings", "提示", TEXT)
MONTH = F("month", "月份", INT, unit="月")
TEAM_MEMBER = F("cadre", "驻村工作队员", TEXT)
DAYS = F("days", "在村天数", INT, unit="天")
MINIMUM = F("minimum", "要求不少于", INT, unit="天")
SHORT = F("short", "差额", INT, unit="天")
LEDGERS = Fields(
    "ledgers", "台账", "台账", DISBURSED, BENEFICIARIES, WARNINGS, MONTH, TEAM_MEMBER, DAYS, MINIMUM, SHORT
)

# The notices' columns: what a notice may show (masked), in its order.
MAIN_CAUSE = H["main_cause"]
PER_CAPITA = F("per_capita_fen", "{year}年人均纯收入", FEN, unit="元")
NOTICE_PEOPLE = (
    HEAD,
    F("head_id_number", "身份证号（部分隐藏）", "id_number", mask="partial"),
    F("group", H.label("group_id"), TEXT),
    F("size", "家庭人口", INT),
    H["attribute"],
)
# Cadres are public officials: their work phone is on the board (a household's never is).
CADRE_PHONE = F("cadre_phone", "帮扶责任人电话", TEXT)
NOTICE_PAIRING = (HEAD, F("group", H.label("group_id"), TEXT), HELPER, C["unit"], CADRE_PHONE, r.PAIRING["start_date"])
NOTICE_FUNDS = (
    P["name"],
    P["place"],
    P["content"],
    P["subsidy_standard"],
    P["total_fen"],
    F("sources", "资金来源", TEXT),
    F("period", "实施期限", TEXT),
    F("unit_and_person", "实施单位及责任人", TEXT),
    P["goal"],
    P["mechanism"],
)
NOTICES = Fields(
    "notice_columns",
    "公示",
    "公示",
    *NOTICE_PEOPLE[:4],
    PER_CAPITA,
    CADRE_PHONE,
    *(f for f in NOTICE_FUNDS if not f.stored or f.name in ("sources", "period", "unit_and_person")),
)

# The cadres' list: what each cadre carries now.
CADRE_LIST = Fields(
    "cadre_list", "帮扶干部", "干部", F("load", "当前结对户数", INT, unit="户"), F("state", "状态", TEXT)
)

VISIT_WHO = F("who", "户 / 干部 / 日期", TEXT)  # the visit form's first row: three choices side by side
LEAVING = F("member", "减少的成员", TEXT)  # 人员变更: who leaves
NEW_HEAD = F("new_head", "新户主", TEXT)  # and who heads the household then
FORMS = Fields("form_rows", "表单", "表单", VISIT_WHO, LEAVING, NEW_HEAD)

# 一户一策 overview: each household's plan for the year.
PLAN_OVERVIEW = Fields(
    "plan_overview",
    "本年度计划",
    "计划",
    H["status"],
    F("measures", "措施", INT, unit="条"),
    F("done", "已完成", INT, unit="条"),
    F("overdue", "逾期", INT, unit="条"),
)

# The exit check, household by household (the criteria are the code list's labels).
EXIT_CHECK = Fields(
    "exit_check",
    "退出核查",
    "核查",
    H["household_no"],
    HEAD,
    H["status"],
    *(F(key, label, TEXT) for key, label in codes.EXIT_CRITERION.items),
    F("verdict", "结论", TEXT),
)

# A county's view of the lines its villages' packages carried, beside its own.
_PL = r.POVERTY_LINE
REPORTED_LINES = Fields(
    "reported_lines",
    "各村上报的扶贫标准",
    "标准",
    VILLAGE_CODE,
    VILLAGE_NAME,
    _PL["year"],
    _PL["province"],
    F("line_fen", "村里用的标准", FEN, unit="元"),
    F("county_fen", "县里的标准", FEN, unit="元"),
)

CONFIG = r.CONFIG  # in records: the county's copy of a village's settings names them too

MEMBERS = Fields("member_list", "家庭成员", "成员", MEMBER_STATE)

# A household's change history (the audit log as a clerk reads it).
A = r.AUDIT
HISTORY = Fields(
    "history",
    "变更记录",
    "记录",
    A["at"],
    A["actor"],
    A["table_name"],
    A["action"],
    F("change", "变更内容（原 → 新）", TEXT),
)

# 公示与打印: what the clerk chooses before printing.
PRINT_CHOICES = Fields(
    "print_choices",
    "打印",
    "打印",
    F("document", "文件", TEXT),
    F("year", "年度", YEAR),
    F("households", "户（户档案、明白卡）", TEXT),
    F("start", "公示开始", DATE),
    F("end", "公示结束", DATE),
)

# A problem found in a file the county or a village reads: where it is, and what.
PROBLEMS = Fields(
    "problems",
    "问题清单",
    "问题",
    F("file", "文件", TEXT),
    F("sheet", "工作表", TEXT),
    F("row", "行", INT),
    F("column", "列", TEXT),
    F("value", "值", TEXT),
    F("problem", "问题", TEXT),
    F("level", "级别", TEXT),
)

# The county import, package by package.
IMPORT_RESULTS = Fields(
    "import_results",
    "导入结果",
    "上报包",
    F("file", "文件", TEXT),
    VILLAGE_CODE,
    VILLAGE_NAME,
    F("exported_at", "导出时间", TEXT),
    F("result", "结果", TEXT),
    F("errors", "错误", INT),
    F("warnings", "提醒", INT),
    F("added", "新增", INT),
    F("changed", "修改", INT),
    F("removed", "删除", INT),
)

# 全县概况: each village as the county last imported it.
COUNTY_OVERVIEW = Fields(
    "county_overview",
    "全县概况",
    "村",
    VILLAGE_CODE,
    TOWNSHIP,
    VILLAGE_NAME,
    F("imported_at", "最近导入", TEXT),
    F("exported_at", "上报包导出时间", TEXT),
    F("registered", "建档立卡户", INT),
    F("members", "在册人口", INT),
    F("poor", "未脱贫户", INT),
    F("out", "已脱贫户", INT),
    F("open_findings", "未整改问题", INT),
    F("duplicates", "重复登记人员", INT),
)
DUPLICATES = Fields(
    "duplicates", "多村重复登记", "人员", M["id_number"], F("villages", "登记的村数", INT), F("places", "各处", TEXT)
)

# The county summary workbook's main sheet: counts now, the year's incidence, funds of all years.
NOW, ALL_YEARS = "现在", "各年合计,元"
COUNTY_SUMMARY = Fields(
    "county_summary",
    "各村汇总",
    "村",
    VILLAGE_CODE,
    TOWNSHIP,
    VILLAGE_NAME,
    *(F(f"status_{key}", label, INT, unit=NOW) for key, label in codes.STATUS.items),
    F("registered", "建档立卡户", INT, unit=NOW),
    F("members", "在册人口", INT, unit=NOW),
    F("poor_people", "{year}年末贫困人口", INT),
    r.VILLAGE["agri_population"],
    F("incidence", "{year}年末贫困发生率", TEXT, unit="%"),
    *(F(column, P.label(column), FEN, unit=ALL_YEARS) for column in codes.PROJECT_FUND_COLUMNS.values()),
    F("funds", "项目资金合计", FEN, unit=ALL_YEARS),
    F("open_findings", "未整改问题", INT, unit=NOW),
)

# 迎检资料's first page: the village at a glance.
BINDER_OVERVIEW = Fields(
    "binder_overview",
    "村情概况与主要数据",
    "村",
    VILLAGE_CODE,
    F("place", "所在", TEXT),
    F("registered", "建档立卡户", INT, unit="户"),
    F("members", "现有人口", INT, unit="人"),
    *(F(f"status_{key}", label, INT, unit="户") for key, label in codes.STATUS.items),
    F("incidence", "贫困发生率（年末）", TEXT),
    r.VILLAGE["agri_population"],
    F("overdue_loans", "小额信贷逾期", INT, unit="笔"),
)

STUDY = F("study", "就读学校·年级·学期", TEXT)  # 雨露计划's student, in the 扶贫专项台账
LEDGER_COLUMNS = Fields("ledger_columns", "台账", "台账", STUDY)

# 标注脱贫 over a failed exit check: shown wherever the household's exit is (screen, file, binder).
OVERRIDES = Fields(
    "exit_overrides",
    "例外标注（退出核查未通过而标注脱贫）",
    "例外",
    H["household_no"],
    HEAD,
    F("exit_year", H.label("exit_year"), YEAR),
    r.STATUS_EVENT["event_date"],
    r.STATUS_EVENT["override_reason"],
    F("actor", "记录人", TEXT),
)

# The county package's manifest (format 1: these texts are the file format; never rename them).
MANIFEST = Fields(
    "manifest",
    "清单",
    "清单",
    F("village_code", "村代码", CODE),
    F("village", "村名", TEXT),
    F("exported_at", "导出时间", TEXT),
    F("software", "软件版本", TEXT),
    F("format", "格式版本", TEXT),
    F("checksum", "校验值", TEXT, unit="SHA-256"),
    F("sheet", "工作表", TEXT),
    F("rows", "行数", INT),
    F("row_hash", "行校验值", TEXT),  # the hidden last column of each data sheet
)

# The login, first-管理员, password and operators forms (issue 15).
ACCOUNT = Fields(
    "account",
    "操作员登录",
    "操作员",
    F("name", "用户名", TEXT),
    F("password", "密码", TEXT),
    F("new_password", f"密码（至少 {MIN_PASSWORD} 个字符）", TEXT),
    F("again", "再输入一次", TEXT),
    F("old_password", "原密码", TEXT),
    F("roles", "同时担任", TEXT),
    F("new_operator", "新操作员", TEXT),
    F("recovery_key", "恢复密钥", TEXT),
    F("administrator", "管理员", TEXT),
)

VIEWS: dict[str, Fields] = {
    v.table: v
    for v in (
        REGISTER,
        ACCOUNT,
        LEDGERS,
        MEMBERS,
        NOTICES,
        CADRE_LIST,
        FORMS,
        PLAN_OVERVIEW,
        EXIT_CHECK,
        CONFIG,
        HISTORY,
        PRINT_CHOICES,
        PROBLEMS,
        IMPORT_RESULTS,
        COUNTY_OVERVIEW,
        DUPLICATES,
        COUNTY_SUMMARY,
        BINDER_OVERVIEW,
        LEDGER_COLUMNS,
        OVERRIDES,
        MANIFEST,
        REPORTED_LINES,
    )
}
