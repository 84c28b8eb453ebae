"""What absence reasons, symptoms and sources are called (docs/absences.md)."""
from flask_babel import lazy_gettext as _l

REASON_LABELS = {
    "illness": _l("病假"),
    "family": _l("事假"),
    "unknown": _l("原因不明（未联系上家长）"),
}

SYMPTOM_LABELS = {
    "fever": _l("发热"),
    "cough": _l("咳嗽"),
    "diarrhoea": _l("腹泻"),
    "vomiting": _l("呕吐"),
    "rash": _l("皮疹"),
    "jaundice": _l("黄疸"),
    "other": _l("其他"),
}

SOURCE_LABELS = {
    "guardian": _l("家长请假"),
    "staff_follow_up": _l("老师电话追踪"),
}


def symptom_text(absence) -> str:
    """The symptoms in words, "other" replaced by what was written for it."""
    words = [absence.symptom_other or str(SYMPTOM_LABELS["other"]) if s == "other"
             else str(SYMPTOM_LABELS[s]) for s in absence.symptoms]
    return "、".join(words)
