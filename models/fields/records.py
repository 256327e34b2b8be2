"""The fields of every stored record kind (a table each), with the labels of the national form."""

from __future__ import annotations

from typing import Any

from models import codes
from models.config import EXIT_SETTINGS
from models.fields.spec import (
    CODE,
    CODES,
    DATE,
    DIGITS,
    FEN,
    FLAG,
    GROUP,
    HIDDEN,
    ID,
    INT,
    MACHINE,
    NOTE,
    PARTIAL,
    PHONE,
    REAL,
    REF,
    STATUS,
    STEP,
    TEXT,
    YEAR,
    Fields,
    FieldSpec,
)

F = FieldSpec
NAME_LENGTH = 50  # a person's name: 阿卜杜热合曼·阿卜杜克热木 fits with room to spare
PLACE_LENGTH = 50


def _ref(name: str, label: str, table: str, *, required: bool = True) -> FieldSpec:
    """A reference to another record (by id in the database, by UUID in the package)."""
    return F(name, label, REF, ref=table, required=required)


def _flag(name: str, label: str, *, known: bool = False, **kw: Any) -> FieldSpec:
    """A yes/no field; ``known``: always 是 or 否 (stored 0 when not said), else it may be unknown."""
    return F(name, label, FLAG, default=0 if known else None, **kw)


def _money(name: str, label: str, short: str = "", **kw: Any) -> FieldSpec:
    return F(name, label, FEN, default=0, unit="元", short=short, **kw)


def _area(name: str, label: str) -> FieldSpec:
    return F(name, label, REAL, low=0)


VILLAGE = Fields(
    "villages",
    "村情",
    "村",
    F("code", "村代码", DIGITS, required=True, max_length=12, width=14, placeholder="12位统计用区划代码"),
    F("province", "省", max_length=PLACE_LENGTH),
    F("city", "市", max_length=PLACE_LENGTH),
    F("county", "县", max_length=PLACE_LENGTH),
    F("township", "乡镇", max_length=PLACE_LENGTH),
    F("name", "村名", required=True, max_length=PLACE_LENGTH),
    _flag("is_poor_village", "贫困村", known=True),
    F("planned_exit_year", "计划退出年度", YEAR, ahead=10),
    F("actual_exit_year", "实际退出年度", YEAR),
    F("households_total", "总户数", INT, low=0),
    F("population_total", "总人口", INT, low=0),
    F("agri_population", "农业人口", INT, low=0),
    F("collective_income_fen", "村集体经济收入", FEN, unit="元"),
    _flag("hard_road", "通硬化路"),
    _flag("clinic", "有卫生室"),
    _flag("culture_room", "有文化室"),
    _flag("broadband", "通宽带"),
    _flag("safe_water", "饮水安全"),
    _flag("is_demo", "演示数据", known=True),
)

GROUP_FIELDS = Fields(
    "village_groups",
    "村民小组",
    "小组",
    _ref("village_id", "村", "villages"),
    F("name", "村民小组", required=True, max_length=30),
    F("sort_order", "排序", INT, default=0),
)

HOUSEHOLD = Fields(
    "households",
    "贫困户",
    "户",
    _ref("village_id", "村", "villages"),
    F("household_no", "户编号", DIGITS, required=True, max_length=30, width=18),
    F("group_id", "村民小组", GROUP),
    F("address", "住址"),
    F("phone", "联系电话", PHONE, mask=HIDDEN),
    F("bank_name", "开户银行", max_length=PLACE_LENGTH),
    F("bank_account", "银行账号", DIGITS, mask=HIDDEN, width=22),
    F("standard", "识别标准", CODE, codes.STANDARD, required=True),
    F("identified_year", "识别年度", YEAR, placeholder="如 2016"),
    F("attribute", "贫困户属性", CODE, codes.ATTRIBUTE, required=True),
    F("main_cause", "主要致贫原因", CODE, codes.CAUSE, required=True),
    F("other_cause1", "其他致贫原因一", CODE, codes.CAUSE),
    F("other_cause2", "其他致贫原因二", CODE, codes.CAUSE),
    F("status", "脱贫状态", STATUS, codes.STATUS),
    F("exit_year", "脱贫年度", YEAR),
    F("planned_exit_year", "计划脱贫年度", YEAR, ahead=10),
    _flag("military_family", "军烈属", known=True),
    _flag("only_child", "独生子女户", known=True),
    _flag("two_daughters", "双女户", known=True),
    _area("farmland_mu", "耕地面积(亩)"),
    _area("irrigated_mu", "有效灌溉面积(亩)"),
    _area("forest_mu", "林地面积(亩)"),
    _area("returned_forest_mu", "退耕还林面积(亩)"),
    _area("orchard_mu", "林果面积(亩)"),
    _area("pasture_mu", "牧草地面积(亩)"),
    _area("water_surface_mu", "水面面积(亩)"),
    _flag("power_production", "通生产用电"),
    _flag("power_household", "通生活用电"),
    _flag("water_difficulty", "饮水困难"),
    _flag("water_safe", "饮水安全"),
    _flag("broadcast_tv", "通广播电视"),
    _area("distance_km", "距村主干路(公里)"),
    F("road_type", "入户路类型", CODE, codes.ROAD),
    _area("house_area", "住房面积(㎡)"),
    F("dangerous_house", "危房", CODE, codes.DANGEROUS_HOUSE),
    _flag("sanitary_toilet", "卫生厕所"),
    F("fuel", "主要燃料", CODE, codes.FUEL),
    _flag("cooperative", "加入农民专业合作社"),
    F("resettlement", "易地扶贫搬迁安置方式", CODE, codes.RESETTLEMENT, since=2),
    F("resettlement_site", "安置点", max_length=100, since=2),
    F("moved_date", "搬迁入住日期", DATE, since=2),
    F("house_area_per_person", "搬迁后人均住房面积(㎡)", REAL, low=0, since=2),
    F("relocation_subsidy_fen", "人均搬迁补助", FEN, unit="元", since=2),
)

MEMBER = Fields(
    "members",
    "家庭成员",
    "成员",
    _ref("household_id", "户", "households"),
    _ref("village_id", "村", "villages"),
    F("name", "姓名", required=True, max_length=NAME_LENGTH, width=10),
    F("sex", "性别", CODE, codes.SEX),
    F("name_pinyin", "姓名拼音", MACHINE),
    F("name_initials", "姓名首字母", MACHINE),
    F("id_type", "证件类型", CODE, codes.ID_TYPE, required=True),
    F("id_number", "证件号码", ID, mask=PARTIAL),
    F("birth_date", "出生日期", DATE, default="", placeholder="yyyy-MM-dd"),
    F("relation", "与户主关系", CODE, codes.RELATION, required=True),
    F("ethnicity", "民族", CODE, codes.ETHNICITY),
    F("politics", "政治面貌", CODE, codes.POLITICS),
    F("education", "文化程度", CODE, codes.EDUCATION),
    F("school_status", "在校生状况", CODE, codes.SCHOOL),
    F("dropout_reason", "失学辍学原因"),
    _flag("compulsory_done", "已完成初中学业", since=2),
    F("health", "健康状况", CODES, codes.HEALTH, mask=HIDDEN),
    F("disability_kind", "残疾类别", CODE, codes.DISABILITY_KIND, mask=HIDDEN),
    F("disability_grade", "残疾等级", CODE, codes.DISABILITY_GRADE, mask=HIDDEN),
    F("labour", "劳动技能", CODE, codes.LABOUR),
    F("work_status", "务工状况", CODE, codes.WORK),
    F("work_months", "务工时间(月)", INT, low=0, high=12),
    _flag("medical_insurance", "城乡居民基本医疗保险"),
    _flag("serious_illness_insurance", "大病保险"),
    _flag("pension_insurance", "城乡居民基本养老保险"),
    _flag("dibao", "享受低保", known=True, mask=HIDDEN),
    _flag("tekun", "特困供养", known=True, mask=HIDDEN),
    _flag("soldier", "现役军人", known=True),
    F("joined_date", "加入日期", DATE),
    F("left_date", "减少日期", DATE),
    F("left_kind", "减少原因", CODE, codes.MEMBER_LEAVE),
    F("sort_order", "排序", INT, default=0),
)

INCOME = Fields(
    "incomes",
    "收入",
    "收入",
    _ref("household_id", "户", "households"),
    F("year", "年度", YEAR, required=True),
    _money("wage_fen", "工资性收入", "工资性"),
    _money("business_fen", "生产经营性收入", "生产经营性"),
    _money("property_fen", "财产性收入", "财产性"),
    _money("family_planning_fen", "计划生育金"),
    _money("dibao_fen", "低保金"),
    _money("tekun_fen", "特困供养金"),
    _money("pension_fen", "养老保险金"),
    _money("eco_fen", "生态补偿金"),
    _money("other_transfer_fen", "其他转移性收入"),
    _money("business_cost_fen", "生产经营性支出", "生产经营支出"),
    # Computed from the items and the members counted that year.
    _money("transfer_fen", "转移性收入", "转移性", stored=False),
    _money("net_fen", "纯收入", stored=False),
    F("size", "家庭人口", INT, short="人口", unit="人", stored=False),
    _money("per_capita_fen", "人均纯收入", stored=False),
)

ASSURANCE = Fields(
    "assurances",
    "两不愁三保障",
    "两不愁三保障",
    _ref("household_id", "户", "households"),
    F("year", "年度", YEAR, required=True),
    _flag("food", "不愁吃"),
    _flag("clothing", "不愁穿"),
    _flag("education", "义务教育有保障"),
    _flag("medical", "基本医疗有保障"),
    _flag("housing", "住房安全有保障"),
    _flag("water", "饮水安全有保障"),
    F("note", "备注", NOTE, max_length=500),
    F("dangerous_house", "该年危房", CODE, codes.DANGEROUS_HOUSE, since=2),
)

MEMBER_YEAR = Fields(
    "member_years",
    "成员年度情况",
    "成员年度",
    _ref("member_id", "成员", "members"),
    _ref("household_id", "户", "households"),
    F("year", "年度", YEAR, required=True),
    F("school_status", "该年在校生状况", CODE, codes.SCHOOL),
    _flag("compulsory_done", "已完成初中学业"),
    _flag("medical_insurance", "该年参加基本医疗保险"),
)

VILLAGE_YEAR = Fields(
    "village_years",
    "村年度人口",
    "村年度",
    _ref("village_id", "村", "villages"),
    F("year", "年度", YEAR, required=True),
    F("population_total", "该年总人口", INT, low=0),
    F("agri_population", "该年农业人口", INT, low=0),
)

STATUS_EVENT = Fields(
    "status_events",
    "状态变更",
    "状态变更",
    _ref("household_id", "户", "households"),
    F("kind", "变更类型", CODE, codes.STATUS_EVENT, required=True),
    F("event_date", "日期", DATE, required=True),
    F("year", "年度", YEAR, required=True),
    F("reason", "原因", max_length=200),
    F("override_reason", "未通过核查的说明", NOTE, max_length=500),
)

MEMBER_EVENT = Fields(
    "member_events",
    "人员变更",
    "人员变更",
    _ref("household_id", "户", "households"),
    _ref("member_id", "成员", "members"),
    F("kind", "变更类型", CODE, codes.MEMBER_EVENT, required=True),
    F("event_date", "日期", DATE, required=True),
    F("reason", "原因", max_length=200),
)

PROCEDURE_STEP = Fields(
    "procedure_steps",
    "程序步骤",
    "步骤",
    _ref("household_id", "户", "households"),
    F("procedure", "程序", CODE, codes.PROCEDURE, required=True),
    F("step", "步骤", STEP, required=True),
    F("start_date", "开始日期", DATE, required=True),
    F("end_date", "结束日期", DATE, future=True, short="公示截止"),
    F("note", "备注", max_length=500),
    F("year", "所属年度", YEAR, ahead=1, since=2),
)

CADRE = Fields(
    "cadres",
    "帮扶干部",
    "干部",
    _ref("village_id", "村", "villages"),
    F("name", "姓名", required=True, max_length=NAME_LENGTH, width=10),
    F("sex", "性别", CODE, codes.SEX),
    F("id_number", "证件号码", ID, mask=PARTIAL),
    F("unit", "单位"),
    F("unit_type", "单位类型", CODE, codes.UNIT_TYPE),
    F("position", "职务", max_length=PLACE_LENGTH),
    F("phone", "联系电话", PHONE),  # a work phone: cadres are public officials (shown on notices)
    F("roles", "角色", CODES, codes.CADRE_ROLE),
    _flag("on_team", "驻村工作队成员", known=True, short="驻村工作队"),
    F("left_date", "离开日期", DATE),
)

PAIRING = Fields(
    "pairings",
    "结对帮扶",
    "结对",
    _ref("household_id", "户", "households"),
    _ref("cadre_id", "帮扶责任人", "cadres"),
    F("start_date", "开始日期", DATE, required=True, short="结对开始"),
    F("end_date", "结束日期", DATE),
    F("end_reason", "结束原因", max_length=200),
)

VISIT = Fields(
    "visits",
    "走访记录",
    "走访",
    _ref("household_id", "户", "households"),
    _ref("cadre_id", "走访干部", "cadres"),
    F("visit_date", "走访日期", DATE, required=True),
    F("found", "发现的情况", NOTE, max_length=1000),
    F("done", "做了什么", NOTE, max_length=1000),
    F("next_step", "下一步", NOTE, max_length=1000),
)

PLAN = Fields(
    "plans",
    "一户一策",
    "计划",
    _ref("household_id", "户", "households"),
    F("year", "年度", YEAR, required=True, ahead=1),
    F("target_exit_year", "目标脱贫年度", YEAR, ahead=10),
    F("target_income_fen", "目标人均纯收入", FEN, unit="元", placeholder="元/人"),
    F("note", "备注", NOTE, max_length=1000),
)

MEASURE = Fields(
    "measures",
    "帮扶措施",
    "措施",
    _ref("plan_id", "计划", "plans"),
    F("category", "措施类别", CODE, codes.MEASURE_CATEGORY, required=True),
    F("content", "措施内容", NOTE, max_length=500),
    _ref("member_id", "对象成员", "members", required=False),
    _ref("cadre_id", "责任干部", "cadres", required=False),
    F("responsible", "责任人或单位"),
    F("funds_fen", "资金(元)", FEN, default=0, unit="元"),
    F("funds_source", "资金来源", CODE, codes.FUND_SOURCE),
    F("deadline", "完成期限", DATE, future=True),
    F("status", "状态", CODE, codes.MEASURE_STATUS, required=True),
    F("result", "实施结果", NOTE, max_length=500),
    F("sort_order", "排序", INT, default=0),
)

POVERTY_LINE = Fields(
    "poverty_lines",
    "扶贫标准",
    "扶贫标准",
    F("year", "年度", YEAR, required=True, low=2010, ahead=1),
    F("province", "省份", required=True, max_length=PLACE_LENGTH),
    F("line_fen", "扶贫标准", FEN, required=True, positive=True, unit="元"),
    F("source", "来源", max_length=200, placeholder="文件名称或文号"),
)

SETTING = Fields(
    "settings",
    "设置",
    "设置",
    F("key", "设置项", MACHINE),
    F("value", "设置值", MACHINE),
)

# The settings as the settings dialog names them (a view; kept here because the county's copy
# of a village's settings names its keys by these labels).
CONFIG = Fields(
    "config",
    "核查设置",
    "设置",
    F("required_roles", "必须有的帮扶力量", TEXT),
    F("exit_criteria", "贫困户退出标准", TEXT),
    F("notice_days", "公示天数不少于", INT, unit="天"),
    F("funds_notice_days", "项目资金公示天数不少于", INT, unit="天"),
    F("enforce_procedures", "识别、退出、返贫、清退前必须完成程序", FLAG),
    F("return_steps", "返贫程序步骤", TEXT),
    F("remove_steps", "清退程序步骤", TEXT),
    F("incidence_max_permille", "贫困发生率不高于", INT, unit="‰"),
    F("village_requirements", "贫困村退出还须具备", TEXT),
    F("collective_income_min_fen", "村集体经济收入不低于", FEN, unit="元"),
    F("min_attendance_days", "驻村工作队员每月在村不少于", INT, unit="天"),
    F("loan_max_fen", "小额信贷金额不超过", FEN, unit="元"),
    F("loan_max_months", "小额信贷期限不超过", INT, unit="月"),
    F("local_hotline", "本地监督电话", TEXT),
    F("pdf_font", "PDF 字体文件（TrueType）", TEXT),
    F("county_folder", "县级汇总文件夹（不含本村数据）", FLAG),
    F("idle_lock_minutes", "无人操作多久后锁定窗口", INT, unit="分钟"),
)

# What a village's package carries of the rules it applied: its poverty lines and its exit
# settings, kept by the county per village (package format 3).
SETTING_KEY = codes.CodeList("设置项", tuple((k, CONFIG.label(k)) for k in EXIT_SETTINGS))

VILLAGE_POVERTY_LINE = Fields(
    "village_poverty_lines",
    "村用扶贫标准",
    "村扶贫标准",
    _ref("village_id", "村", "villages"),
    *POVERTY_LINE.specs(),
)

VILLAGE_SETTING = Fields(
    "village_settings",
    "村用设置",
    "村设置",
    _ref("village_id", "村", "villages"),
    F("key", "设置项", CODE, SETTING_KEY, required=True),
    F("value", "设置值", required=True, max_length=2000),
)

PROJECT = Fields(
    "projects",
    "扶贫项目",
    "项目",
    _ref("village_id", "村", "villages"),
    F("name", "项目名称", required=True, max_length=200),
    F("category", "项目类别", CODE, codes.PROJECT_CATEGORY),
    F("year", "年度", YEAR, required=True, ahead=2),
    F("place", "实施地点", max_length=200),
    F("content", "建设内容与规模", NOTE, max_length=1000),
    F("subsidy_standard", "补助标准", max_length=200, placeholder="如：每户补助 2000 元", since=2),
    *(_money(column, codes.FUND_SOURCE.label(key)) for key, column in codes.PROJECT_FUND_COLUMNS.items()),
    F("unit", "实施单位"),
    F("responsible", "责任人", max_length=NAME_LENGTH),
    F("start_date", "开工日期", DATE, future=True),
    F("finish_date", "完工日期", DATE, future=True),
    F("progress", "进度", INT, default=0, low=0, high=100, unit="%"),
    F("status", "状态", CODE, codes.PROJECT_STATUS, required=True),
    F("goal", "绩效目标", NOTE, max_length=500),
    F("mechanism", "带贫减贫机制", NOTE, max_length=500),
    _money("total_fen", "总投资", stored=False),
)

BENEFICIARY = Fields(
    "project_beneficiaries",
    "项目受益户",
    "受益户",
    _ref("project_id", "项目", "projects"),
    _ref("household_id", "受益户", "households"),
)

DISBURSEMENT = Fields(
    "disbursements",
    "资金拨付",
    "拨付",
    _ref("project_id", "项目", "projects"),
    F("pay_date", "拨付日期", DATE, required=True),
    _money("amount_fen", "金额", positive=True),
    F("payee", "收款方"),
    F("voucher", "凭证号", max_length=50),
    F("purpose", "用途"),
)

ATTENDANCE = Fields(
    "attendance",
    "驻村考勤",
    "考勤",
    _ref("cadre_id", "驻村工作队员", "cadres"),
    F("day", "日期", DATE, required=True),
    F("note", "备注"),
)

WORK_LOG = Fields(
    "work_logs",
    "工作日志",
    "日志",
    _ref("village_id", "村", "villages"),
    _ref("cadre_id", "记录人", "cadres", required=False),
    F("log_date", "日期", DATE, required=True),
    F("content", "内容", NOTE, required=True, max_length=2000),
)

BENEFIT = Fields(
    "benefits",
    "享受政策",
    "政策",
    _ref("household_id", "户", "households"),
    _ref("member_id", "享受人", "members", required=False),
    F("programme", "帮扶项目", CODE, codes.PROGRAMME, required=True),
    F("benefit_date", "日期", DATE, required=True),
    _money("amount_fen", "金额", positive=True),
    F("source", "资金来源", CODE, codes.FUND_SOURCE),
    F("note", "备注"),
    F("school", "就读学校", max_length=100, since=2),  # 雨露计划
    F("grade", "年级", max_length=20, placeholder="如：中职二年级", since=2),
    F("term", "学期", CODE, codes.TERM, since=2),
)

LOAN = Fields(
    "loans",
    "小额信贷",
    "贷款",
    _ref("household_id", "户", "households"),
    _ref("member_id", "借款人", "members", required=False),
    F("bank", "放贷银行", required=True, max_length=100),
    _money("amount_fen", "贷款金额", positive=True),
    F("loan_date", "放款日期", DATE, required=True),
    F("due_date", "到期日期", DATE, required=True, future=True),
    F("term_months", "期限(月)", INT, required=True, low=1, high=120, unit="月"),
    _flag("interest_subsidy", "财政贴息"),
    F("status", "还款情况", CODE, codes.LOAN_STATUS, required=True),
    F("note", "备注"),
)

INSPECTION = Fields(
    "inspections",
    "督查考核",
    "检查",
    _ref("village_id", "村", "villages"),
    F("inspect_date", "检查日期", DATE, required=True),
    F("kind", "检查类型", CODE, codes.INSPECTION_KIND, required=True),
    F("body", "检查单位"),
    F("note", "备注", NOTE, max_length=1000),
)

FINDING = Fields(
    "problems",
    "整改问题",
    "问题",
    _ref("inspection_id", "检查", "inspections"),
    F("description", "发现的问题", NOTE, required=True, max_length=1000),
    F("measure", "整改措施", NOTE, max_length=1000),
    F("responsible", "责任人", max_length=NAME_LENGTH),
    F("deadline", "整改期限", DATE, required=True, future=True),
    F("completed_date", "完成日期", DATE),
    F("completion_note", "完成情况", NOTE, max_length=1000),
    F("state", "整改状态", CODE, codes.PROBLEM_STATUS, stored=False),
)

NOTICE = Fields(
    "notices",
    "公示",
    "公示",
    _ref("village_id", "村", "villages"),
    F("kind", "公示类别", CODE, codes.NOTICE_KIND, required=True),
    F("year", "年度", YEAR, required=True, ahead=1),
    F("start_date", "公示开始", DATE, required=True, future=True),
    F("end_date", "公示结束", DATE, required=True, future=True),
    F("content", "公示内容", MACHINE),
)

IMPORT = Fields(
    "imports",
    "导入记录",
    "导入",
    _ref("village_id", "村", "villages"),
    F("file_name", "文件", max_length=255),
    F("exported_at", "导出时间", MACHINE),
    F("checksum", "校验值", MACHINE),
    F("software", "软件版本", MACHINE),
    F("format_version", "格式版本", MACHINE),
    _flag("accepted_modified", "接受改动", known=True),
    F("changes", "变更", MACHINE),
)

CHAIN_ANCHOR = Fields(
    "chain_anchors",
    "变更记录锚点",
    "锚点",
    _ref("village_id", "村", "villages"),
    _ref("import_id", "导入记录", "imports"),
    F("length", "变更记录条数", INT, required=True),
    F("head", "变更记录末条哈希", MACHINE),
    _flag("signed", "已签名", known=True),
    _flag("rebased", "接受改写", known=True),
)

AUDIT = Fields(
    "audit_log",
    "变更记录",
    "记录",
    F("at", "时间", MACHINE),
    F("actor", "操作人", MACHINE),
    F("action", "操作", MACHINE),
    F("table_name", "对象", MACHINE),
    F("record_id", "记录", INT),
    F("record_uuid", "记录UUID", MACHINE),
    F("before", "修改前", MACHINE),
    F("after", "修改后", MACHINE),
    F("hash", "校验值", MACHINE),  # the chain's hash after this entry (storage/chain.py)
)

AUDIT_ACKNOWLEDGEMENT = Fields(
    "audit_acknowledgements",
    "变更记录确认",
    "确认",
    F("finding", "确认的问题", MACHINE),
    F("sentence", "问题", MACHINE),
    F("actor", "确认人", MACHINE),
)

OPERATOR = Fields(
    "operators",
    "操作员",
    "操作员",
    F("name", "操作员", required=True, max_length=NAME_LENGTH),
    F("roles", "角色", MACHINE),
    _flag("disabled", "已停用", known=True),
    F("password_set_at", "密码设置时间", MACHINE),
)

DISCLOSURE = Fields(
    "disclosures",
    "完整号码导出记录",
    "导出",
    F("what", "导出内容", MACHINE),
    F("rows", "行数", INT, required=True),
    F("file_name", "文件", max_length=255),
)

UPGRADE_REPORT = Fields(
    "upgrade_reports",
    "升级记录",
    "升级记录",
    F("migration", "升级步骤", MACHINE),
    F("report", "整理结果", MACHINE),
)

RECORDS: dict[str, Fields] = {
    f.table: f
    for f in (
        VILLAGE,
        GROUP_FIELDS,
        HOUSEHOLD,
        MEMBER,
        INCOME,
        ASSURANCE,
        MEMBER_YEAR,
        VILLAGE_YEAR,
        STATUS_EVENT,
        MEMBER_EVENT,
        PROCEDURE_STEP,
        CADRE,
        PAIRING,
        VISIT,
        PLAN,
        MEASURE,
        POVERTY_LINE,
        SETTING,
        OPERATOR,
        DISCLOSURE,
        VILLAGE_POVERTY_LINE,
        VILLAGE_SETTING,
        PROJECT,
        BENEFICIARY,
        DISBURSEMENT,
        ATTENDANCE,
        WORK_LOG,
        BENEFIT,
        LOAN,
        INSPECTION,
        FINDING,
        NOTICE,
        IMPORT,
        CHAIN_ANCHOR,
        AUDIT,
        AUDIT_ACKNOWLEDGEMENT,
        UPGRADE_REPORT,
    )
}

# Every record also has these, which the write path fills.
COMMON = (
    F("id", "编号", INT),
    F("uuid", "UUID", MACHINE),
    F("created_at", "创建时间", MACHINE),
    F("updated_at", "修改时间", MACHINE),
)
