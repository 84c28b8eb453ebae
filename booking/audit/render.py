"""Notifications are stored as a kind plus parameters and rendered in the reader's language."""
import json

from flask_babel import force_locale
from markupsafe import Markup, escape
from flask_babel import gettext as _

from ..changes.labels import decided_body as change_body
from ..changes.labels import decided_title as change_title
from ..complaints.labels import complaint_body, complaint_title
from ..recognition.labels import decided_body as recognition_body
from ..recognition.labels import decided_title as recognition_title
from ..daily.labels import summary_body
from ..evaluation.labels import fix_notice_body, fix_notice_title
from ..i18n import user_data
from ..outbreaks.labels import outbreak_body, outbreak_title
from ..subsidies.review_notices import decided_body, decided_title

KINDS = ("offer_made", "hold_lapsing", "hold_lapsed", "enrolled", "reservation_cancelled",
         "priority_rejected", "filing_decided", "centre_closed", "health_check_verified",
         "withdrawn", "sent_home", "hold_extended", "session_booked", "session_cancelled",
         "signup_attempt", "password_reset",
         "staff_invited", "offer_to_switch", "waits_ended", "one_place_ended", "round_offer", "round_unplaced",
         "day_summary", "unlisted_pickup", "message_received", "bulletin", "growth_flag",
         "outbreak_alert", "check_window_open", "health_check_returned", "complaint_received",
         "complaint_account_requested", "complaint_closed", "subsidy_claim_decided",
         "centre_change_decided", "recognition_decided", "fix_item_update",
         "exam_reminder", "exam_cancelled", "exam_result_signed", "transfer_decided")
COMPLAINT_KINDS = ("complaint_received", "complaint_account_requested", "complaint_closed")


def _local(value):
    """An ISO instant shown as Beijing time."""
    from datetime import datetime

    from ..clock import LOCAL
    try:
        return datetime.fromisoformat(value).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return value or ""


def params_of(note) -> dict:
    try:
        params = json.loads(note.params or "{}")
    except ValueError:
        params = {}
    return params if isinstance(params, dict) else {}


# Parameters that are people's data (names, text someone typed), marked translate="no" on web
# pages (docs/design.md, "User data in templates").
USER_PARAMS = frozenset({"child", "centre", "round", "title", "reason", "group", "children",
                         "names", "name", "from_centre"})


def render_notification(note, locale=None, markup=False) -> tuple[str, str]:
    """(title, body) in `locale`. Each notice about a child names it; none shows an internal
    id. Notices stored before a parameter was added (the child's name, say) still render: a
    missing child reads "孩子". With `markup` (the inbox page) every parameter is escaped and
    people's data is marked as such; email, SMS and WeChat take plain text."""
    params = params_of(note)
    if params.get("expires_at"):
        params["expires_at"] = _local(params["expires_at"])
    with force_locale(locale or "zh_Hans_CN"):
        params["child"] = params.get("child") or _("孩子")
        if note.kind == "filing_decided":
            params["status"] = _filing_status(params.get("status", ""))
        if not markup:
            return _title(note.kind, params), _body(note.kind, params)
        params = {k: (user_data(v) if k in USER_PARAMS else escape(v)) if isinstance(v, str) else v
                  for k, v in params.items()}
        # Every parameter is escaped above; the sentence around them is the catalog's own.
        return Markup(_title(note.kind, params)), Markup(_body(note.kind, params))


def _filing_status(code: str) -> str:
    from ..regulator.labels import FILING_STATUS_LABELS
    label = FILING_STATUS_LABELS.get(code)
    return str(label) if label is not None else code


def _title(kind, p):
    if kind in COMPLAINT_KINDS:
        return complaint_title(kind, p)
    if kind == "subsidy_claim_decided":
        return decided_title(p)
    if kind == "centre_change_decided":
        return change_title(p)
    if kind == "recognition_decided":
        return recognition_title(p)
    if kind == "fix_item_update":
        return fix_notice_title(p)
    c = p["child"]
    return {
        "offer_made": _("候补到位：%(centre)s 为 %(child)s 保留了托位", centre=p.get("centre", ""), child=c),
        "hold_lapsing": _("%(child)s 保留的托位将在 2 小时内过期", child=c),
        "hold_lapsed": _("%(child)s 保留的托位已过期", child=c),
        "enrolled": _("%(child)s 已确认入托：%(centre)s", child=c, centre=p.get("centre", "")),
        "reservation_cancelled": _("%(child)s 的预约已被机构取消", child=c),
        "priority_rejected": _("%(child)s 申报的优先类别未通过核验", child=c),
        "filing_decided": _("备案状态更新：%(status)s", status=p.get("status", "")),
        "centre_closed": _("%(centre)s 已暂停或停止服务", centre=p.get("centre", "")),
        "health_check_verified": _("%(child)s 的入托体检已核验", child=c),
        "exam_result_signed": _("%(child)s 的入托体检结果已出具", child=c),
        "health_check_returned": _("%(child)s 的入托体检被退回，请重新上传", child=c),
        "withdrawn": _("%(child)s 已办理离园：%(centre)s", child=c, centre=p.get("centre", "")),
        "sent_home": _("%(child)s 晨检未通过，请接孩子回家", child=c),
        "hold_extended": _("%(centre)s 延长了 %(child)s 的托位保留期", centre=p.get("centre", ""), child=c),
        "check_window_open": _("%(child)s 现在可以做入托体检了", child=c),
        "session_booked": _("%(child)s 已预约场次：%(centre)s", child=c, centre=p.get("centre", "")),
        "session_cancelled": _("%(child)s 预约的场次已被机构取消", child=c),
        "exam_reminder": _("明天是 %(child)s 的入托体检：%(inst)s", child=c,
                           inst=p.get("institution", "")),
        "exam_cancelled": _("%(child)s 的入托体检场次已被体检机构取消", child=c),
        "signup_attempt": _("有人尝试用您的邮箱或手机号注册托位账号"),
        "password_reset": _("设置新密码的链接"),
        "staff_invited": _("%(centre)s 邀请您使用托位平台", centre=p.get("centre", "")),
        "offer_to_switch": _("候补到位：%(centre)s 可以换给 %(child)s", centre=p.get("centre", ""), child=c),
        "waits_ended": _("%(child)s 已入托，排在后面的候补已结束", child=c),
        "one_place_ended": _("一个孩子只能有一个托位：%(child)s 在 %(centre)s 的托位已结束",
                             child=c, centre=p.get("centre", "")),
        "round_offer": _("派位结果：%(round)s 为 %(child)s 分配了托位", round=p.get("round", ""), child=c),
        "round_unplaced": _("派位结果：%(child)s 在 %(round)s 本轮未分配到托位", child=c, round=p.get("round", "")),
        "day_summary": _("%(child)s 的在园小结（%(d)s）", child=c, d=p.get("on_date", "")),
        "unlisted_pickup": _("%(child)s 由接送名单外的人接走", child=c),
        "message_received": _("新消息：%(child)s · %(centre)s", child=c, centre=p.get("centre", "")),
        "bulletin": _("%(centre)s 通知：%(title)s", centre=p.get("centre", ""), title=p.get("title", "")),
        "outbreak_alert": outbreak_title(p),
        "growth_flag": _("生长监测提示：%(child)s 的测量低于 −2 SD", child=c),
        "transfer_decided": (
            _("%(child)s 的转园申请已批准：%(centre)s", child=c, centre=p.get("centre", ""))
            if p.get("status") == "approved" else
            _("%(child)s 的转园申请未获批准", child=c)),
    }.get(kind, kind)


def _body(kind, p):
    if kind in COMPLAINT_KINDS:
        return complaint_body(kind, p)
    if kind == "subsidy_claim_decided":
        return decided_body(p)
    if kind == "centre_change_decided":
        return change_body(p)
    if kind == "recognition_decided":
        return recognition_body(p)
    if kind == "fix_item_update":
        return fix_notice_body(p)
    c = p["child"]
    return {
        "offer_made": _("请在 %(t)s 前完成入托体检并等待机构确认，逾期托位将顺延给下一位候补家庭。",
                        t=p.get("expires_at", "")),
        "hold_lapsing": _("托位保留至 %(t)s，请尽快完成入托体检并等待机构确认。", t=p.get("expires_at", "")),
        "hold_lapsed": _("%(centre)s 的托位已过保留期限并已释放。如仍需要，可重新预约或加入候补。",
                         centre=p.get("centre", "")),
        "enrolled": _("入托日期：%(d)s。欢迎宝宝！", d=p.get("starts_on", "")),
        "reservation_cancelled": (
            _("%(centre)s 取消了 %(child)s 的预约，原因：%(reason)s。如仍需要，可重新预约或加入候补。",
              centre=p.get("centre", ""), child=c, reason=p["reason"]) if p.get("reason") else
            _("%(centre)s 取消了 %(child)s 的预约。如仍需要，可重新预约或加入候补。",
              centre=p.get("centre", ""), child=c)),
        "priority_rejected": _("您在 %(centre)s 的候补已按记录可证明的优先类别排序。",
                               centre=p.get("centre", "")),
        "filing_decided": p.get("reasons", ""),
        "centre_closed": _("%(child)s 在该机构的预约或入托已结束（%(reason)s）。孩子在您选择的其他机构候补时享有最高优先级（应急转托），请尽快选择机构加入候补。",
                           child=c, reason=p.get("reason", "")),
        "health_check_verified": _("机构已核验 %(child)s 的入托体检记录。", child=c),
        "exam_result_signed": (
            _("%(institution)s 的医生已签名 %(child)s 的入托体检结果：需复查，请在 %(d)s 前完成复查。已作为核验过的入托体检生效。",
              institution=p.get("institution", ""), child=c, d=p.get("follow_up_by") or "")
            if p.get("conclusion") == "follow_up" else
            _("%(institution)s 的医生已签名 %(child)s 的入托体检结果，已作为核验过的入托体检生效，无需托育机构再核验。",
              institution=p.get("institution", ""), child=c)),
        "health_check_returned": _("机构退回了 %(child)s 的入托体检记录，原因：%(reason)s。请按要求重新上传体检表。",
                                   child=c, reason=p.get("reason", "")),
        "withdrawn": _("离园日期：%(d)s（最后一天在园），这个托位随之结束。", d=p.get("on_date", "")),
        "sent_home": _("%(centre)s 晨检：体温 %(t)s ℃。%(obs)s 请尽快接孩子回家，必要时就医。",
                       centre=p.get("centre", ""), t=p.get("temperature_c", ""),
                       obs=p.get("observations", "")),
        "hold_extended": _("托位现保留至 %(t)s，请在此之前完成入托体检并等待机构确认。",
                           t=p.get("expires_at", "")),
        "check_window_open": _("%(centre)s 的托位 %(d)s 开始。从今天起做的入托体检在入托时仍有效，请在 %(t)s 前完成体检并交机构核验，否则托位会释放给候补家庭。",
                               centre=p.get("centre", ""), d=p.get("starts_on", ""),
                               t=p.get("expires_at", "")),
        "session_booked": _("场次 %(t)s 开始。如需取消，请在截止时间前操作。", t=p.get("starts_at", "")),
        "exam_reminder": _("%(inst)s %(t)s 开始。地址：%(addr)s。请携带：%(bring)s",
                           inst=p.get("institution", ""), t=p.get("starts_at", ""),
                           addr=p.get("address", ""), bring=p.get("bring", "")),
        "exam_cancelled": _("%(inst)s %(t)s 的体检场次已取消。%(reason)s 请重新预约其他场次。",
                            inst=p.get("institution", ""), t=p.get("starts_at", ""),
                            reason=p.get("reason", "")),
        "session_cancelled": _("%(centre)s %(t)s 的场次已取消。%(reason)s",
                               centre=p.get("centre", ""), t=p.get("starts_at", ""),
                               reason=p.get("reason", "")),
        "signup_attempt": _("有人用您的邮箱或手机号提交了家长注册。您的账号没有变化，也没有新建账号。"
                            "如果是您本人，请直接登录；忘记密码请联系管理员重置。"),
        "password_reset": _("管理员为您的账号生成了设置新密码的链接（一次有效，%(t)s 前有效）：%(url)s",
                            t=p.get("expires_at", ""), url=p.get("url", "")),
        "staff_invited": _("请打开此链接设置密码（7 天内有效，仅可使用一次）：%(link)s",
                           link=p.get("link", "")),
        "offer_to_switch": _("孩子已有一个托位。请在 %(t)s 前决定：接受这个托位（原来保留的托位随之释放；在读的孩子则在机构确认后转托），或者放弃它。",
                             t=p.get("expires_at", "")),
        "transfer_decided": (
            _("%(child)s 从 %(d)s 起在 %(centre)s 入托；在 %(from_centre)s 的最后一天是前一天。",
              child=c, d=p.get("starts_on", ""), centre=p.get("centre", ""),
              from_centre=p.get("from_centre", ""))
            if p.get("status") == "approved" else
            _("转到 %(centre)s 的申请未获批准，原因：%(reason)s。孩子在 %(from_centre)s 的托位不变。",
              centre=p.get("centre", ""), reason=p.get("reason", ""),
              from_centre=p.get("from_centre", ""))),
        "waits_ended": _("孩子在您排得更靠前的志愿入托了，排在它之后的 %(n)s 个候补已结束；排在前面的候补仍然有效，到位时会以转托的方式通知您。",
                         n=p.get("count", "")),
        "one_place_ended": _("%(child)s 同时有不止一个托位。按照“一个孩子只能有一个托位”的规定，保留 %(kept)s 的托位，%(centre)s 的预约已结束，托位将提供给候补家庭。如有疑问，请联系机构。",
                             child=c, kept=p.get("kept", ""), centre=p.get("centre", "")),
        "round_offer": _("请在 %(t)s 前在派位页面接受或放弃这个托位；接受后请完成入托体检并等待机构确认。逾期托位将顺延给下一位申请家庭。",
                         t=p.get("expires_at", "")),
        "message_received": _("有新消息，请在“消息”里查看和回复。读过之前，这段对话的新消息不再另行提醒。"),
        "bulletin": _("请在“消息”里查看通知全文。"),
        "outbreak_alert": outbreak_body(p),
        "growth_flag": _("%(d)s 的测量按 WHO 儿童生长标准低于 −2 SD（%(what)s）。请查看孩子的生长曲线，并到儿童保健门诊咨询。", d=p.get("measured_on", ""), what=p.get("what", "")),
        "round_unplaced": _("孩子在您填报的志愿都排在后面，已按志愿顺序进入这些托位的候补，有托位空出时会按派位顺序通知您。派位页面列出了每个志愿的结果和原因。"),
        "day_summary": summary_body(p),
        "unlisted_pickup": _("%(centre)s：%(t)s，%(child)s 由 %(name)s 接走，此人不在接送名单上。老师登记的原因：%(reason)s。如果您不知情，请立即联系机构。",
                             centre=p.get("centre", ""), t=p.get("departed_at", ""),
                             child=c, name=p.get("name", ""),
                             reason=p.get("reason", "")),
    }.get(kind, "")
