"""Words for the exam area's codes (pages and API docs)."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"maternal_child": _l("妇幼保健院"), "community": _l("社区卫生服务中心"),
               "hospital": _l("医院")}
ROLE_LABELS = {"doctor": _l("医生"), "nurse": _l("护士"), "clerk": _l("登记员")}
ITEM_LABELS = {"history": _l("病史询问"), "anthropometry": _l("身高体重"),
               "physical": _l("体格检查"), "haemoglobin": _l("血红蛋白"), "vision": _l("视力筛查"),
               "hearing": _l("听力筛查"), "vaccination": _l("预防接种查验")}
STATUS_LABELS = {"booked": _l("已预约"), "cancelled": _l("已取消"), "no_show": _l("爽约"),
                 "examined": _l("已体检")}
