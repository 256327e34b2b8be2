"""The Chinese sentence of every typed error, for the screens, the CLI, printing and the reports.

Each error class has its sentences here, written with named placeholders that are facts the
error carries (``{value}``); a placeholder may name a renderer after a colon (``{current:status}``
shows a status key by its label). tests/models/test_wording.py holds every class to a sentence
and every placeholder to a declared fact."""

from __future__ import annotations

import errno
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import codes, fields
from models import errors as e
from models.money import format_fen
from models.storage import sql
from models.storage.database import failure_kind


@dataclass(frozen=True)
class Sentence:
    template: str
    when: Callable[[Any], bool] | None = None  # this variant applies (the first that does is said)


def S(template: str, when: Callable[[Any], bool] | None = None) -> Sentence:  # noqa: N802 (reads as a table)
    return Sentence(template, when)


def _reason_is(reason: str) -> Callable[[Any], bool]:
    """The condition of a FileRefused sentence: the error's reason is this one."""
    return lambda x: x.reason == reason


ID_REASONS = {
    "length": "应为18位",
    "chars": "只能由数字组成，最后一位可以是X",
    "region": "前6位地区码不正确",
    "birth_date": "其中的出生日期不存在、早于 1900 年或晚于今天",
    "checksum": "校验位不正确，请核对是否输错了某一位",
    "disability_length": "残疾人证号应为18位身份证号码加2位数字",
}

REFUSALS = {
    "missing": "文件不存在",
    "too_big": "文件太大（{detail}），上限 200 MB",
    "not_package": "不是村档导出的上报包（上报包是 .xlsx 工作簿，请让村里用村档重新导出）",
    "not_workbook": "不是 Excel 工作簿（.xlsx/.xls）或 CSV 文件（WPS 或 LibreOffice 的 .ods 表格请先另存为 .xlsx）",
    "damaged": "工作簿已损坏，无法读取",
    "bomb": "工作簿解压后超过 256 MB（疑似“压缩炸弹”），已拒绝",
    "too_many_rows": "工作表“{detail}”超过 200000 行，已拒绝",
    "too_large": "工作表“{detail}”的使用范围过大（行数乘列数超过一千万个单元格，可能有远处的零散单元格），已拒绝",
    "cell_too_long": "单元格 {detail} 超过 32767 个字符（Excel 的上限），已拒绝",
    "encoding": "CSV 文件既不是 UTF-8 也不是 GBK 编码",
    "own_database": "这是本程序自己的数据文件，不是要导入的文件",
    "unreadable": "无法打开这个文件（{detail}）",
    "directory": "这是一个文件夹，不是文件",
    "fifo": "这是一个管道（FIFO），不是普通文件，没有读取",
    "device": "这是一个设备文件（如 /dev/zero），不是普通文件，没有读取",
    "special": "这不是普通文件（可能是套接字等特殊文件），没有读取",
    "shared_strings": "工作簿中被单元格引用的共享文字合计超过 256 MB（同一段长文字被大量单元格引用，疑似刻意构造），已拒绝",
    "too_many_cells": "工作簿各工作表的使用范围合计超过五百万个单元格，已拒绝",
    "doctype": "工作簿的部件“{detail}”含有文档类型（DOCTYPE）或实体声明，正常的 Excel 文件没有，已拒绝",
    "structure": "工作簿的部件“{detail}”结构异常（标记过长或嵌套过深，疑似刻意构造），已拒绝",
    "out_of_memory": "读取这个文件时内存不足，已拒绝；其他文件不受影响",
    "worker_died": "读取这个文件时处理进程意外退出（可能是文件被故意构造或内存不足），已拒绝；其他文件不受影响",
    "csv_quote": "CSV 文件第 {detail} 行有一个引号没有配对：从那里到文件末尾都会被读成一个单元格，已拒绝（请检查这一行是否少了一个引号）",
    "csv_line": "CSV 文件{detail}，已拒绝",
    "needs_password": "上报包已加密，需要上报包密码才能打开（县级导入页的“上报包密码”，或命令行的 --password-file），没有导入任何数据",
    "wrong_password": "上报包已加密，上报包密码不对，打不开，没有导入任何数据（请核对县里设的上报包密码与村里输入的是否相同）",
    "integrity": "上报包加密的内容与它的完整性校验不符：加密后被改动过或已损坏，没有导入任何数据",
    "encrypted_workbook": "工作簿有密码保护，请先在 Excel 或 WPS 中去掉密码另存一份，再导入那一份",
}

_CONTROL_NAMES = {
    0x00: "空字符",
    0x09: "制表符",
    0x0A: "换行符",
    0x0B: "垂直制表符，多为从 Word 复制来的换行",
    0x0C: "换页符",
    0x0D: "回车符",
    0x1B: "ESC 控制符",
    0x7F: "删除符",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
}


def _char(value: str) -> str:
    code = int(value[2:], 16)
    return f"{value}，{_CONTROL_NAMES.get(code, '控制字符')}"


def _column(value: str, error: Any) -> str:
    try:
        return fields.spec(error.table, value).label
    except KeyError:
        return "一项"


def _table(value: str, error: Any) -> str:
    record = fields.RECORDS.get(value)
    return record.title if record else "记录"


def _member_field(value: str, error: Any) -> str:
    return fields.record("members").label(value) if value in fields.record("members") else "一项"


def _setting(value: str, error: Any) -> str:
    view = fields.VIEWS["config"]
    return view.label(value) if value in view else "一项设置"


def setting_text(key: str, stored: str) -> str:
    """A stored setting's value (JSON) as the settings dialog shows it."""
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    spec = fields.VIEWS["config"].get(key)
    labels: Callable[[str], str] | None = {
        "exit_criteria": codes.EXIT_CRITERION.label,
        "return_steps": codes.CHANGE_STEPS.label,
        "remove_steps": codes.CHANGE_STEPS.label,
        "required_roles": codes.VILLAGE_REQUIREMENT.label,
        "village_requirements": fields.record("villages").label,
    }.get(key)
    if isinstance(value, list):
        return "、".join((labels(v) if labels else v) if isinstance(v, str) else str(v) for v in value) or "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "不设"
    if spec is not None and spec.kind == "fen" and isinstance(value, int):
        return f"{format_fen(value)} 元"
    unit = spec.unit if spec is not None else ""
    return f"{value}{' ' + unit if unit else ''}"


def _step(value: str, error: Any) -> str:
    return step_label(error.procedure, value)


def _year_range(value: int, error: Any) -> str:
    return f"应在 {error.first} 年到 {error.last} 年之间" if error.last else f"应不早于 {error.first} 年"


_RENDERERS: dict[str, Callable[[Any, Any], str]] = {
    "status": lambda v, _: codes.status_label(v),
    "status_event": lambda v, _: codes.STATUS_EVENT.label(v),
    "cause": lambda v, _: codes.CAUSE.label(v) if v in codes.CAUSE else v,
    "relation": lambda v, _: codes.RELATION.label(v) if v in codes.RELATION else v,
    "education": lambda v, _: codes.EDUCATION.label(v) if v in codes.EDUCATION else v,
    "sex": lambda v, _: codes.SEX.label(v) if v in codes.SEX else v,
    "procedure": lambda v, _: codes.PROCEDURE.label(v) if v in codes.PROCEDURE else v,
    "step": _step,
    "criteria": lambda v, _: "、".join(codes.EXIT_CRITERION.label(k) for k in v),
    "id_reason": lambda v, _: ID_REASONS.get(v, "格式不正确"),
    "member_field": _member_field,
    "setting": _setting,
    "setting_value": lambda v, error: setting_text(error.name, v),
    "column": _column,
    "table": _table,
    "char": lambda v, _: _char(v),
    "file": lambda v, _: Path(v).name,
    "or_now": lambda v, _: v or "今",
    "years": _year_range,
    "count": lambda v, _: str(len(v)),
    "lines": lambda v, _: "；".join(v),
    "yuan": lambda v, _: format_fen(v),
    "notice_kind": lambda v, _: codes.NOTICE_KIND.label(v) if v in codes.NOTICE_KIND else v,
    "error": lambda v, _: describe(v).rstrip("。"),
}

SENTENCES: dict[type[e.CundangError], tuple[Sentence, ...]] = {
    # Storage
    e.StorageError: (S("数据文件夹无法使用。"),),
    e.NotADatabase: (S("“{path}”不是村档的数据文件，无法打开。文件没有被改动。"),),
    e.CorruptDatabase: (
        S(
            "数据文件“{path}”已损坏，无法打开。文件没有被改动。请从备份恢复：cundang backups 列出备份，"
            "cundang restore 备份文件 恢复（损坏的文件会另存，不会删除）。"
        ),
    ),
    e.BackupBroken: (S("备份文件“{path}”检查未通过（已损坏或不完整），不能使用。原来的数据没有被改动。"),),
    e.NotABackup: (S("“{path}”不是村档的备份或数据文件，不能用来恢复。原来的数据没有被改动。"),),
    e.NewerDatabase: (S("数据文件“{path}”由更新版本的村档创建，请先升级本程序再打开。文件没有被改动。"),),
    e.DataFolderNotWritable: (S("数据文件夹“{path}”无法写入。请换一个文件夹，或检查权限和磁盘空间。"),),
    e.DatabaseBusy: (
        S("数据文件“{path}”正被另一个窗口或程序使用（等了一分钟仍没有轮到），没有写入任何内容。请稍后再试。"),
    ),
    e.DiskFull: (S("磁盘已满（“{path}”所在的磁盘），没有写入任何内容，原有数据没有受影响。请腾出磁盘空间后再试。"),),
    e.DiskIOError: (
        S(
            "读写数据文件“{path}”时磁盘出错（{detail}），没有写入任何内容。检查表明数据文件本身没有损坏；"
            "请检查 U 盘或磁盘是否拔出、连接是否稳定后再试。"
        ),
    ),
    e.FolderInUse: (
        S("数据文件夹“{path}”正在村档窗口中打开（{holder}），不能恢复。请先关闭那个窗口再恢复。", lambda x: x.holder),
        S("数据文件夹“{path}”正在村档窗口中打开，不能恢复。请先关闭那个窗口再恢复。"),
    ),
    e.BackupOfAnotherFolder: (
        S(
            "备份“{path}”来自另一个数据文件夹（另一台电脑），要用它自己的操作员用户名和密码，或它的恢复密钥打开。"
            "原来的数据没有被改动。"
        ),
    ),
    e.BackupKeyringMissing: (
        S(
            "备份“{path}”是用另一个数据文件夹的密钥加密的，它旁边没有那个文件夹的密钥文件（{keyring}）。"
            "请把备份和这个密钥文件一起复制过来再恢复。原来的数据没有被改动。"
        ),
    ),
    e.EncryptionBlocked: (
        S(
            "数据文件夹“{path}”正在另一个村档窗口中打开（{holder}），现在不能更改加密。请先关闭那个窗口再试，数据没有被改动。",
            lambda x: x.holder,
        ),
        S(
            "数据文件夹“{path}”的数据文件正被另一个村档窗口或命令使用（可能是只读方式打开的），现在不能更改加密。"
            "请先关闭它再试，数据没有被改动。"
        ),
    ),
    e.NeedsUpgrade: (S("数据文件“{path}”需要先升级才能打开，而只读方式不能升级它。请在另一个窗口关闭后再打开。"),),
    e.ReadOnlyStore: (
        S(
            "数据文件夹“{path}”是以只读方式打开的（它正在另一个窗口中打开），不能修改。要修改，请先关闭另一个窗口，再重新打开。"
        ),
    ),
    # Operators and access (issue 15)
    e.AccessError: (S("没有通过身份验证，没有做任何改动。"),),
    e.LoginRequired: (
        S(
            "数据文件夹“{path}”设有操作员，需要登录：在窗口中输入用户名和密码；命令行加 --user 用户名，"
            "密码从提示输入或取自环境变量 CUNDANG_PASSWORD。"
        ),
    ),
    e.WrongPassword: (
        S("用户名或密码不正确。", lambda x: x.left <= 0),
        S("用户名或密码不正确。再错 {left} 次，这个账户将锁定 10 分钟。"),
    ),
    e.AccountLocked: (S("账户“{name}”因连续 5 次输错密码已锁定，请 {minutes} 分钟后再试，或请管理员重设密码。"),),
    e.OperatorDisabled: (S("操作员“{name}”已停用，不能登录。如需恢复，请找管理员。"),),
    e.NotAllowed: (S("操作员“{operator}”没有{action}的权限（需要{roles}角色），没有做任何改动。"),),
    e.PasswordTooShort: (S("密码太短：至少 {minimum} 个字符。"),),
    e.PasswordsDiffer: (S("两次输入的新密码不一致，请重新输入。"),),
    e.OperatorExists: (S("已有名为“{name}”的操作员，请换一个名字。"),),
    e.UnknownOperator: (S("没有名为“{name}”的操作员。"),),
    e.LastAdministrator: (S("“{name}”是唯一的管理员，不能停用或取消管理员角色。请先让另一位操作员成为管理员。"),),
    e.NoRoles: (S("操作员至少要有一个角色（管理员、录入、审核、只读、县级）。"),),
    e.WrongRecoveryKey: (S("恢复密钥不正确（请按打印出的恢复密钥逐字输入，大小写和短横线可以不管）。"),),
    e.EncryptionOffNotConfirmed: (
        S(
            "取消加密要由管理员明确确认：不加密时，任何人拿到这台电脑或数据文件夹都能读出全部个人信息。"
            "确认后再执行（命令行加 --yes）。数据没有被改动。"
        ),
    ),
    e.NoOperatorGiven: (
        S(
            "“{command}”需要指定操作员：加 --user 用户名，或设置环境变量 CUNDANG_USER；"
            "密码从提示输入，或取自环境变量 CUNDANG_PASSWORD。新建的数据文件夹以这个操作员为第一位管理员，并加密保存。"
        ),
    ),
    e.NoOperatorsYet: (
        S(
            "数据文件夹“{path}”还没有操作员。请先建立第一位管理员：在窗口中按提示建立，或运行 "
            "cundang --data 文件夹 --user 用户名 init（已有的数据会先备份，再加密保存）。"
        ),
    ),
    e.KeyringDamaged: (S("数据文件夹的密钥文件“{path}”无法读取或已损坏，数据无法解密。请从备份恢复，或用恢复密钥。"),),
    e.SealBroken: (S("保存的密码无法解开（数据文件夹的密钥不符），请重新输入。"),),
    e.EditConflict: (
        S(
            "这户的资料在您打开表单之后被修改过——{changes:lines}。这次没有保存，您填写的内容还在表中；"
            "请记下要改的内容，关闭表单后重新打开再改。"
        ),
    ),
    e.UncleanText: (
        S("“{table:table}”的“{column:column}”含有未经整理的文字（首尾空格、全角数字或控制字符），没有保存。"),
    ),
    e.DataFolderNotEmpty: (
        S("数据文件夹“{path}”中已有数据。演示村只能建在空的数据文件夹里，请用 --data 指定一个新文件夹。"),
    ),
    # Values
    e.NotFound: (S("{key} 年没有计划可复制。", lambda x: x.kind == "plan"), S("找不到这条记录，可能已被删除。")),
    e.NeverDeleted: (S("户和成员不能删除，请通过清退、死亡、迁出等变更登记。"),),
    e.UnknownCode: (S("“{value}”不是“{list_name}”中的选项。"),),
    e.Required: (S("此项必须填写。"),),
    e.InvalidAmount: (S("“{value}”不是有效的金额（以元为单位，最多两位小数）。"),),
    e.InvalidNumber: (S("“{value}”应为数字。"),),
    e.NotAWholeNumber: (S("“{value}”应为整数。"),),
    e.NegativeValue: (S("“{value}”不能为负数。"),),
    e.NotPositive: (S("“{value}”应大于零。"),),
    e.OutOfRange: (S("“{value}”应在 {low} 到 {high} 之间。", lambda x: x.high), S("“{value}”不能小于 {low}。")),
    e.InvalidDate: (
        S("日期 {value} 晚于今天，不能登记还没有到的日子。", lambda x: x.reason == "future"),
        S("日期 {value} 太早了（应在 1880 年以后）。", lambda x: x.reason == "too_early"),
        S("日期“{value}”无效，请按 yyyy-MM-dd 填写（如 2020-06-01）。"),
    ),
    e.InvalidYear: (S("年度“{value}”无效，{first:years}。"),),
    e.InvalidFlag: (S("“{value}”应为“是”或“否”。"),),
    e.InvalidPhone: (S("联系电话“{value}”格式不正确（应为手机或固定电话号码）。"),),
    e.ControlCharacter: (S("含有看不见的控制字符（{char:char}，在第 {position} 个字处），请删除后再保存。"),),
    e.TextTooLong: (S("太长了：共 {length} 个字，最多 {limit} 个字。"),),
    e.UnknownGroup: (S("本村没有“{name}”这个村民小组。"),),
    # Register
    e.InvalidIdNumber: (S("身份证号码“{id_number}”有误：{reason:id_reason}。"),),
    e.IdNumberMismatch: (S("{field:member_field}“{typed}”与身份证号码不符，按身份证号码应为“{derived}”。"),),
    e.RelationSexMismatch: (S("与户主关系“{relation:relation}”与性别“{sex:sex}”不符，请核对与户主关系或性别。"),),
    e.SameSexCouple: (S("户主和配偶的性别都是“{sex:sex}”，请核对。"),),
    e.SchoolStatusMissing: (S("{name} 今年 {age} 岁，正处义务教育年龄，没有填写在校生状况。"),),
    e.DuplicateIdNumber: (
        S(
            "身份证号码 {id_number} 已登记在户编号 {household_no} 的“{name}”名下，同一人在本村只能登记一次。",
            lambda x: x.household_no,
        ),
        S("身份证号码 {id_number} 与本户的“{name}”相同，同一人只能登记一次。", lambda x: x.name),
        S("身份证号码 {id_number} 重复，同一人只能登记一次。"),
    ),
    e.RepeatedCause: (S("致贫原因“{value:cause}”重复填写了。"),),
    e.HeadCount: (
        S("每户必须有且只有一名户主，且户主是本户现有成员。现在没有户主。", lambda x: x.count == 0),
        S("每户必须有且只有一名户主，且户主是本户现有成员。现在有 {count} 名。"),
    ),
    e.NoMembers: (S("一户至少要有一名成员（户主）。"),),
    e.EventOutOfOrder: (S("日期 {date} 早于应在其前的 {last}，请核对日期和年度。"),),
    e.InvalidStatusChange: (S("当前状态为“{current:status}”，不能进行“{event:status_event}”。"),),
    e.StatusDisagrees: (S("脱贫状态“{status:status}”与状态变更记录（应为“{derived:status}”）不一致。"),),
    e.MemberAlreadyLeft: (S("“{name}”已不是本户现有成员。"),),
    e.VillageCodeInvalid: (S("村代码“{code}”应为12位数字（统计用区划代码）。"),),
    e.DuplicateVillage: (S("村代码 {code} 已经存在。"),),
    e.DuplicateGroup: (S("村民小组“{name}”重名了。"),),
    e.GroupInUse: (S("村民小组“{name}”还有 {households} 户，不能删除。请先把这些户调到其他小组。"),),
    e.DuplicateHouseholdNo: (S("户编号 {household_no} 已被本村其他户使用。"),),
    e.Repeated: (S("与{first}重复。"),),
    # Assistance
    e.OverlappingPairing: (
        S(
            "结对时间（{start} 至 {end:or_now}）与{other_cadre}的结对（{other_start} 至 {other_end:or_now}）重叠。"
            "一户同一时间只能有一名帮扶责任人。"
        ),
    ),
    e.VisitBeforePairing: (S("走访日期 {visit_date} 早于该干部与本户结对的开始日期 {pairing_start}。"),),
    e.NotPaired: (S("{cadre}没有与本户结对，也不是驻村工作队成员，不能登记为走访人。"),),
    e.CadreHasLeft: (S("{cadre}已于 {left_date} 离开，不能再结对或走访。"),),
    e.PovertyLineMissing: (S("还没有 {year} 年{province}的扶贫标准，无法核查收入。请先在“扶贫标准”中填写。"),),
    e.PlanExists: (S("{year} 年已有计划，不能再复制上年计划覆盖它。"),),
    e.StepOutOfOrder: (
        S("{procedure:procedure}的步骤已全部登记。", lambda x: not x.expected),
        S("{procedure:procedure}还没有开始，无需终止。", lambda x: x.got == "stop"),
        S("{procedure:procedure}要按顺序进行：下一步应是“{expected:step}”，不能先登记“{got:step}”。"),
    ),
    e.YearOfApplicant: (
        S(
            "新申请户还没有识别年度，识别程序办完才有：如果这是以前已识别的户，请勾选“补录”并写明原因；否则请清空识别年度。"
        ),
    ),
    e.LoanBeyondPolicy: (
        S("贷款金额 {value:yuan} 元，超过扶贫小额信贷 {limit:yuan} 元的标准，请核实。", lambda x: x.what == "amount"),
        S("贷款期限 {value} 个月，超过扶贫小额信贷 {limit} 个月的标准，请核实。"),
    ),
    e.NothingToNotice: (
        S(
            "{year} 年没有要公示的户：识别公示列出村两委审核过的申请户，退出公示列出已经“贫困户认可”的户，请先办理程序。",
            lambda x: x.kind in ("identify", "exit"),
        ),
        S("{year} 年没有可公示的内容（{kind:notice_kind}），未生成。"),
    ),
    e.NoticeStepRefused: (S("公示未打印：户 {household_no} 不能把这次公示登记为公示步骤（{reason:error}）。"),),
    e.RoundOfAnotherYear: (
        S("这一轮程序属于 {round_year} 年，不能用于 {year} 年：每年的程序要单独办理（评议、公示都在当年）。"),
    ),
    e.NoticeTooShort: (S("公示期只有 {days} 天，至少要 {required} 天。"),),
    e.ProcedureIncomplete: (S("{procedure:procedure}还没有完成：下一步是“{missing:step}”。"),),
    e.NoticeNotOver: (S("公示期还没有结束，{until} 起才能进行下一步。"),),
    e.ExitCheckFailed: (
        S(
            "该户本年度退出核查未通过（未达标：{failed:criteria}），不能标注脱贫。"
            "确需标注的，请填写说明理由，将记录在案。",
            lambda x: x.failed and not x.unrecorded,
        ),
        S(
            "该户本年度退出核查有未填写的项目（{unrecorded:criteria}），不能标注脱贫：请先补填。"
            "确需标注的，请填写说明理由，将记录在案。",
            lambda x: x.unrecorded and not x.failed,
        ),
        S(
            "该户本年度退出核查未通过（未达标：{failed:criteria}；未填写：{unrecorded:criteria}），不能标注脱贫。"
            "确需标注的，请填写说明理由，将记录在案。",
        ),
    ),
    e.IdNumberUpgraded: (
        S("15 位旧身份证号码 {old} 已按国家标准升为 18 位：{new}（年份前加“19”，末位补校验码），请与户口簿核对。"),
    ),
    e.CompulsoryDoneContradicted: (S("文化程度为“{education:education}”，不可能已完成初中学业：请核对其中一项。"),),
    e.CriteriaAlwaysRequired: (
        S("退出标准不能去掉{criteria:criteria}：收入和两不愁三保障必须一并核查，只有其余各项可以按省里规定取舍。"),
    ),
    e.BelowPolicyFloor: (S("设置“{name:setting}”不能低于政策规定的 {floor} 天（填的是 {value} 天）。"),),
    e.OverrideReasonTooThin: (
        S(
            "例外标注的理由“{reason}”不够：请写明该户虽有未达标项、为何仍可退出"
            "（如已采取的措施和依据），至少 10 个字；“领导要求”之类不能作为理由。"
        ),
    ),
    e.InvalidSetting: (S("设置“{name:setting}”的值“{value}”不合理。"),),
    e.VillageLineDiffers: (
        S(
            "村里用的 {year} 年{province}扶贫标准是 {village_fen:yuan} 元，与县里的 {county_fen:yuan} 元不同；"
            "县里核查退出时用县里的标准。"
        ),
    ),
    e.VillageSettingDiffers: (
        S(
            "村里的设置“{name:setting}”是“{village:setting_value}”，与县里的“{county:setting_value}”不同；"
            "县里核查时用县里的设置。"
        ),
    ),
    e.BeforeAnnouncement: (S("公告日期为 {announced}，不能早于公告办理。"),),
    # Ledgers
    e.DisbursementBeforeStart: (S("拨付日期 {pay_date} 早于项目开工日期 {start_date}。"),),
    e.NotRegisteredHousehold: (S("受益户“{household}”不是本村的建档立卡户。"),),
    e.AttendanceTwice: (S("{cadre} {day} 的考勤已经登记过了。"),),
    e.NotOnTeam: (S("{cadre}不是驻村工作队成员，不记驻村考勤。"),),
    e.DeadlineBeforeInspection: (S("整改期限 {deadline} 早于检查日期 {inspect_date}。"),),
    e.PeriodReversed: (S("公示结束日期 {end} 早于开始日期 {start}。"),),
    # Files and jobs
    e.FontUnusable: (S("字体文件“{path}”不能用于 PDF（需要含中文和英文数字的 TrueType 字体）：{detail}"),),
    e.FileRefused: tuple(S(f"{{path:file}}：{text}。", _reason_is(reason)) for reason, text in REFUSALS.items())
    + (S("{path:file}：无法读取这个文件。"),),
    e.MissingColumn: (S("“{column}”必须填写，文件中没有这一列。"),),
    e.ExportBlocked: (S("“{sheet}”工作表第 {row} 行的“{column}”含有无法写入 Excel 的字符，请在程序中改正后再导出。"),),
    e.Cancelled: (S("已取消，没有生成文件。"),),
    e.ChainUnacknowledged: (
        S(
            "变更记录的链条有还没有人确认的问题，不能导出上报包：\n{findings}\n"
            "恢复备份，或由管理员确认这些问题；确认会记入变更记录并写进上报包。"
        ),
    ),
    e.ValidationFailed: (S("有 {problems:count} 处需要改正，没有保存。"),),
    e.CundangError: (S("操作没有完成。"),),
}


class _Formatter(string.Formatter):
    def __init__(self, error: Any) -> None:
        self.error = error

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec:
            return _RENDERERS[format_spec](value, self.error)
        return str(value)


def sentence_for(error: e.CundangError) -> Sentence:
    """The sentence that words this error (its class's, else its nearest base class's)."""
    for klass in type(error).__mro__:
        for s in SENTENCES.get(klass, ()):
            if s.when is None or s.when(error):
                return s
    raise KeyError(type(error).__name__)


def word(error: e.CundangError) -> str:
    """One clear sentence for a typed error."""
    return _Formatter(error).vformat(sentence_for(error).template, (), error.facts)


def refusal(error: e.FileRefused) -> str:
    """Why a file was refused, without its name (where a list already names the file)."""
    return REFUSALS.get(error.reason, "无法读取这个文件").format(detail=error.detail) + "。"


def describe(error: BaseException) -> str:
    """One clear sentence for a clerk, for any error the program expects (and a plain one for
    those it does not: the details go to the log, never English to the screen)."""
    if isinstance(error, e.ValidationFailed):
        return "\n".join(describe_problem(p) for p in error.problems)
    if isinstance(error, e.CundangError):
        return word(error)
    if isinstance(error, sql.Error):
        return _database(error)
    if isinstance(error, OSError):
        return _os(error)
    if isinstance(error, MemoryError):
        return "内存不足，操作没有完成。请关闭其他程序后再试。"
    return f"发生意外错误（{type(error).__name__}），操作没有完成。请记下当时的操作，告诉技术人员。"


WAITING = "等待另一个窗口或程序写完……"  # while a write waits for another's (window and CLI)


_CONSTRAINTS = (
    ("members_one_registration", "同一人在本村只能登记一次（证件号码重复）"),
    ("members_one_head", "每户只能有一名户主"),
    ("members_id_number_valid", "证件号码不正确"),
    ("pairings_one_current", "一户同时只能有一名帮扶责任人"),
    ("UNIQUE", "与已有的记录重复"),
    ("FOREIGN KEY", "引用的记录不存在"),
    ("CHECK", "数值不符合要求"),
    ("NOT NULL", "有必须填写的项目没有填"),
    ("never deleted", "户、成员及其变更记录不能删除"),
    ("append-only", "变更记录不能修改"),
)


def _database(error: sql.Error) -> str:
    text = str(error)
    if isinstance(error, sql.IntegrityError):
        for key, why in _CONSTRAINTS:
            if key in text:
                return f"保存被数据库拒绝：{why}。没有写入任何内容。"
        return "保存被数据库拒绝，没有写入任何内容。"
    kind = failure_kind(error)
    if kind == "busy":
        return "数据文件正被另一个窗口或程序使用，请稍后再试。没有写入任何内容。"
    if kind == "full":
        return "磁盘已满，没有写入任何内容。请腾出磁盘空间后再试。"
    if kind in ("damaged", "notadb"):
        # Said before any check has proved it: the clerk is sent to the check, not told it is damaged.
        return (
            "读取数据文件时出错，没有写入任何内容。请用“文件”菜单的“检查数据文件”（或 cundang check-db）检查；"
            "检查确认损坏时，再从备份恢复。"
        )
    if kind == "readonly":
        return "数据文件是只读的，不能写入。请检查文件的权限。"
    return "数据文件读写出错，数据没有被部分写入。请检查磁盘后再试。"


_ERRNO = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满",
    errno.EISDIR: "这是一个文件夹，请给出文件名",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EROFS: "磁盘是只读的",
    errno.EEXIST: "文件已存在",
    errno.EPIPE: "输出被关闭",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被其他程序使用",
}


def _os(error: OSError) -> str:
    why = _ERRNO.get(error.errno or 0, "无法读写文件")
    where = f"（{error.filename}）" if error.filename else ""
    return f"文件操作失败：{why}{where}。"


def describe_problem(problem: e.Problem) -> str:
    """A problem with its place: “第 2 名成员 · 证件号码：…”."""
    where = problem.where
    prefix = fields.field_label(where)
    if len(where) >= 3 and isinstance(where[1], int) and where[0] in _ROW_NOUNS:
        prefix = f"第 {where[1] + 1} {_ROW_NOUNS[str(where[0])]} · {prefix}"
    text = describe(problem.error)
    if problem.level != e.ERROR:
        text = f"（{problem.level}）{text}"
    return f"{prefix}：{text}" if prefix else text


_ROW_NOUNS = {"members": "名成员", "measures": "条措施", "problems": "个问题", "village_groups": "个村民小组"}


# --- Words the program says of its own results ----------------------------------------------


def step_label(procedure: str, step: str) -> str:
    """A procedure step by its label (the step list depends on the procedure)."""
    try:
        return codes.step_label(procedure, step)
    except (KeyError, e.UnknownCode):
        return step


def level_label(level: str) -> str:
    return level


def criterion_label(key: str) -> str:
    """Household criteria from the code list; village ones from the village's field labels."""
    if key in codes.EXIT_CRITERION:
        return codes.EXIT_CRITERION.label(key)
    village = fields.record("villages")
    if key == "collective_income":
        return village.label("collective_income_fen")
    return "贫困发生率" if key == "incidence" else village.label(key) if key in village else key


# What a fact of the exit check says, in the order it is said (models.rules.exit_check.Result.facts).
_EXIT_FACTS: tuple[tuple[str, str], ...] = (
    ("dropout", "适龄儿童失学辍学：{}"),
    ("not_enrolled", "适龄儿童为非在校生且未完成初中：{}"),
    ("uninsured", "未参加城乡居民基本医疗保险：{}"),
    ("school_unknown", "未填写在校生状况：{}"),
    ("insurance_unknown", "未填写是否参加基本医疗保险：{}"),
)


def _flag_words(key: str, facts: Mapping[str, Any]) -> list[str]:
    name = criterion_label(key)
    when = "该年" if key in codes.EXIT_CRITERION else "村情中"  # a household's year, or the village's facts
    if facts.get("flag") == 0:
        return [f"{when}“{name}”记为否"]
    if facts.get("flag_unknown"):
        return [f"{when}未填写“{name}”"]
    return []


def describe_result(result: Any) -> str:
    """Why a criterion of the exit check (models.rules.exit_check.Result) is 达标, 未达标 or 未填写,
    in words that cannot be read backwards: the fact, then how it stands against the standard."""
    f: Mapping[str, Any] = result.facts
    key = result.criterion
    if key == "income":
        if f.get("income_unknown"):
            return "未填写该年收入"
        if f.get("line_unknown"):
            return "没有该年本省的扶贫标准"
        if f.get("size_unknown"):
            return "该年家庭人口为 0，无法计算人均纯收入"
        verdict = "超过" if result.passed else "未超过"
        # A county without its own line for the year checks against the one the village's package carried.
        whose = "村里上报的" if f.get("line_source") == "village" else ""
        return (
            f"人均纯收入 {format_fen(f['per_capita_fen'])} 元，{verdict}{whose}扶贫标准 {format_fen(f['line_fen'])} 元"
        )
    if key == "incidence":
        if f.get("population_unknown"):
            return "未填写该年农业人口，无法计算贫困发生率"
        verdict = "不高于" if result.passed else "高于"
        return f"贫困发生率 {f['permille'] / 10:.2f}%，{verdict}标准 {f['max'] / 10:g}%"
    if key == "collective_income":
        if f.get("fen") is None:
            return "未填写村集体经济收入"
        verdict = "不低于" if result.passed else "低于"
        return f"村集体经济收入 {format_fen(f['fen'])} 元，{verdict}标准 {format_fen(f['min'])} 元"
    parts = [template.format("、".join(f[name])) for name, template in _EXIT_FACTS if f.get(name)]
    if f.get("dangerous_house"):
        parts.insert(0, f"住房为{codes.DANGEROUS_HOUSE.label(f['dangerous_house'])}危房")
    if f.get("house_unknown"):
        parts.append("未填写危房等级")
    if f.get("water_conflict"):
        own, year = (codes.YES_NO.label(str(int(bool(v)))) for v in f["water_conflict"])
        parts.append(f"户基本情况记为饮水安全“{own}”，该年两不愁三保障记为“{year}”，两处不一致，请核实后改正")
    parts += _flag_words(key, f)
    return "；".join(parts) or codes.EXIT_OUTCOME.label(result.outcome)


def exit_verdict(check: Any) -> str:
    """A household's exit check in a phrase: 达标, or what is 未达标 and what 未填写, by criterion."""
    if check.passed:
        return codes.EXIT_OUTCOME.label("met")
    parts = [
        f"{codes.EXIT_OUTCOME.label(outcome)}：" + "、".join(map(codes.EXIT_CRITERION.label, keys))
        for outcome, keys in (("failed", check.failed), ("missing", check.missing))
        if keys
    ]
    return "；".join(parts)


CONTROLS_REMOVED = "已从输入框中去掉这些字符，请核对后再保存。"


_CHANGE_KINDS = {
    "control": "去掉看不见的控制字符",
    "trimmed": "去掉首尾空格",
    "folded": "全角数字字母改为半角",
    "truncated": "超长部分截去",
    "round_year": "跨年办理的一轮程序，各步骤的所属年度按该轮第一步的年度填写",
    "year_facts": "改为分年度保存，以前各年度一律按升级时的现有情况填写，请按年度核对更正",
}


def upgrade_notes(report: Mapping[str, Any]) -> list[str]:
    """What an upgrade that cleaned stored text did, in sentences for the clerk."""
    lines = []
    for table, column, kind, count in report.get("changed", []):
        record = fields.RECORDS.get(table)
        where = f"{record.title}的“{record.label(column)}”" if record and column in record else "一些记录"
        lines.append(f"{where} {count} 处：{_CHANGE_KINDS.get(kind, '已整理')}")
    kept = report.get("kept", [])
    if kept:
        lines.append(f"另有 {len(kept)} 处整理后会与其他记录重复，保留原样，请人工核对")
    if not lines:
        return []
    return ["升级数据时整理了已保存的文字（原来的内容记在变更记录中）：" + "；".join(lines) + "。"]
