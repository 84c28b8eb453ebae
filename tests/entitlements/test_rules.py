"""Entitlements against hand-computed examples (docs/subsidies.md, "Family entitlements"):
a month is round_half_up(Σ rate × days entitled and in force ÷ days in the month)."""
from datetime import date

from booking.entitlements import services
from booking.entitlements.labels import rule_text
from booking.entitlements.rules import months_of, third_birthday
from tests.entitlements.world import child, version, world  # noqa: F401


def rows(kid):
    return {m.month.strftime("%Y-%m"): m for m in services.entitlement_of(kid).months}


def test_aral_born_2024_03_15_from_the_scheme_to_the_third_birthday(world):
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    ent = services.entitlement_of(kid)
    by = rows(kid)
    assert list(by)[0] == "2024-03" and list(by)[-1] == "2027-03" and len(by) == 37
    # 2024: before the national scheme (2025-01-01), no version in force
    for m in [k for k in by if k.startswith("2024")]:
        assert (by[m].national_fen, by[m].extra_fen, by[m].reasons) == (0, 0, ["no_policy"])
    assert "没有生效的补贴政策" in rule_text(by["2024-03"])
    # 360,000 ÷ 12 = 30,000 a whole month
    assert (by["2025-01"].national_fen, by["2025-01"].total_fen) == (30000, 30000)
    assert rule_text(by["2025-01"]) == "国家育儿补贴：2025-01-01 起 每年 3600.00 元"
    # third birthday 2027-03-15: entitled 1–14 March, 30,000 × 14/31 = 13,548.39 → 13,548
    assert by["2027-03"].national_fen == 13548
    assert "按天折算 14/31 天" in rule_text(by["2027-03"])
    assert "2027-04" not in by
    # per year: 12 × 30,000 in 2025 and 2026; 30,000 + 30,000 + 13,548 in 2027
    assert ent.years() == [(2024, 0, 0, 0), (2025, 360000, 0, 360000),
                           (2026, 360000, 0, 360000), (2027, 73548, 0, 73548)]
    assert ent.total_fen == 793548
    assert not by["2026-11"].future and by["2026-12"].future  # today is 2026-11-23


def test_baiyin_second_child_gets_the_city_allowance(world):
    kid = child(world["parent"], date(2024, 5, 10), city="白银", older=1)
    by = rows(kid)
    assert services.entitlement_of(kid).birth_order == 2
    # the seeded versions begin 2025-01-01: nothing in force in 2024
    assert (by["2024-05"].total_fen, by["2024-12"].total_fen) == (0, 0)
    assert (by["2025-01"].national_fen, by["2025-01"].extra_fen, by["2025-01"].total_fen) == (
        30000, 20000, 50000)
    assert "本地育儿补贴：2025-01-01 起 每月 200.00 元（第 2 孩起）" in rule_text(by["2025-01"])
    # third birthday 2027-05-10: 9 days of 31, each scheme rounded once on its own:
    # 30,000 × 9/31 = 8,709.68 → 8,710; 20,000 × 9/31 = 5,806.45 → 5,806
    assert (by["2027-05"].national_fen, by["2027-05"].extra_fen) == (8710, 5806)
    assert by["2027-05"].total_fen == 14516


def test_baiyin_allowance_from_birth_when_a_version_holds_in_2024(world):
    # A 白银 version in force from 2024-01-01 with the city allowance only (the national
    # scheme starts in 2025): born 10 May, entitled 10–31 May = 22 days of 31,
    # 20,000 × 22/31 = 14,193.55 → 14,194.
    version("白银", date(2024, 1, 1), extra_allowance_fen_per_month=20000,
            extra_allowance_from_child=2, extra_allowance_born_from=date(2024, 1, 1))
    kid = child(world["parent"], date(2024, 5, 10), city="白银", older=1)
    by = rows(kid)
    assert (by["2024-05"].national_fen, by["2024-05"].extra_fen) == (0, 14194)
    assert "按天折算 22/31 天" in rule_text(by["2024-05"])
    assert (by["2024-06"].extra_fen, by["2024-06"].national_fen) == (20000, 0)
    assert by["2025-01"].total_fen == 50000


def test_a_first_child_in_baiyin_gets_no_city_allowance(world):
    kid = child(world["parent"], date(2024, 5, 10), city="白银")
    by = rows(kid)
    assert (by["2025-01"].national_fen, by["2025-01"].extra_fen) == (30000, 0)
    assert by["2025-01"].reasons == ["not_qualified"]
    assert "孩次或出生日期不符合条件" in rule_text(by["2025-01"])


def test_a_second_child_born_before_2024_gets_no_city_allowance(world):
    kid = child(world["parent"], date(2023, 12, 20), city="白银", older=1)
    assert rows(kid)["2025-01"].extra_fen == 0


def test_registered_older_sibling_makes_the_birth_order(world):
    child(world["parent"], date(2022, 1, 5), city="白银", name="哥哥")
    kid = child(world["parent"], date(2024, 5, 10), city="白银")
    assert rows(kid)["2025-01"].extra_fen == 20000


def test_a_rate_change_mid_month_is_prorated_by_day(world):
    # from 16 July 2026, 4,800 yuan a year (40,000 fen a month): 15 days at 30,000 and 16 at
    # 40,000, (30,000 × 15 + 40,000 × 16) / 31 = 1,090,000 / 31 = 35,161.29 → 35,161
    version("阿拉尔", date(2026, 7, 16), allowance_fen_per_year=480000)
    kid = child(world["parent"], date(2024, 3, 15), city="阿拉尔")
    by = rows(kid)
    assert by["2026-06"].national_fen == 30000
    assert by["2026-07"].national_fen == 35161
    text = rule_text(by["2026-07"])
    assert "2025-01-01 起 每年 3600.00 元，按天折算 15/31 天" in text
    assert "2026-07-16 起 每年 4800.00 元，按天折算 16/31 天" in text
    assert by["2026-08"].national_fen == 40000


def test_the_birth_month_is_prorated_from_the_birth_day(world):
    # born 20 January 2025: 20–31 January = 12 days, 30,000 × 12/31 = 11,612.90 → 11,613
    kid = child(world["parent"], date(2025, 1, 20), city="阿拉尔")
    assert rows(kid)["2025-01"].national_fen == 11613


def test_a_birthday_on_the_first_ends_with_a_whole_month():
    assert months_of(date(2024, 6, 1))[-1] == date(2027, 5, 1)
    assert len(months_of(date(2024, 6, 1))) == 36
    assert third_birthday(date(2024, 2, 29)) == date(2027, 3, 1)
    assert months_of(date(2024, 2, 29))[-1] == date(2027, 2, 1)


def test_without_a_city_nothing_is_computed(world):
    kid = child(world["parent"], date(2024, 3, 15))
    assert services.city_of(kid) == (None, None)
    assert services.entitlement_of(kid) is None


def test_the_city_of_the_centre_caring_for_the_child_is_assumed(world):
    kid = child(world["parent"], date(2024, 3, 15))
    world["enrol"](world["slot"], world["parent"], kid)
    assert services.city_of(kid) == ("阿拉尔", "centre")
    kid.subsidy_city = "白银"
    assert services.city_of(kid) == ("白银", "declared")
