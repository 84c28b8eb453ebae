"""The checklist: WS/T 821's dimension totals, 16 basic indicators, and the grading."""
from booking.evaluation import scoring
from booking.evaluation.checklist import BASIC, ITEMS, items_of
from booking.regulator.inspections import DIMENSIONS
from tests.evaluation.world import FULL, GOOD


def test_items_sum_to_each_dimension_and_to_1000():
    for key, (_label, total) in DIMENSIONS.items():
        assert items_of(key), key
        assert sum(i.max_points for i in items_of(key)) == total, key
    assert sum(i.max_points for i in ITEMS) == 1000
    assert [t for _l, t in DIMENSIONS.values()] == [100, 140, 200, 210, 80, 200, 70]


def test_sixteen_basic_indicators_and_unique_codes():
    assert len(BASIC) == 16
    assert len({i.code for i in ITEMS}) == len(ITEMS)
    assert all(i.max_points > 0 for i in ITEMS)


def test_grading_with_and_without_a_veto(app):
    assert scoring.total(FULL) == 1000 and scoring.grade(FULL, []) == "A"
    assert scoring.grade(GOOD, []) == "A"
    # a basic indicator marked failed grades D whatever the score
    assert scoring.grade(FULL, [BASIC[0]]) == "D"
    # a basic indicator scored 0 fails too
    assert scoring.failed_basic(dict(FULL, **{BASIC[3]: 0}), []) == [BASIC[3]]
    assert scoring.grade(dict(FULL, **{BASIC[3]: 0}), []) == "D"
    # a non-basic item scored 0 does not
    plain = next(i.code for i in ITEMS if not i.basic)
    assert scoring.failed_basic(dict(FULL, **{plain: 0}), []) == []
    assert scoring.by_dimension(FULL)["health"] == 210


def test_check_names_the_item(app):
    bad = dict(FULL, cond_1=21, staff_1=-1)
    del bad["care_1"]
    errors = scoring.check(bad, {}, [], complete=True)
    assert set(errors) == {"cond_1", "staff_1", "care_1"}
    assert "依法登记并完成托育机构备案" in errors["cond_1"][0] and "20" in errors["cond_1"][0]
    assert "一日生活安排科学合理" in errors["care_1"][0]
    # a draft may leave items out, not score them wrongly
    assert set(scoring.check(bad, {}, [], complete=False)) == {"cond_1", "staff_1"}
    plain = next(i.code for i in ITEMS if not i.basic)
    assert plain in scoring.check(FULL, {}, [plain], complete=True)
    assert "items" in scoring.check(dict(FULL, nope=1), {}, [], complete=True)
    assert "cond_2" in scoring.check(dict(FULL, cond_2="x"), {}, [], complete=True)
