"""The checklist of dynamic evaluation (动态评估): WS/T 821—2023 《托育机构质量评估标准》 as this
system renders it (docs/evaluation.md).

What the standard sets, kept here as it sets it: the seven dimensions and their points (办托条件
100, 托育队伍 140, 保育照护 200, 卫生保健 210, 养育支持 80, 安全保障 200, 机构管理 70 — 1,000 in
all) and that 16 basic indicators (基本指标) fail a centre outright (grade D). What is ours: the
items within each dimension, their wording and their points (they sum to the dimension's
total) and which item carries each basic indicator. The item wording is to be checked against
the official text before it is relied on.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..regulator.inspections import DIMENSIONS


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    label: object
    max_points: int
    basic: bool = False  # a basic indicator (基本指标): failing it grades the centre D


def _items(dimension, *rows):
    return [Item(code, dimension, label, points, basic) for code, label, points, basic in rows]


ITEMS: list[Item] = [
    *_items("conditions",
            ("cond_1", _l("依法登记并完成托育机构备案"), 20, True),
            ("cond_2", _l("场地选址符合要求，远离污染源和危险区域"), 20, True),
            ("cond_3", _l("建筑设计、室内外活动面积符合规范"), 25, False),
            ("cond_4", _l("设施设备、玩具和图书适宜婴幼儿"), 20, False),
            ("cond_5", _l("消防验收或备案合格"), 15, True)),
    *_items("staff",
            ("staff_1", _l("工作人员无犯罪记录、虐童等违法行为"), 30, True),
            ("staff_2", _l("工作人员持有效健康合格证明"), 25, True),
            ("staff_3", _l("保育人员与婴幼儿配比达标"), 30, True),
            ("staff_4", _l("负责人、保育人员具备相应资质"), 30, False),
            ("staff_5", _l("岗前培训与继续教育"), 25, False)),
    *_items("care",
            ("care_1", _l("一日生活安排科学合理"), 40, False),
            ("care_2", _l("回应性照护，无体罚和变相体罚"), 50, True),
            ("care_3", _l("营养与喂养"), 40, False),
            ("care_4", _l("睡眠、如厕、清洁等生活照料"), 35, False),
            ("care_5", _l("游戏与早期学习活动"), 35, False)),
    *_items("health",
            ("health_1", _l("入托（所）健康检查与预防接种查验"), 40, True),
            ("health_2", _l("晨午检与全日健康观察"), 40, False),
            ("health_3", _l("传染病防控与报告"), 40, True),
            ("health_4", _l("食品安全：餐饮服务许可与食品留样"), 45, True),
            ("health_5", _l("卫生消毒"), 25, False),
            ("health_6", _l("生长发育监测与健康档案"), 20, False)),
    *_items("parenting",
            ("parenting_1", _l("家长沟通与家托共育"), 30, False),
            ("parenting_2", _l("科学育儿指导"), 25, False),
            ("parenting_3", _l("社区服务与资源共享"), 25, False)),
    *_items("safety",
            ("safety_1", _l("视频监控全覆盖且录像保存不少于 90 日"), 40, True),
            ("safety_2", _l("婴幼儿接送与身份查验"), 35, True),
            ("safety_3", _l("消防安全与应急疏散演练"), 40, True),
            ("safety_4", _l("设施设备安全与伤害预防"), 45, True),
            ("safety_5", _l("突发事件处置预案"), 40, True)),
    *_items("management",
            ("management_1", _l("管理制度健全并执行"), 20, False),
            ("management_2", _l("收费公示，按规定收取和退还费用"), 20, True),
            ("management_3", _l("档案与信息管理（含个人信息保护）"), 15, False),
            ("management_4", _l("质量自评与持续改进"), 15, False)),
]
BY_CODE: dict[str, Item] = {i.code: i for i in ITEMS}
BASIC: tuple[str, ...] = tuple(i.code for i in ITEMS if i.basic)


def items_of(dimension: str) -> list[Item]:
    return [i for i in ITEMS if i.dimension == dimension]


def dimensions():
    """[(key, label, total, items)] in the standard's order."""
    return [(key, label, total, items_of(key)) for key, (label, total) in DIMENSIONS.items()]
