"""The Chinese label of every record field, shared by screens, prints and workbooks."""

from __future__ import annotations

VILLAGE = {
    "code": "村代码",
    "province": "省",
    "city": "市",
    "county": "县",
    "township": "乡镇",
    "name": "村名",
    "is_poor_village": "贫困村",
    "planned_exit_year": "计划退出年度",
    "actual_exit_year": "实际退出年度",
    "households_total": "总户数",
    "population_total": "总人口",
    "agri_population": "农业人口",
    "collective_income_fen": "村集体经济收入",
    "hard_road": "通硬化路",
    "clinic": "有卫生室",
    "culture_room": "有文化室",
    "broadband": "通宽带",
    "safe_water": "饮水安全",
    "is_demo": "演示数据",
    "groups": "村民小组",
}

GROUP = {"name": "村民小组", "sort_order": "排序"}

HOUSEHOLD = {
    "household_no": "户编号",
    "group_id": "村民小组",
    "address": "住址",
    "phone": "联系电话",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
    "standard": "识别标准",
    "identified_year": "识别年度",
    "attribute": "贫困户属性",
    "main_cause": "主要致贫原因",
    "other_cause1": "其他致贫原因一",
    "other_cause2": "其他致贫原因二",
    "status": "脱贫状态",
    "exit_year": "脱贫年度",
    "planned_exit_year": "计划脱贫年度",
    "military_family": "军烈属",
    "only_child": "独生子女户",
    "two_daughters": "双女户",
    "farmland_mu": "耕地面积(亩)",
    "irrigated_mu": "有效灌溉面积(亩)",
    "forest_mu": "林地面积(亩)",
    "returned_forest_mu": "退耕还林面积(亩)",
    "orchard_mu": "林果面积(亩)",
    "pasture_mu": "牧草地面积(亩)",
    "water_surface_mu": "水面面积(亩)",
    "power_production": "通生产用电",
    "power_household": "通生活用电",
    "water_difficulty": "饮水困难",
    "water_safe": "饮水安全",
    "broadcast_tv": "通广播电视",
    "distance_km": "距村主干路(公里)",
    "road_type": "入户路类型",
    "house_area": "住房面积(㎡)",
    "dangerous_house": "危房",
    "sanitary_toilet": "卫生厕所",
    "fuel": "主要燃料",
    "cooperative": "加入农民专业合作社",
}

MEMBER = {
    "name": "姓名",
    "sex": "性别",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "ethnicity": "民族",
    "politics": "政治面貌",
    "education": "文化程度",
    "school_status": "在校生状况",
    "dropout_reason": "失学辍学原因",
    "health": "健康状况",
    "disability_kind": "残疾类别",
    "disability_grade": "残疾等级",
    "labour": "劳动技能",
    "work_status": "务工状况",
    "work_months": "务工时间(月)",
    "medical_insurance": "城乡居民基本医疗保险",
    "serious_illness_insurance": "大病保险",
    "pension_insurance": "城乡居民基本养老保险",
    "dibao": "享受低保",
    "tekun": "特困供养",
    "soldier": "现役军人",
    "joined_date": "加入日期",
    "left_date": "减少日期",
    "left_kind": "减少原因",
}

INCOME = {
    "year": "年度",
    "wage_fen": "工资性收入",
    "business_fen": "生产经营性收入",
    "property_fen": "财产性收入",
    "family_planning_fen": "计划生育金",
    "dibao_fen": "低保金",
    "tekun_fen": "特困供养金",
    "pension_fen": "养老保险金",
    "eco_fen": "生态补偿金",
    "other_transfer_fen": "其他转移性收入",
    "business_cost_fen": "生产经营性支出",
    "transfer_fen": "转移性收入",
    "net_fen": "纯收入",
    "per_capita_fen": "人均纯收入",
}

ASSURANCE = {
    "year": "年度",
    "food": "不愁吃",
    "clothing": "不愁穿",
    "education": "义务教育有保障",
    "medical": "基本医疗有保障",
    "housing": "住房安全有保障",
    "water": "饮水安全有保障",
    "note": "备注",
}

EVENT = {"kind": "变更类型", "event_date": "日期", "year": "年度", "reason": "原因"}

PLAN = {"year": "年度", "target_exit_year": "目标脱贫年度", "target_income_fen": "目标人均纯收入", "note": "备注"}

MEASURE = {
    "category": "措施类别",
    "content": "措施内容",
    "member_id": "对象成员",
    "responsible": "责任人或单位",
    "cadre_id": "责任干部",
    "funds_fen": "资金(元)",
    "funds_source": "资金来源",
    "deadline": "完成期限",
    "status": "状态",
    "result": "实施结果",
}

ALL = {
    "village": VILLAGE,
    "household": HOUSEHOLD,
    "member": MEMBER,
    "members": MEMBER,
    "income": INCOME,
    "incomes": INCOME,
    "assurance": ASSURANCE,
    "assurances": ASSURANCE,
    "event": EVENT,
    "plan": PLAN,
    "measures": MEASURE,
}


def field_label(where: tuple[object, ...]) -> str:
    """The label of the field a problem points at, e.g. ("members", 2, "id_number") -> 证件号码;
    ("incomes", 2019, "wage_fen") -> 2019年 工资性收入."""
    if not where:
        return ""
    table = ALL.get(str(where[0]), {})
    name = str(where[-1])
    label = table.get(name, "" if name == str(where[0]) else name)
    if where[0] in ("incomes", "assurances") and len(where) == 3:
        return f"{where[1]}年 {label}"
    return label


# Columns of the household list (screen and its export).
REGISTER = {
    "household_no": HOUSEHOLD["household_no"],
    "head": "户主",
    "group": HOUSEHOLD["group_id"],
    "size": "人口",
    "attribute": HOUSEHOLD["attribute"],
    "main_cause": HOUSEHOLD["main_cause"],
    "status": HOUSEHOLD["status"],
    "helper": "帮扶责任人",
    "head_id_number": "户主证件号码",
    "phone": HOUSEHOLD["phone"],
    "address": HOUSEHOLD["address"],
}

CADRE = {
    "name": "姓名",
    "sex": "性别",
    "id_number": "证件号码",
    "unit": "单位",
    "unit_type": "单位类型",
    "position": "职务",
    "phone": "联系电话",
    "roles": "角色",
    "on_team": "驻村工作队成员",
    "left_date": "离开日期",
}
PAIRING = {"start_date": "开始日期", "end_date": "结束日期", "end_reason": "结束原因"}
VISIT = {"visit_date": "走访日期", "found": "发现的情况", "done": "做了什么", "next_step": "下一步"}
PROJECT = {
    "name": "项目名称",
    "category": "项目类别",
    "year": "年度",
    "place": "实施地点",
    "content": "建设内容与规模",
    "fund_special_fen": "财政专项扶贫资金",
    "fund_integrated_fen": "整合涉农资金",
    "fund_social_fen": "社会帮扶",
    "fund_credit_fen": "信贷",
    "fund_self_fen": "群众自筹",
    "unit": "实施单位",
    "responsible": "责任人",
    "start_date": "开工日期",
    "finish_date": "完工日期",
    "progress": "进度",
    "status": "状态",
    "goal": "绩效目标",
    "mechanism": "带贫减贫机制",
}
DISBURSEMENT = {"pay_date": "拨付日期", "amount_fen": "金额", "payee": "收款方", "voucher": "凭证号", "purpose": "用途"}
ATTENDANCE = {"day": "日期", "note": "备注"}
WORK_LOG = {"log_date": "日期", "content": "内容"}
BENEFIT = {"programme": "帮扶项目", "benefit_date": "日期", "amount_fen": "金额", "source": "资金来源", "note": "备注"}
INSPECTION = {"inspect_date": "检查日期", "kind": "检查类型", "body": "检查单位", "note": "备注"}
FINDING = {
    "description": "发现的问题",
    "measure": "整改措施",
    "responsible": "责任人",
    "deadline": "整改期限",
    "completed_date": "完成日期",
    "completion_note": "完成情况",
}

PROCEDURE_STEP = {"procedure": "程序", "step": "步骤", "start_date": "开始日期", "end_date": "结束日期", "note": "备注"}
