from datetime import date
from tests.entitlements.world import child, login, text, world  # noqa
def test_en(client, world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔", name="小禾")
    login(client, world["parent"])
    r = client.get(f"/children/{kid.id}/subsidies", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    body = text(r)
    i = body.find("<main")
    print(body[i:i+6000])
