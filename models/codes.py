"""The code lists: every coded value's stable key and its one Chinese label."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import UnknownCode


@dataclass(frozen=True)
class CodeList:
    """An ordered list of (key, label). Keys are stored; labels are shown."""

    name: str
    items: tuple[tuple[str, str], ...]
    # Lookups made from the items once, in __post_init__.
    _by_key: dict[str, str] = field(init=False, repr=False, compare=False)
    _by_label: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = [k for k, _ in self.items]
        labels = [lab for _, lab in self.items]
        if len(set(keys)) != len(keys) or len(set(labels)) != len(labels):
            raise ValueError(f"code list {self.name} repeats a key or label")
        object.__setattr__(self, "_by_key", dict(self.items))
        object.__setattr__(self, "_by_label", {lab: k for k, lab in self.items})

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.items)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(lab for _, lab in self.items)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def label(self, key: str | None) -> str:
        """The label of ``key``; an empty key has an empty label."""
        if key is None or key == "":
            return ""
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownCode(list_name=self.name, value=key) from None

    def key(self, label: str) -> str:
        """The key whose label is ``label`` (surrounding spaces ignored)."""
        try:
            return self._by_label[label.strip()]
        except KeyError:
            raise UnknownCode(list_name=self.name, value=label) from None

    def check(self, key: str | None, *, allow_empty: bool = True) -> None:
        """Raise UnknownCode unless ``key`` is in the list (or empty and allowed)."""
        if (key is None or key == "") and allow_empty:
            return
        if key not in self:
            raise UnknownCode(list_name=self.name, value=str(key))


def _numbered(name: str, labels: str) -> CodeList:
    """A list whose keys are two-digit numbers in the order given."""
    return CodeList(name, tuple((f"{i:02d}", lab) for i, lab in enumerate(labels.split(), 1)))


# --- Village and household --------------------------------------------------

SEX = CodeList("性别", (("1", "男"), ("2", "女")))

ID_TYPE = CodeList("证件类型", (("resident", "居民身份证"), ("disability", "残疾人证"), ("other", "其他证件")))

STANDARD = CodeList("识别标准", (("national", "国家标准"), ("province", "省定标准"), ("city", "市定标准")))

ATTRIBUTE = CodeList(
    "贫困户属性",
    (
        ("general", "一般贫困户"),
        ("dibao", "低保贫困户"),
        ("tekun", "特困供养贫困户"),
        # Older data from before 2016 uses these two.
        ("wubao_old", "五保户"),
        ("dibao_old", "低保户"),
    ),
)

CAUSE = CodeList(
    "致贫原因",
    (
        ("illness", "因病"),
        ("disability", "因残"),
        ("schooling", "因学"),
        ("disaster", "因灾"),
        ("land", "缺土地"),
        ("water", "缺水"),
        ("skills", "缺技术"),
        ("labour", "缺劳力"),
        ("capital", "缺资金"),
        ("transport", "交通条件落后"),
        ("motivation", "自身发展动力不足"),
        ("marriage", "因婚"),
        ("funeral", "因丧"),
        ("other", "其他"),
    ),
)

STATUS = CodeList(
    "脱贫状态",
    (("not_exited", "未脱贫"), ("exited", "已脱贫"), ("returned", "返贫"), ("removed", "已清退")),
)

UNIDENTIFIED = "未识别"  # a household with no identification event yet


def status_label(key: str) -> str:
    return STATUS.label(key) if key else UNIDENTIFIED


STATUS_EVENT = CodeList(
    "状态变更",
    (("identify", "识别"), ("exit", "标注脱贫"), ("return", "返贫登记"), ("remove", "清退")),
)

ROAD = CodeList("入户路类型", (("dirt", "泥土路"), ("gravel", "砂石路"), ("cement", "水泥路"), ("asphalt", "沥青路")))

DANGEROUS_HOUSE = CodeList("危房", (("no", "否"), ("c", "C级"), ("d", "D级")))

LOAN_STATUS = CodeList("还款情况", (("current", "正常还款"), ("repaid", "已还清"), ("overdue", "逾期")))

RESETTLEMENT = CodeList("安置方式", (("central", "集中安置"), ("scattered", "分散安置")))

FUEL = CodeList(
    "主要燃料",
    (("firewood", "柴草"), ("dung", "干畜粪"), ("coal", "煤炭"), ("clean", "清洁能源"), ("other", "其他燃料")),
)

# --- Member ----------------------------------------------------------------

HEAD = "head"

RELATION = CodeList(
    "与户主关系",
    (
        (HEAD, "户主"),
        ("spouse", "配偶"),
        ("son", "之子"),
        ("daughter", "之女"),
        ("daughter_in_law", "之儿媳"),
        ("son_in_law", "之女婿"),
        ("grandson", "之孙子"),
        ("granddaughter", "之孙女"),
        ("daughters_son", "之外孙子"),
        ("daughters_daughter", "之外孙女"),
        ("father", "之父"),
        ("mother", "之母"),
        ("wifes_father", "之岳父"),
        ("wifes_mother", "之岳母"),
        ("husbands_father", "之公公"),
        ("husbands_mother", "之婆婆"),
        ("grandfather", "之祖父"),
        ("grandmother", "之祖母"),
        ("mothers_father", "之外祖父"),
        ("mothers_mother", "之外祖母"),
        ("sibling", "之兄弟姐妹"),
        ("other", "其他"),
    ),
)

# The sex a relation to the head names (之子 is a son): a member of the other sex is mistyped.
RELATION_SEX: dict[str, str] = {
    "son": "1",
    "daughter": "2",
    "daughter_in_law": "2",
    "son_in_law": "1",
    "grandson": "1",
    "granddaughter": "2",
    "daughters_son": "1",
    "daughters_daughter": "2",
    "father": "1",
    "mother": "2",
    "wifes_father": "1",
    "wifes_mother": "2",
    "husbands_father": "1",
    "husbands_mother": "2",
    "grandfather": "1",
    "grandmother": "2",
    "mothers_father": "1",
    "mothers_mother": "2",
}
SPOUSE = "spouse"

# GB 3304 order, so the two-digit keys are the national codes.
ETHNICITY = _numbered(
    "民族",
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族",
)

POLITICS = CodeList(
    "政治面貌",
    (
        ("cpc", "中共党员"),
        ("cpc_probation", "中共预备党员"),
        ("cyl", "共青团员"),
        ("democratic", "民主党派成员"),
        ("independent", "无党派人士"),
        ("masses", "群众"),
    ),
)

EDUCATION = CodeList(
    "文化程度",
    (
        ("illiterate", "文盲或半文盲"),
        ("primary", "小学"),
        ("junior", "初中"),
        ("senior", "高中"),
        ("college", "大专"),
        ("bachelor", "本科及以上"),
        ("preschool", "学龄前儿童"),
    ),
)

DROPOUT = "dropout"
HOME_TAUGHT = "home_taught"
NOT_IN_SCHOOL = "none"

SCHOOL = CodeList(
    "在校生状况",
    (
        (NOT_IN_SCHOOL, "非在校生"),
        ("preschool", "学前教育"),
        ("primary", "小学"),
        ("junior", "初中"),
        ("senior", "普通高中"),
        ("vocational", "中职"),
        ("higher_vocational", "高职高专"),
        ("bachelor", "本科及以上"),
        (DROPOUT, "失学辍学"),
        (HOME_TAUGHT, "送教上门"),  # a severely disabled child taught at home: in school (§3)
    ),
)

HEALTH = CodeList(
    "健康状况",
    (("healthy", "健康"), ("chronic", "长期慢性病"), ("serious", "患有大病"), ("disabled", "残疾")),
)

DISABILITY_KIND = CodeList(
    "残疾类别",
    (
        ("vision", "视力残疾"),
        ("hearing", "听力残疾"),
        ("speech", "言语残疾"),
        ("physical", "肢体残疾"),
        ("intellectual", "智力残疾"),
        ("mental", "精神残疾"),
        ("multiple", "多重残疾"),
    ),
)

DISABILITY_GRADE = CodeList("残疾等级", (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")))

LABOUR = CodeList(
    "劳动技能",
    (
        ("normal", "普通劳动力"),
        ("skilled", "技能劳动力"),
        ("weak", "弱劳动力或半劳动力"),
        ("lost", "丧失劳动力"),
        ("none", "无劳动力"),
    ),
)

WORK = CodeList(
    "务工状况",
    (
        ("township", "乡镇内务工"),
        ("county", "乡镇外县内务工"),
        ("province", "县外省内务工"),
        ("outside", "省外务工"),
        ("none", "未务工"),
    ),
)

# Member changes: joining kinds add a member, leaving kinds end one.
MEMBER_JOIN = CodeList(
    "人员增加",
    (("birth", "新生儿"), ("marry_in", "嫁入"), ("move_in", "迁入"), ("other_in", "其他增加")),
)
MEMBER_LEAVE = CodeList(
    "人员减少",
    (
        ("death", "死亡"),
        ("marry_out", "嫁出"),
        ("move_out", "迁出"),
        ("imprisoned", "判刑收监"),
        ("other_out", "其他减少"),
    ),
)
MEMBER_EVENT = CodeList("人员变更", MEMBER_JOIN.items + MEMBER_LEAVE.items)

YES_NO = CodeList("是否", (("1", "是"), ("0", "否")))


# Who an operator is to the program (issue 15); one operator may hold several.
ROLE = CodeList(
    "角色", (("admin", "管理员"), ("entry", "录入"), ("review", "审核"), ("viewer", "只读"), ("county", "县级"))
)


def flag_label(value: int | str | None) -> str:
    if value is None or value == "":
        return ""
    return YES_NO.label("1" if int(value) else "0")


# --- Assistance: cadres, pairing, plans, procedures, exit check --------------------

CADRE_ROLE = CodeList(
    "干部角色",
    (
        ("first_secretary", "第一书记"),
        ("team_leader", "驻村工作队队长"),
        ("team_member", "驻村工作队员"),
        ("contact_leader", "联系领导"),
        ("agri_tech", "农技人员"),
        ("pair_cadre", "结对帮扶责任人"),
    ),
)
TEAM_ROLES = frozenset({"first_secretary", "team_leader", "team_member"})

UNIT_TYPE = CodeList(
    "单位类型",
    (
        ("party_gov", "党政机关"),
        ("institution", "事业单位"),
        ("soe", "国有企业"),
        ("private", "民营企业"),
        ("social", "社会组织"),
        ("township", "乡镇"),
        ("village", "村"),
        ("other", "其他单位"),
    ),
)

# What a village must have; seed 002 (二十一) asks for these "六个一". Provinces differ: configurable.
VILLAGE_REQUIREMENT = CodeList(
    "帮扶力量",
    (
        ("team", "驻村工作组"),
        ("contact_leader", "联系领导"),
        ("aid_unit", "帮扶单位"),
        ("first_secretary", "第一书记"),
        ("agri_tech", "农技人员"),
        ("pair_cadre", "结对帮扶驻村干部"),
    ),
)

MEASURE_CATEGORY = CodeList(
    "帮扶措施类别",
    (
        ("industry", "产业发展"),
        ("employment", "转移就业"),
        ("public_job", "公益岗位"),
        ("relocation", "易地扶贫搬迁"),
        ("education", "教育扶持"),
        ("health", "健康扶贫"),
        ("housing", "危房改造"),
        ("credit", "金融扶贫(小额信贷)"),
        ("eco", "生态补偿"),
        ("dibao", "低保兜底"),
        ("training", "技能培训"),
        ("infrastructure", "基础设施"),
        ("other", "其他措施"),
    ),
)

MEASURE_STATUS = CodeList(
    "措施状态",
    (("planned", "计划"), ("in_progress", "实施中"), ("done", "已完成"), ("not_done", "未完成")),
)

FUND_SOURCE = CodeList(
    "资金来源",
    (
        ("special", "财政专项扶贫资金"),
        ("integrated", "整合涉农资金"),
        ("social", "社会帮扶"),
        ("credit", "信贷"),
        ("self", "群众自筹"),
    ),
)

PROCEDURE = CodeList(
    "程序",
    (("identify", "识别程序"), ("exit", "退出程序"), ("return", "返贫程序"), ("remove", "清退程序")),
)
# Steps in order; the status change (识别 / 标注脱贫 / 返贫 / 清退) follows the last one.
# 识别: "两公示一公告" (§3): the village does the first four, and records the township's and
# the county's steps as they are reported back.
IDENTIFY_STEPS = CodeList(
    "识别程序步骤",
    (
        ("apply", "农户申请"),
        ("review", "村民小组评议"),
        ("audit", "村两委审核"),
        ("notice", "村内第一次公示"),
        ("township_audit", "乡镇审核"),
        ("township_notice", "乡镇第二次公示"),
        ("county_review", "县复审"),
        ("announce", "县公告"),
    ),
)
EXIT_STEPS = CodeList(
    "退出程序步骤",
    (
        ("review", "民主评议"),
        ("verify", "村两委和驻村工作队核实"),
        ("consent", "贫困户认可"),
        ("notice", "村内公示"),
        ("announce", "公告退出"),
    ),
)
# 返贫 and 清退 (错评剔除) are decided by the same kind of procedure (§3); which of these steps a
# province uses is a setting (评议 and 公示 by default).
CHANGE_STEPS = CodeList(
    "返贫/清退程序步骤",
    (
        ("review", "民主评议"),
        ("verify", "村两委和驻村工作队核实"),
        ("notice", "村内公示"),
        ("township_audit", "乡镇审核"),
        ("announce", "公告"),
    ),
)
PROCEDURE_STEPS = {"identify": IDENTIFY_STEPS, "exit": EXIT_STEPS, "return": CHANGE_STEPS, "remove": CHANGE_STEPS}
NOTICE_STEPS = ("notice", "township_notice")  # steps that run a notice period (an end date, ≥ 7 days)
# Labels of format-1 packages, before 识别 had its eight steps.
OLD_STEP_LABELS = {"identify": {"民主评议": "review", "村内公示": "notice", "公告": "announce"}}
STOP_LABEL = "终止本轮（未通过或有异议）"  # the step that ends a round without a status change


def step_label(procedure: str, step: str) -> str:
    return STOP_LABEL if step == "stop" else PROCEDURE_STEPS[procedure].label(step)


EXIT_CRITERION = CodeList(
    "退出标准",
    (
        ("income", "人均纯收入"),
        ("food", "不愁吃"),
        ("clothing", "不愁穿"),
        ("education", "义务教育有保障"),
        ("medical", "基本医疗有保障"),
        ("housing", "住房安全有保障"),
        ("water", "饮水安全有保障"),
        ("power", "通生活用电"),
        ("tv", "通广播电视"),
    ),
)
# Income and 两不愁三保障 always decide exit (seeds 001, 004: never income alone); a province may
# add only the others (饮水安全, and seed 002's 户户有 通生活用电 / 通广播电视).
EXIT_ALWAYS = ("income", "food", "clothing", "education", "medical", "housing")
EXIT_OPTIONAL = tuple(k for k in EXIT_CRITERION.keys if k not in EXIT_ALWAYS)
EXIT_OUTCOME = CodeList("核查结果", (("met", "达标"), ("failed", "未达标"), ("missing", "未填写")))

# --- The four ledgers (四类台账) ---------------------------------------------------------

PROJECT_CATEGORY = CodeList(
    "项目类别",
    (
        ("industry", "产业扶贫项目"),
        ("infrastructure", "基础设施项目"),
        ("relocation", "易地扶贫搬迁项目"),
        ("housing", "危房改造项目"),
        ("education", "教育扶贫项目"),
        ("health", "健康扶贫项目"),
        ("employment", "就业扶贫项目"),
        ("other", "其他项目"),
    ),
)
PROJECT_STATUS = CodeList(
    "项目状态",
    (("planned", "未开工"), ("building", "在建"), ("done", "已完工"), ("accepted", "已验收")),
)
# The project's funds by source: a column per codes.FUND_SOURCE key.
PROJECT_FUND_COLUMNS = {key: f"fund_{key}_fen" for key in FUND_SOURCE.keys}

YULU = "yulu"
TERM = CodeList("学期", (("spring", "春季学期"), ("autumn", "秋季学期")))
PROGRAMME = CodeList(
    "帮扶项目",
    (
        ("relocation", "易地扶贫搬迁"),
        ("housing", "危房改造"),
        ("education", "教育资助"),
        (YULU, "雨露计划"),  # 职业教育补助: the student's school, grade and term are kept
        ("health", "健康扶贫"),
        ("dibao", "低保"),
        ("tekun", "特困供养"),
        ("microcredit", "小额信贷"),
        ("industry_award", "产业奖补"),
        ("public_job", "公益岗位"),
        ("dividend", "资产收益分红"),
        ("eco", "生态补偿"),
        ("other", "其他帮扶"),
    ),
)
# Benefits that are 转移性收入, and the income item each feeds (the clerk confirms).
# Housing subsidies (危房改造, 易地扶贫搬迁) pay for a house, not the household's living: no income.
PROGRAMME_INCOME_ITEM = {
    "dibao": "dibao_fen",
    "tekun": "tekun_fen",
    "eco": "eco_fen",
    "education": "other_transfer_fen",
    YULU: "other_transfer_fen",
    "health": "other_transfer_fen",
    "other": "other_transfer_fen",
}

INSPECTION_KIND = CodeList(
    "检查类型",
    (
        ("supervision", "督查"),
        ("patrol", "巡查"),
        ("assessment", "考核"),
        ("third_party", "第三方评估"),
        ("audit", "审计"),
        ("unannounced", "暗访"),
    ),
)
PROBLEM_STATUS = CodeList("整改状态", (("open", "整改中"), ("done", "已整改"), ("overdue", "逾期")))

NOTICE_KIND = CodeList(
    "公示类别",
    (
        ("identify", "贫困户识别公示"),
        ("exit", "贫困户退出公示"),
        ("pairing", "帮扶责任人公示"),
        ("funds", "项目资金公示"),
    ),
)
SUPERVISION_HOTLINE = "12317"  # the national poverty-alleviation supervision line (seeds 001, 004)
