"""The lottery's public page in plain words (issue 17, part 7): masked names, the family's
own number marked, the steps in one paragraph, the seed and hashes folded in <details>."""
from datetime import timedelta

from booking import clock
from booking.waitlists import lottery, services as waitlists
from booking.waitlists.lottery_words import mask
from tests import factories as f


def test_mask():
    assert [mask(n) for n in ("张小宝", "李明", "欧阳小明", "王", "", None)] == \
        ["张*宝", "李*", "欧**明", "王*", "*", "*"]


def _draw(drawn=True):
    c = f.centre(name="摇号托育")
    s = f.slot(c, capacity=0)
    staff = f.user("staff", centre_id=c.id)
    mine = f.user()
    names = ["张小宝", "李大壮", "王可乐"]
    entries = []
    for i, name in enumerate(names):
        parent = mine if i == 0 else f.user()
        entries.append(waitlists.join(slot_id=s.id, child_id=f.child(parent, name=name).id,
                                      parent=parent)[0])
        clock.advance(timedelta(seconds=1))
    draw = lottery.publish(s.id, staff)
    if drawn:
        clock.advance(timedelta(minutes=1))
        lottery.run(draw.id, staff)
    return s, draw, mine, entries


def test_public_page_masks_names_and_explains(client):
    s, draw, _mine, entries = _draw()
    page = client.get(f"/lottery/{draw.id}").get_data(as_text=True)
    assert "张*宝" in page and "李*壮" in page and "王*乐" in page
    assert "张小宝" not in page and "李大壮" not in page
    assert "怎么摇" in page and "其他家庭" in page          # the steps; the tier by name
    assert "您的号码" not in page                           # an anonymous reader has none
    proof = page.split('<details class="proof">')[1].split("</details>")[0]
    assert draw.seed in proof and draw.participants_sha256 in proof
    assert draw.seed not in page.split('<details class="proof">')[0]
    assert "摇号托育" in page
    listing = client.get(f"/slots/{s.id}/lotteries").get_data(as_text=True)
    assert "摇号托育" in listing and "已于" in listing and "开奖" in listing


def test_the_family_sees_its_number_marked(client):
    _s, draw, mine, entries = _draw()
    assert client.post("/login", data={"login": mine.email,
                                       "password": f.PASSWORD}).status_code == 302
    page = client.get(f"/lottery/{draw.id}").get_data(as_text=True)
    mine_id = entries[0].id
    assert f'<li class="mine">{mine_id} 号 · 张*宝 <strong class="mine-tag">您的号码</strong>' in page
    assert page.count('class="mine"') == 1
    assert "第 " in page.split('id="mine-h"')[1].split("</section>")[0]  # its place
    waits = client.get("/waitlist").get_data(as_text=True)
    assert f"/lottery/{draw.id}" in waits and f"您的号码 {mine_id}" in waits


def test_before_the_draw_the_frozen_numbers_are_listed(client):
    _s, draw, _mine, entries = _draw(drawn=False)
    page = client.get(f"/lottery/{draw.id}").get_data(as_text=True)
    assert "尚未开奖" in page and all(f"{e.id} 号" in page for e in entries)
