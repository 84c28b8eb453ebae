"""The family's applications and subsidy city in its export; erased with a child the
deletion anonymises, kept for a child another guardian keeps (docs/privacy.md)."""
from datetime import date

from sqlalchemy import func, select

from booking.children import privacy
from booking.children.models import Child, Guardianship
from booking.entitlements import services
from booking.entitlements.models import AllowanceApplication
from booking.extensions import db
from tests import factories as f
from tests.entitlements.world import child, world  # noqa: F401


def test_export_and_erase(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    services.record_application(kid.id, world["parent"], scheme="national",
                                applied_on=date(2026, 11, 2), reference="AL-1")
    data = privacy.export_family(world["parent"])
    assert [(a["scheme"], a["reference"], a["status"]) for a in
            data["allowance_applications"]] == [("national", "AL-1", "applied")]
    assert data["children"][0]["subsidy_city"] == "阿拉尔"
    assert privacy.export_family(world["other"])["allowance_applications"] == []
    privacy.delete_account(world["parent"], f.PASSWORD)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AllowanceApplication.id))) == 0
    assert db.session.get(Child, kid.id).subsidy_city is None


def test_a_child_another_guardian_keeps_keeps_its_applications(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    father = f.user(name="爸爸")
    db.session.add(Guardianship(child_id=kid.id, user_id=father.id, relation="father",
                                position=2))
    db.session.commit()
    services.record_application(kid.id, father, scheme="national", applied_on=date(2026, 11, 2))
    privacy.delete_account(world["parent"], f.PASSWORD)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AllowanceApplication.id))) == 1
    assert db.session.get(Child, kid.id).subsidy_city == "阿拉尔"
    assert [a["recorded_by"] if "recorded_by" in a else a["scheme"]
            for a in privacy.export_family(father)["allowance_applications"]] == ["national"]
