"""The translated words for the daily record's codes, and the pickup summary's text (which the
notification renders in the reader's language, from the codes it stores)."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MEAL_LABELS = {"breakfast": _l("早餐"), "morning_snack": _l("上午加餐"), "lunch": _l("午餐"),
               "afternoon_snack": _l("下午加餐"), "dinner": _l("晚餐")}
AMOUNT_LABELS = {"none": _l("没吃"), "some": _l("吃了一些"), "most": _l("吃了大部分"),
                 "all": _l("全部吃完")}
TOILET_LABELS = {"wet": _l("尿布：湿"), "dirty": _l("尿布：大便"), "dry": _l("尿布：干爽"),
                 "potty_wee": _l("如厕：小便"), "potty_poo": _l("如厕：大便")}
MOOD_LABELS = {"happy": _l("开心"), "calm": _l("平静"), "tired": _l("疲倦"), "fussy": _l("烦躁"),
               "upset": _l("哭闹")}
MOOD_ICONS = {"happy": "😊", "calm": "🙂", "tired": "😪", "fussy": "😣", "upset": "😢"}
KIND_LABELS = {"meal": _l("用餐"), "nap": _l("午睡"), "toilet": _l("如厕/换尿布"),
               "mood": _l("心情"), "note": _l("老师留言"), "photo": _l("照片")}
# What the class view's one submit can log for the children ticked.
ACTION_LABELS = {"meal": _l("用餐"), "nap_start": _l("开始午睡"), "nap_end": _l("结束午睡"),
                 "toilet": _l("如厕/换尿布")}
PRESENCE_LABELS = {"present": _l("在园"), "departed": _l("已离园"), "sent_home": _l("晨检未通过，已回家"),
                   "absent": _l("缺勤"), "not_arrived": _l("未入园")}


def label(table: dict, code) -> str:
    return str(table.get(code, code or ""))


def duration(minutes) -> str:
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)s 小时 %(m)s 分钟", h=hours, m=rest)
    if hours:
        return _("%(h)s 小时", h=hours)
    return _("%(m)s 分钟", m=rest)


def summary_body(p: dict) -> str:
    """The pickup summary (notification `day_summary`) from the codes `summary.notify_pickup`
    stores. Every part is optional: a day without naps says nothing about naps."""
    if not p.get("on_date"):
        return ""
    parts = [_("%(d)s 在 %(centre)s：", d=p.get("on_date", ""), centre=p.get("centre", ""))]
    if p.get("arrived"):
        parts.append(_("%(t)s 入园。", t=p["arrived"]))
    if p.get("departed"):
        parts.append(_("%(t)s 由 %(who)s 接走。", t=p["departed"], who=p.get("collected_by") or "—")
                     if p.get("collected_by") else _("%(t)s 离园。", t=p["departed"]))
    meals = [f"{label(MEAL_LABELS, m)} {label(AMOUNT_LABELS, a)}"
             for m, a in p.get("meals") or () if m in MEAL_LABELS]
    if meals:
        parts.append(_("用餐：%(meals)s。", meals=_("，").join(meals)))
    if p.get("naps"):
        parts.append(_("午睡 %(n)s 次，共 %(d)s。", n=p["naps"], d=duration(p.get("nap_minutes"))))
    if p.get("toilets"):
        parts.append(_("如厕/换尿布 %(n)s 次。", n=p["toilets"]))
    if p.get("mood") in MOOD_LABELS:
        parts.append(_("心情：%(mood)s。", mood=label(MOOD_LABELS, p["mood"])))
    if p.get("notes") or p.get("photos"):
        parts.append(_("老师留言 %(n)s 条，照片 %(p)s 张，请在“孩子的一天”查看。",
                       n=p.get("notes") or 0, p=p.get("photos") or 0))
    return "".join(parts)
