"""Every action code the services record has a label (booking/audit/labels.py), so the
regulator's audit log never shows a bare code. The codes are read from the source: the first
argument of record(...), the "action" of record_many's rows, and the codes the helpers that pass one on
(PASSERS) are given or default to; a code built with an f-string is expanded from
DYNAMIC below, and a new f-string prefix fails until it is listed there."""
import ast
import re
from pathlib import Path

from booking.audit.labels import ACTION_LABELS, ENTITY_LABELS
from booking.regulator.filing import TRANSITIONS

ROOT = Path(__file__).resolve().parent.parent.parent / "booking"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
PASSERS = ("_commit_new", "log_staff_reads", "reset_password")
DYNAMIC = {
    "filing.": sorted(TRANSITIONS),                     # regulator/filing.py _move
    "ledger.": ["charge", "credit"],                    # fees/services.py _post
    "waitlist.": ["accepted", "withdrawn", "expired"],  # places/offers.py end_offers
    "session_booking.": ["attended", "no_show"],        # sessions/services.py mark
    "centre_change.": ["approved", "returned", "rejected"],  # changes/services.py decide
    "exam_appointment.": ["arrived", "no_show"],        # exams/appointments.py mark
}


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def recorded() -> tuple[set[str], set[str]]:
    codes, prefixes = set(), set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call):
                if _name(node.func) == "record" and node.args:
                    values.append(node.args[0])
                if _name(node.func) in PASSERS:
                    values += node.args[1:2]
                    values += [k.value for k in node.keywords if k.arg == "action"]
            elif isinstance(node, ast.Dict):
                values += [v for k, v in zip(node.keys, node.values)
                           if isinstance(k, ast.Constant) and k.value == "action"]
            elif isinstance(node, ast.FunctionDef) and node.name in PASSERS:
                a = node.args
                values += [d for arg, d in zip(a.args[len(a.args) - len(a.defaults):], a.defaults)
                           if arg.arg == "action"]
                values += [d for arg, d in zip(a.kwonlyargs, a.kw_defaults)
                           if arg.arg == "action" and d is not None]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and CODE.match(v.value):
                    codes.add(v.value)
                elif isinstance(v, ast.JoinedStr) and isinstance(v.values[0], ast.Constant):
                    prefixes.add(v.values[0].value)
    return codes, prefixes


def test_every_recorded_action_has_a_label():
    codes, prefixes = recorded()
    assert len(codes) > 100 and "reservation.held" in codes and "user.password_reset" in codes
    assert prefixes <= set(DYNAMIC), f"list the values of {prefixes - set(DYNAMIC)} in DYNAMIC"
    codes |= {p + s for p in prefixes for s in DYNAMIC[p]}
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_labels_are_chinese_and_kinds_are_tables(app):
    from booking.extensions import db
    assert all(re.search(r"[\u4e00-\u9fff]", str(v)) for v in ACTION_LABELS.values())
    # an event's entity_type is its table's name: each named kind is one
    assert set(ENTITY_LABELS) <= set(db.metadata.tables)
    assert {"reservation", "waitlist_entry", "child", "health_check", "centre", "app_user",
            "filing", "slot", "care_session", "session_booking"} <= set(ENTITY_LABELS)
