"""Health pages' forms: the intake check, a regulator's reason, the morning check."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import (BooleanField, IntegerField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..inputs import DateField, DecimalField
from .attachments import DEFAULT_MAX_BYTES


def _results():
    return [("pass", _l("合格")), ("fail", _l("不合格")), ("follow_up", _l("需复查"))]


class HealthCheckForm(FlaskForm):
    institution = StringField(_l("体检机构"), validators=[
        DataRequired(_l("请填写体检机构")), Length(max=160, message=_l("最多 160 个字"))])
    examined_on = DateField(_l("体检日期"), validators=[InputRequired(_l("请填写体检日期"))],
                            invalid_value_message=_l("请按 年-月-日 填写日期，例如 2026-11-20"))
    height_cm = DecimalField(_l("身高（厘米）"), places=1, validators=[
        Optional(), NumberRange(min=30, max=150, message=_l("身高应在 30–150 厘米之间"))],
        invalid_value_message=_l("请填写数字"))
    weight_kg = DecimalField(_l("体重（千克）"), places=2, validators=[
        Optional(), NumberRange(min=1, max=50, message=_l("体重应在 1–50 千克之间"))],
        invalid_value_message=_l("请填写数字"))
    haemoglobin_g_l = IntegerField(_l("血红蛋白（g/L）"), validators=[
        Optional(), NumberRange(min=30, max=250, message=_l("血红蛋白应在 30–250 g/L 之间"))],
        invalid_value_message=_l("请填写整数"))
    findings = TextAreaField(_l("检查所见"), validators=[
        Optional(), Length(max=2000, message=_l("最多 2000 个字"))])
    result = SelectField(_l("体检结论"), choices=_results,
                         invalid_choice_message=_l("请选择体检结论"))
    vaccination_verified = BooleanField(_l("已查验预防接种证"))
    attachment = FileField(_l("体检表照片或 PDF（可选）"), validators=[
        FileAllowed(["jpg", "jpeg", "png", "pdf"], _l("只能上传 JPG、PNG 图片或 PDF 文件")),
        FileSize(max_size=DEFAULT_MAX_BYTES, message=_l("文件不能超过 5 MB"))])


class ReasonForm(FlaskForm):
    reason = StringField(_l("查看理由"), validators=[
        DataRequired(_l("查看个人健康记录须说明理由")),
        Length(max=400, message=_l("最多 400 个字"))])


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("退回原因"), validators=[
        DataRequired(_l("请写明退回原因，家长需要知道要改什么")),
        Length(max=400, message=_l("最多 400 个字"))])


class ArrivalForm(FlaskForm):
    temperature_c = DecimalField(_l("体温（℃）"), places=1, validators=[
        InputRequired(_l("请填写体温")),
        NumberRange(min=30, max=45, message=_l("体温应在 30–45 ℃ 之间"))],
        invalid_value_message=_l("请填写数字"))
    observations = StringField(_l("晨检观察"), validators=[
        Optional(), Length(max=500, message=_l("最多 500 个字"))])
    # No default: the carer says which, so nobody is recorded as checked (or sent home)
    # by a box left as it was.
    result = RadioField(_l("晨检结果"), choices=lambda: [("pass", _l("通过")),
                                                         ("fail", _l("未通过，送回家"))],
                        validators=[InputRequired(_l("请选择晨检结果"))])


class DepartureForm(FlaskForm):
    """Who collects the child: `collector` is g<guardian's user id>, p<listed person's id>
    or "other" (then the name and the reason); the service checks the choice."""
    collector = StringField(_l("接走人"), validators=[
        Optional(), Length(max=12, message=_l("请选择接走孩子的人"))])
    unlisted_name = StringField(_l("名单外接走人姓名"), validators=[
        Optional(), Length(max=80, message=_l("最多 80 个字"))])
    reason = StringField(_l("原因"), validators=[
        Optional(), Length(max=500, message=_l("最多 500 个字"))])


def collector_choice(form: DepartureForm) -> dict:
    """The form's choice as the service's keywords (nothing for no or a malformed choice,
    which the service refuses with its message)."""
    value = (form.collector.data or "").strip()
    if value == "other":
        return {"unlisted_name": form.unlisted_name.data, "reason": form.reason.data}
    if value[:1] in ("g", "p") and value[1:].isdigit() and len(value) < 12:
        return {("guardian_id" if value[0] == "g" else "person_id"): int(value[1:])}
    return {}
