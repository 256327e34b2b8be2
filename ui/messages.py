"""Chinese sentences for the typed errors of models/ (no Qt; the CLI uses them too)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models import codes, labels
from models import errors as E
from models.exchange.reader import FileRefused, refusal_text
from models.money import format_fen

_ID_REASONS = {
    "length": "应为18位",
    "chars": "只能由数字组成，最后一位可以是X",
    "region": "前6位地区码不正确",
    "birth_date": "其中的出生日期不存在或晚于今天",
    "checksum": "校验位不正确，请核对是否输错了某一位",
    "disability_length": "残疾人证号应为18位身份证号码加2位数字",
}


def describe(error: BaseException) -> str:
    """One clear sentence for a clerk, for any error the program expects."""
    e = error
    if isinstance(e, E.ValidationFailed):
        return "\n".join(describe_problem(p) for p in e.problems)
    if isinstance(e, E.NotADatabase):
        return f"“{e.path}”不是村档的数据文件，无法打开。文件没有被改动。"
    if isinstance(e, E.CorruptDatabase):
        return f"数据文件“{e.path}”已损坏，无法打开。文件没有被改动，请用备份恢复。（{e.detail}）"
    if isinstance(e, E.NewerDatabase):
        return f"数据文件“{e.path}”由更新版本的村档创建，请先升级本程序再打开。文件没有被改动。"
    if isinstance(e, E.DataFolderNotWritable):
        return f"数据文件夹“{e.path}”无法写入（{e.detail}）。请换一个文件夹，或检查权限和磁盘空间。"
    if isinstance(e, E.DataFolderNotEmpty):
        return f"数据文件夹“{e.path}”中已有数据。演示村只能建在空的数据文件夹里，请用 --data 指定一个新文件夹。"
    if isinstance(e, E.InvalidIdNumber):
        return f"身份证号码“{e.id_number}”有误：{_ID_REASONS.get(e.reason, e.reason)}。"
    if isinstance(e, E.IdNumberMismatch):
        what = labels.MEMBER.get(e.field, e.field)
        return f"{what}“{e.typed}”与身份证号码不符，按身份证号码应为“{e.derived}”。"
    if isinstance(e, E.DuplicateIdNumber):
        where = f"户编号 {e.household_no} 的" if e.household_no else "本户的"
        return f"身份证号码 {e.id_number} 已登记在{where}“{e.name}”名下，同一人在本村只能登记一次。"
    if isinstance(e, E.HeadCount):
        return "每户必须有且只有一名户主，且户主是本户现有成员。" + (
            f"现在有 {e.count} 名。" if e.count else "现在没有户主。"
        )
    if isinstance(e, E.UnknownCode):
        return f"“{e.value}”不是{e.list_name}的可选值。"
    if isinstance(e, E.RepeatedCause):
        return f"致贫原因“{codes.CAUSE.label(e.value)}”重复填写了。"
    if isinstance(e, E.InvalidAmount):
        return f"“{e.value}”不是有效的数字（金额以元为单位，最多两位小数）。"
    if isinstance(e, E.NegativeValue):
        return f"“{e.value}”不能为负数。"
    if isinstance(e, E.InvalidDate):
        return f"日期“{e.value}”无效，请按 yyyy-MM-dd 填写，且不能晚于今天。"
    if isinstance(e, E.InvalidYear):
        return f"年度“{e.value}”无效。"
    if isinstance(e, E.NotAWholeNumber):
        return f"“{e.value}”应为整数。"
    if isinstance(e, E.InvalidMonths):
        return f"务工时间“{e.value}”应在 0 到 12 个月之间。"
    if isinstance(e, E.InvalidPhone):
        return f"联系电话“{e.value}”格式不正确。"
    if isinstance(e, E.Required):
        name = e.facts.get("field")
        label = labels.VILLAGE.get(name) or labels.EVENT.get(name) if name else None
        return f"{label}必须填写。" if label else "此项必须填写。"
    if isinstance(e, E.NoMembers):
        return "一户至少要有一名成员（户主）。"
    if isinstance(e, E.EventOutOfOrder):
        return f"日期 {e.date} 早于应在其前的 {e.last}，请核对日期和年度。"
    if isinstance(e, E.InvalidStatusChange):
        return f"当前状态为“{codes.status_label(e.current)}”，不能进行“{codes.STATUS_EVENT.label(e.event)}”。"
    if isinstance(e, E.MemberAlreadyLeft):
        return f"“{e.name}”已不是本户现有成员。"
    if isinstance(e, E.VillageCodeInvalid):
        return f"村代码“{e.code}”应为12位数字（统计用区划代码）。"
    if isinstance(e, E.DuplicateVillage):
        return f"村代码 {e.code} 已经存在。"
    if isinstance(e, E.DuplicateGroup):
        return f"村民小组“{e.name}”重名了。"
    if isinstance(e, E.GroupInUse):
        return f"村民小组“{e.name}”还有 {e.households} 户，不能删除。请先把这些户调到其他小组。"
    if isinstance(e, E.DuplicateHouseholdNo):
        return f"户编号 {e.household_no} 已被本村其他户使用。"
    if isinstance(e, E.NeverDeleted):
        return "户和成员不能删除，请通过清退、死亡、迁出等变更登记。"
    if isinstance(e, E.NotFound):
        if e.kind == "plan":
            return f"{e.key} 年没有计划可复制。"
        return f"找不到记录（{e.kind} {e.key}）。"
    if isinstance(e, E.OverlappingPairing):
        other = f"与{e.other_cadre}的结对（{e.other_start} 至 {e.other_end or '今'}）"
        return f"结对时间（{e.start} 至 {e.end or '今'}）与{other}重叠。一户同一时间只能有一名帮扶责任人。"
    if isinstance(e, E.VisitBeforePairing):
        return f"走访日期 {e.visit_date} 早于该干部与本户结对的开始日期 {e.pairing_start}。"
    if isinstance(e, E.NotPaired):
        return f"{e.cadre}没有与本户结对，也不是驻村工作队成员，不能登记为走访人。"
    if isinstance(e, E.CadreHasLeft):
        return f"{e.cadre}已于 {e.left_date} 离开，不能再结对或走访。"
    if isinstance(e, E.PovertyLineMissing):
        return f"还没有 {e.year} 年{e.province}的扶贫标准，无法核查收入。请先在“扶贫标准”中填写。"
    if isinstance(e, E.StepOutOfOrder):
        steps = codes.PROCEDURE_STEPS[e.procedure]
        if not e.expected:
            return f"{codes.PROCEDURE.label(e.procedure)}的步骤已全部登记。"
        if e.got == "stop":
            return f"{codes.PROCEDURE.label(e.procedure)}还没有开始，无需终止。"
        return (
            f"{codes.PROCEDURE.label(e.procedure)}要按顺序进行：下一步应是“{steps.label(e.expected)}”，"
            f"不能先登记“{steps.label(e.got) if e.got in steps else e.got}”。"
        )
    if isinstance(e, E.IncomeAloneNeverDecides):
        return "退出标准不能只有收入一项：两不愁三保障必须一并核查。"
    if isinstance(e, E.InvalidSetting):
        return f"设置“{e.name}”的值“{e.value}”不合理。"
    if isinstance(e, E.DisbursementBeforeStart):
        return f"拨付日期 {e.pay_date} 早于项目开工日期 {e.start_date}。"
    if isinstance(e, E.NotRegisteredHousehold):
        return f"受益户“{e.household}”不是本村的建档立卡户。"
    if isinstance(e, E.AttendanceTwice):
        return f"{e.cadre} {e.day} 的考勤已经登记过了。"
    if isinstance(e, E.NotOnTeam):
        return f"{e.cadre}不是驻村工作队成员，不记驻村考勤。"
    if isinstance(e, E.DeadlineBeforeInspection):
        return f"整改期限 {e.deadline} 早于检查日期 {e.inspect_date}。"
    if isinstance(e, E.PeriodReversed):
        return f"公示结束日期 {e.end} 早于开始日期 {e.start}。"
    if isinstance(e, E.FontUnusable):
        return f"字体文件“{e.path}”不能用于 PDF（需要含中文和英文数字的 TrueType 字体）：{e.detail}"
    if isinstance(e, E.Cancelled):
        return "已取消，没有生成文件。"
    if isinstance(e, E.OutOfRange):
        return f"“{e.value}”应在 {e.low} 到 {e.high} 之间。"
    if isinstance(e, E.NotPositive):
        return f"“{e.value}”应大于零。"
    if isinstance(e, E.PlanExists):
        return f"{e.year} 年已有计划，不能再复制上年计划覆盖它。"
    if isinstance(e, E.NoticeTooShort):
        return f"公示期只有 {e.days} 天，至少要 {e.required} 天。"
    if isinstance(e, E.ProcedureIncomplete):
        steps = codes.PROCEDURE_STEPS[e.procedure]
        return f"{codes.PROCEDURE.label(e.procedure)}还没有完成：下一步是“{steps.label(e.missing)}”。"
    if isinstance(e, E.NoticeNotOver):
        return f"公示期还没有结束，{e.until} 起才能进行下一步。"
    if isinstance(e, E.BeforeAnnouncement):
        return f"公告日期为 {e.announced}，不能早于公告办理。"
    if isinstance(e, E.ExitCheckFailed):
        names = "、".join(codes.EXIT_CRITERION.label(k) for k in e.failed)
        return f"该户本年度退出核查未通过（{names}），不能标注脱贫。确需标注的，请填写说明理由，将记录在案。"
    if isinstance(e, FileRefused):
        return f"{Path(e.path).name}：{refusal_text(e)}。"
    if isinstance(e, sqlite3.IntegrityError):
        return f"保存被数据库拒绝（{e}），没有写入任何内容。请检查是否有重复的身份证号或名称。"
    if isinstance(e, sqlite3.DatabaseError) and "malformed" in str(e):
        return "数据文件已损坏，无法读取。没有写入任何内容，请用备份恢复。"
    if isinstance(e, sqlite3.DatabaseError):
        return f"数据文件读写出错：{e}。数据没有被部分写入。"
    if isinstance(e, OSError):
        return f"文件操作失败：{e.strerror or e}（{e.filename or ''}）。"
    return f"发生意外错误：{e!r}"


def describe_problem(problem: E.Problem) -> str:
    """A problem with its place: “第 2 名成员 · 证件号码：…”."""
    where = problem.where
    prefix = labels.field_label(where)
    if len(where) >= 3 and where[0] == "members" and isinstance(where[1], int):
        prefix = f"第 {where[1] + 1} 名成员 · {prefix}"
    if len(where) >= 3 and where[0] == "measures" and isinstance(where[1], int):
        prefix = f"第 {where[1] + 1} 条措施 · {prefix}"
    return f"{prefix}：{describe(problem.error)}" if prefix else describe(problem.error)


def criterion_label(key: str) -> str:
    """Household criteria from the code list; village ones from the village's field labels."""
    if key in codes.EXIT_CRITERION:
        return codes.EXIT_CRITERION.label(key)
    return {"incidence": "贫困发生率", "collective_income": labels.VILLAGE["collective_income_fen"]}.get(
        key, labels.VILLAGE.get(key, key)
    )


def describe_result(result) -> str:
    """Why a criterion passed or failed, in a clerk's words."""
    f, key = result.facts, result.criterion
    if f.get("missing"):
        return "未填写" if key != "income" else "未填写该年收入"
    if f.get("no_line"):
        return "没有该年的扶贫标准"
    if key == "income" and f.get("per_capita_fen") is None:
        return "该年家庭人口为 0，无法计算人均纯收入"
    if key == "income":
        verdict = "高于" if result.passed else "未超过"
        return f"人均纯收入 {format_fen(f['per_capita_fen'])} 元，{verdict}扶贫标准 {format_fen(f['line_fen'])} 元"
    if key == "education" and not result.passed:
        parts = []
        if f.get("names"):
            parts.append("适龄儿童未在校：" + "、".join(f["names"]))
        if f.get("unknown"):
            parts.append("未填写在校生状况：" + "、".join(f["unknown"]))
        return "；".join(parts) or "义务教育未保障"
    if key == "medical" and not result.passed:
        parts = []
        if f.get("names"):
            parts.append("未参加基本医疗保险：" + "、".join(f["names"]))
        if f.get("unknown"):
            parts.append("未填写医保情况：" + "、".join(f["unknown"]))
        return "；".join(parts) or "基本医疗未保障"
    if key == "housing" and not result.passed:
        return (
            f"危房（{codes.DANGEROUS_HOUSE.label(f['dangerous_house'])}）" if f.get("dangerous_house") else "住房不安全"
        )
    if key == "incidence":
        return f"贫困发生率 {f['permille'] / 10:.2f}%（标准：低于 {f['max'] / 10:g}%）"
    if key == "collective_income":
        got = format_fen(f["fen"]) if f.get("fen") is not None else "未填写"
        return f"村集体经济收入 {got} 元（标准：不低于 {format_fen(f['min'])} 元）"
    return "达标" if result.passed else "未达标"
