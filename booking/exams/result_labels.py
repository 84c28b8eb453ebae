"""The words for an examination's codes (docs/exams.md, "Results"): the one place for them;
pages, the summary written into the intake check, and notifications read them from here."""
from flask_babel import lazy_gettext as _l

# The national form's (儿童入园（所）健康检查表) systems, in its order.
SYSTEM_LABELS = {
    "skin": _l("皮肤"), "eyes": _l("眼"), "ears": _l("耳"), "nose_throat": _l("鼻咽"),
    "mouth_teeth": _l("口腔牙齿"), "head_neck": _l("头颈"), "chest": _l("胸廓"),
    "heart_lungs": _l("心肺"), "abdomen": _l("腹部"), "spine_limbs": _l("脊柱四肢"),
    "genitals": _l("外生殖器"), "other": _l("其他"),
}
SESSION_ITEM_LABELS = {
    "history": _l("既往病史与过敏史"), "anthropometry": _l("身长/身高与体重"),
    "physical": _l("体格检查"), "haemoglobin": _l("血红蛋白"), "vision": _l("视力筛查"),
    "hearing": _l("听力筛查"), "vaccination": _l("预防接种证查验"),
}
CONCLUSION_LABELS = {"pass": _l("合格"), "fail": _l("不合格"), "follow_up": _l("需复查")}
SCREENING_LABELS = {"pass": _l("通过"), "refer": _l("转诊")}
STATUS_LABELS = {"draft": _l("草稿，待医生签名"), "signed": _l("已签名")}


def findings_summary(result) -> str:
    """What the intake check's findings say: the abnormal systems and the screenings to
    refer, in the form's order (the whole examination stays on the result)."""
    parts = []
    for code in SYSTEM_LABELS:
        item = (result.findings or {}).get(code)
        if item and not item.get("normal"):
            parts.append(f"{SYSTEM_LABELS[code]}: {item.get('note') or ''}".strip())
    for name, label in (("vision", SESSION_ITEM_LABELS["vision"]),
                        ("hearing", SESSION_ITEM_LABELS["hearing"])):
        value = getattr(result, name)
        if value:
            parts.append(f"{label}: {SCREENING_LABELS[value]}")
    if result.follow_up_actions:
        parts.append(f"{CONCLUSION_LABELS['follow_up']}: {result.follow_up_actions}")
    return "; ".join(parts)
