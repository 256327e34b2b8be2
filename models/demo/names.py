"""Word lists for the demo generator: surnames, given-name characters, place names."""
from __future__ import annotations

# Common surnames, most frequent first (weights fall off with rank).
SURNAMES = (
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 "
    "彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
    "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 "
    "万 钱 严 覃 武 戴 莫 孔 向 汤 岑 陆 罗 班 杨 王 黄"
).split()

MALE_CHARS = list("伟强军勇杰磊涛明超刚平辉华鹏飞斌波健林建国志文斌海峰德福贵财富成龙虎山水发生荣昌旺顺兴义忠信仁春")
FEMALE_CHARS = list("芳娟敏静丽艳秀英华玉兰梅红霞燕琴云莲凤珍翠萍花菊娥美妹香桂春秋月雪")

TOWNSHIPS = ("坪山镇", "者楼镇", "双江镇", "冗渡镇", "丫他镇", "巧马镇", "秧坝镇", "岩架镇", "八渡镇", "达央镇")
VILLAGE_FIRST = list("和新大小上下东西南北高平石龙凤岩坡坝田水")
VILLAGE_SECOND = list("平寨坪坝坡岭湾冲寨屯场沟洞山")
GROUP_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")

BANKS = ("农村信用社", "中国农业银行", "中国邮政储蓄银行", "农村商业银行")

DROPOUT_REASONS = ("家庭经济困难", "厌学", "身体原因", "外出务工")
REMOVE_REASONS = ("家庭有财政供养人员，识别不准", "购买商品房，不符合识别标准", "家庭有经营实体，识别不准")
RETURN_REASONS = ("家庭成员患大病，支出骤增", "遭受自然灾害，收入大幅下降", "务工收入中断")
