"""Complaints on the homes (docs/homes.md): the regulator's counts within its jurisdiction, the
director's complaints to account for; a carer, who may not answer them, sees no card."""
from tests.complaints.world import file, login, text, world  # noqa: F401

from booking.complaints import services


def test_regulator_home_counts_open_complaints_of_its_district_only(client, db, world):
    file(world)
    login(client, world["regulator"])
    page = text(client.get("/home"))
    assert "投诉处理" in page and "1 件未办结" in page
    client.post("/logout")
    login(client, world["far_regulator"])
    page = text(client.get("/home"))
    assert "没有未办结的投诉。" in page and "件未办结" not in page


def test_director_home_lists_what_the_district_asked_and_a_carer_sees_no_card(client, db, world):
    c = file(world)
    login(client, world["director"])
    assert "没有待说明的投诉" in text(client.get("/home"))
    services.ask_centre(c.id, world["regulator"])
    page = text(client.get("/home"))
    assert f"/staff/complaints/{c.id}" in page and "前说明" in page
    client.post("/logout")
    login(client, world["carer"])
    assert "h-complaints" not in text(client.get("/home"))
