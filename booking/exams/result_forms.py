"""The institution's exam entry form, grouped as the national form (儿童入园（所）健康检查表):
history, anthropometry, the physical examination by system, haemoglobin, screenings, the
vaccination record and the conclusion. The ranges are the service's (results.py); the form
only parses."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..inputs import DateField, DecimalField
from .models import SYSTEM_ITEMS
from .result_labels import CONCLUSION_LABELS, SCREENING_LABELS, SYSTEM_LABELS

_DATE = _l("请按 年-月-日 填写日期，例如 2026-11-20")


def _choices(labels, blank):
    return lambda: [("", blank)] + [(k, v) for k, v in labels.items()]


def _state():
    return [("", _l("未检查")), ("normal", _l("正常")), ("abnormal", _l("异常"))]


class ExamResultForm(FlaskForm):
    examined_on = DateField(_l("体检日期"), validators=[InputRequired(_l("请填写体检日期"))],
                            invalid_value_message=_DATE)
    history = TextAreaField(_l("既往病史与过敏史"), validators=[
        Optional(), Length(max=2000, message=_l("最多 2000 个字"))])
    height_cm = DecimalField(_l("身长/身高（厘米）"), places=1, validators=[Optional()],
                             invalid_value_message=_l("请填写数字"))
    weight_kg = DecimalField(_l("体重（千克）"), places=2, validators=[Optional()],
                             invalid_value_message=_l("请填写数字"))
    haemoglobin_g_l = IntegerField(_l("血红蛋白（g/L）"), validators=[Optional()])
    vision = SelectField(_l("视力筛查"), choices=_choices(SCREENING_LABELS, _l("未筛查")), default="",
                         invalid_choice_message=_l("请选择通过或转诊"))
    hearing = SelectField(_l("听力筛查"), choices=_choices(SCREENING_LABELS, _l("未筛查")), default="",
                          invalid_choice_message=_l("请选择通过或转诊"))
    vaccination_checked = BooleanField(_l("已查验预防接种证"))
    vaccination_note = StringField(_l("接种情况说明"), validators=[
        Optional(), Length(max=200, message=_l("最多 200 个字"))])
    conclusion = SelectField(_l("结论"), choices=_choices(CONCLUSION_LABELS, _l("未下结论")), default="",
                             invalid_choice_message=_l("结论应为合格、不合格或需复查"))
    follow_up_actions = TextAreaField(_l("需复查或处理的项目"), validators=[
        Optional(), Length(max=1000, message=_l("最多 1000 个字"))])
    follow_up_by = DateField(_l("复查期限"), validators=[Optional()],
                             invalid_value_message=_DATE)

    def findings(self) -> dict:
        """The systems examined, as the service takes them."""
        out = {}
        for code in SYSTEM_ITEMS:
            state = getattr(self, f"sys_{code}").data
            if state:
                out[code] = {"normal": state == "normal",
                             "note": getattr(self, f"note_{code}").data or ""}
        return out

    def values(self) -> dict:
        return {"examined_on": self.examined_on.data, "history": self.history.data,
                "height_cm": self.height_cm.data, "weight_kg": self.weight_kg.data,
                "haemoglobin_g_l": self.haemoglobin_g_l.data, "findings": self.findings(),
                "vision": self.vision.data, "hearing": self.hearing.data,
                "vaccination_checked": self.vaccination_checked.data,
                "vaccination_note": self.vaccination_note.data,
                "conclusion": self.conclusion.data,
                "follow_up_actions": self.follow_up_actions.data,
                "follow_up_by": self.follow_up_by.data}

    def fill(self, result) -> None:
        """A saved draft into the form (a GET)."""
        for name in ("examined_on", "history", "height_cm", "weight_kg", "haemoglobin_g_l",
                     "vaccination_checked", "vaccination_note", "follow_up_actions",
                     "follow_up_by"):
            getattr(self, name).data = getattr(result, name)
        for name in ("vision", "hearing", "conclusion"):
            getattr(self, name).data = getattr(result, name) or ""
        for code, item in (result.findings or {}).items():
            if code in SYSTEM_ITEMS:
                getattr(self, f"sys_{code}").data = "normal" if item.get("normal") else "abnormal"
                getattr(self, f"note_{code}").data = item.get("note") or ""


# One state and one note per system of the national form, named after its code.
for _code in SYSTEM_ITEMS:
    # A system left out of the post is "not examined" (""), as the blank choice says.
    setattr(ExamResultForm, f"sys_{_code}", SelectField(
        SYSTEM_LABELS[_code], choices=_state, default="",
        invalid_choice_message=_l("请选择正常或异常")))
    setattr(ExamResultForm, f"note_{_code}", StringField(_l("所见"), validators=[
        Optional(), Length(max=200, message=_l("最多 200 个字"))]))


class SignForm(FlaskForm):
    """The doctor's signature: a button (CSRF only)."""


FIELD_OF = {f"findings.{c}": f"sys_{c}" for c in SYSTEM_ITEMS}
