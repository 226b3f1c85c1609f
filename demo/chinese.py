"""Team East in Chinese (`salesbot demo --lang zh`): the same people, story and numbers,
with Chinese customers, notes and stand-up answers. Each tuple matches its English one in
demo/team.py and demo/week.py item for item, so the same seed tells the same story."""

from __future__ import annotations

import importlib.util
import re

from demo.team import Words

CHINESE = Words(
    team="华东",
    customers=(
        ("杭州联华零售集团", "联华", "A", "alice"),
        ("上海华怡医药", "华怡", "A", "alice"),
        ("江苏天润钢铁", "天润", "A", "bob"),
        ("宁波海通港口物流", "海通", "A", "bob"),
        ("深圳凯达电子", "凯达", "A", "chen"),
        ("无锡芯锐半导体", "芯锐", "A", "chen"),
        ("苏州恒通纺织", "恒通", "A", "dana"),
        ("北京中科云数据", "中科", "A", "eli"),
        ("合肥远大家电", "远大", "B", "alice"),
        ("常州瑞丰汽配", "瑞丰", "B", "alice"),
        ("上海美琳化妆品", "美琳", "B", "alice"),
        ("苏州绿野物流", "绿野", "B", "bob"),
        ("南京金陵酒店", "金陵", "B", "bob"),
        ("厦门蓝波食品", "蓝波", "B", "bob"),
        ("杭州西湖软件", "西湖软件", "B", "chen"),
        ("青岛海洋冷链", "海洋冷链", "B", "chen"),
        ("绍兴越丰印务", "越丰", "B", "dana"),
        ("嘉兴东升包装", "东升", "B", "dana"),
        ("温州百利鞋业", "百利", "B", "eli"),
        ("昆山精密模具", "昆山模具", "B", "eli"),
        ("闵行鲜焙烘焙连锁", "闵行烘焙", "C", "alice"),
        ("松江办公用品", "松江办公", "C", "alice"),
        ("普陀牙科诊所", "普陀牙科", "C", "alice"),
        ("太仓港贸易", "太仓港", "C", "bob"),
        ("扬州湖畔茶馆", "湖畔茶馆", "C", "bob"),
        ("镇江醋厂", "镇江醋厂", "C", "bob"),
        ("南通棉纺厂", "南通棉纺", "C", "bob"),
        ("金华五金工具", "金华五金", "C", "chen"),
        ("湖州丝绸工坊", "湖州丝绸", "C", "chen"),
        ("丽水生态农场", "丽水农场", "C", "chen"),
        ("舟山海产出口", "舟山海产", "C", "chen"),
        ("徐汇语言学校", "徐汇语校", "C", "dana"),
        ("静安联合办公", "静安办公", "C", "dana"),
        ("虹口单车租赁", "虹口单车", "C", "dana"),
        ("宝山废料回收", "宝山回收", "C", "dana"),
        ("浦东宠物医院", "浦东宠物", "C", "dana"),
        ("奉贤花卉市场", "奉贤花市", "C", "eli"),
        ("青浦奥特莱斯", "青浦奥莱", "C", "eli"),
        ("崇明有机大米", "崇明大米", "C", "eli"),
        ("嘉定洗车连锁", "嘉定洗车", "C", "eli"),
    ),
    products={
        "A": ("ERP上线", "集团CRM", "数据平台", "三年许可"),
        "B": ("CRM许可", "仓储系统", "BI看板", "年度续约"),
        "C": ("入门套餐", "POS升级", "服务合同", "试点"),
    },
    openers={
        "visit": ("拜访了{who}", "顺路拜访了{who}", "现场拜访{who}"),
        "call": ("给{who}打了电话", "与{who}电话沟通", "电话跟进{who}"),
        "demo": ("向{who}演示了平台", "为{who}做了产品演示", "向{who}展示了报表模块"),
        "meeting": ("与{who}开会", "与{who}开了研讨会", "与{who}午餐会谈"),
        "email": ("给{who}发了邮件", "把方案材料发给了{who}", "写信给{who}"),
    },
    first_openers=("首次会见{who}", "与{who}初次通话", "陌生拜访，见到了{who}"),
    who=("CTO", "采购部", "IT总监", "CFO", "运营经理", "老板", "财务团队", "销售负责人"),
    phrases={
        "positive": ("兴趣很大，要了报价", "希望下周前拿到方案", "本季度预算已确认",
                     "很契合，想尽快推进", "试点范围已谈妥"),
        "neutral": ("有兴趣但还没有时间表", "需要拉上他们领导", "要两个客户案例",
                    "在和另外两家供应商比较", "等内部评审后再议"),
        "negative": ("预算冻结到明年", "对价格不满意", "决策人不在场，没有结论",
                     "更倾向现有供应商", "项目搁置"),
    },
    next_steps=("发报价", "约演示", "发客户案例", "下周跟进", "起草方案",
                "引荐我们的解决方案工程师", "催采购订单", "安排现场拜访"),
    lost_reasons=("价格", "选了竞争对手", "今年没有预算", "项目延期", "决定自研"),
    showcase=("联华POS上线", "天润MES升级"),
    chinese=True,
)

# The Chinese option keys and values (commands/core/aliases.py) the Chinese team types:
# `类型:电话 结果:积极`. A checkout without them (before issue 18's input work) types the
# English keys (type:call) with Chinese text instead. Remove this check once both are merged.
ALIASES = importlib.util.find_spec("commands.core.aliases") is not None
KEYS = {"type": "类型", "outcome": "结果", "on": "日期", "next": "下一步", "by": "截止",
        "due": "截止", "deal": "商机", "amount": "金额", "stage": "阶段", "close": "成交日",
        "reason": "原因", "commit": "承诺", "best": "最佳", "yesterday": "昨天",
        "today": "今天", "blockers": "阻碍", "tier": "等级", "new": "新客户", "customer": "客户",
        "warning": "预警"}
VALUES = {
    "type": {"visit": "拜访", "call": "电话", "demo": "演示", "meeting": "会议", "email": "邮件"},
    "outcome": {"positive": "积极", "neutral": "中性", "negative": "消极"},
    "stage": {"lead": "线索", "qualified": "已确认", "proposal": "方案", "negotiation": "谈判"},
    "blockers": {"none": "无"},
    "new": {"yes": "是"},
}
_OPTION = re.compile(r"(?<=\s)(" + "|".join(KEYS) + r"):(\w*)")


def in_chinese_keys(line: str) -> str:
    """`line` with its option keys (and their word values) as a Chinese user types them,
    when ALIASES is on: `type:call outcome:positive` -> `类型:电话 结果:积极`."""
    if not ALIASES:
        return line

    def swap(m: re.Match[str]) -> str:
        key, value = m.group(1), m.group(2)
        return f"{KEYS[key]}:{VALUES.get(key, {}).get(value, value)}"

    return _OPTION.sub(swap, line)


# --- the simulated week (demo/week.py), as its English namesakes there -------------------

BLOCKERS: dict[tuple[int, str], str] = {
    (0, "alice"): "华怡要先看一家医药行业的参考客户，才肯谈价格",
    (1, "chen"): "凯达法务还在审我们的数据处理条款",
    (2, "chen"): "还在等凯达法务审数据处理条款",
    (4, "dana"): "恒通要的折扣超出了我的审批权限",
}
MANAGER_DAYS: tuple[tuple[str, str], ...] = (
    ("看了周报，准备销售漏斗评审", "和每个销售逐一评审销售漏斗；16:00 预测会"),
    ("和 alice、bob、chen 评审销售漏斗", "和 bob 一起拜访江苏天润钢铁"),
    ("和 bob 拜访天润：他们想做二期", "和法务敲定凯达合同"),
    ("法务已通过凯达的条款", "辅导 eli；季度预测"),
    ("预测已发给VP", "月底数据；规划下周目标"),
)
QUIET_MANAGER = ("销售漏斗评审和预测", "辅导；销售漏斗评审")
VERBS = {"visit": "拜访{customer}", "call": "致电{customer}", "demo": "给{customer}演示",
         "meeting": "与{customer}开会", "email": "给{customer}发邮件"}
OUT_OF_OFFICE, ADMIN_DAY, FOLLOW_UP_CALLS = "休假", "整理销售漏斗、回邮件", "跟进电话"
ACTION = "十二月新增两个已确认商机"
AWAY_TOMORROW = "/standup ooo 明天"
PRICING = ('/visit "上海华怡医药" type:call outcome:positive next:"发送12个网点的报价" by:周二 '
           "给CTO打了电话。要12个网点的报价")
REFERENCES = ('/visit "宁波海通港口物流" type:call outcome:neutral next:"发两个客户案例" '
              "by:周二 给采购部打了电话。要两个客户案例")

# --- the console session (demo/session.py) ----------------------------------------------

SESSION_VISITS = (
    '/visit "上海华怡医药" type:demo outcome:positive on:昨天 next:"发报价" '
    "向CTO演示了配药分析，要12个网点的报价",
    '/visit "江苏天润钢铁" type:meting outcome:positive deal:D-2 合同已签',  # the typo
    '/visit "江苏天润钢铁" type:meeting outcome:positive deal:D-2 采购部已签合同，订单随后到',
)
SESSION_DEAL = "/deal D-1 stage:negotiation amount:110万 close:下周五"
