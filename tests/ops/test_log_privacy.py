"""The suite's check that logs name nobody (tests/log_privacy.py) catches what it should and
lets through what is no one's data."""
import logging

import pytest

from tests import log_privacy


def rec(msg, *args, exc=None, name="booking"):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc)


@pytest.mark.parametrize("msg,args", [
    ("hold placed for %s", ("宝宝12",)),
    ("parent %s signed in", ("家长3",)),
    ("id %s refused", ("11010519491231002X",)),
    ("id %s refused", ("110105194912310021",)),
    ("call %s", ("13800000001",)),
    ("seeded family %s", ("张敏",)),
    ("phone=13912345678;", ()),
])
def test_a_leak_is_caught(msg, args):
    [(logger, match, line)] = log_privacy.scan([rec(msg, *args)])
    assert logger == "booking" and match in line


def test_a_leak_in_an_exceptions_text_is_caught():
    try:
        raise ValueError("Key (phone)=(13912345678) already exists")
    except ValueError:
        import sys
        record = rec("unhandled error", exc=sys.exc_info())
    assert log_privacy.scan([record])


@pytest.mark.parametrize("msg", [
    "reservation 12345 expired",                       # ids
    "request 0f3a1b2c4d5e6f708192a3b4c5d6e7f8",        # a hex request id
    "took 1700000000123 ms since epoch",               # 13 digits: no phone
    "token 110105194912310021999 too long",            # 21 digits: no ID number
    "user staff3 invited",                             # a post, not a name
    "release_lapsed: 3",
])
def test_what_is_no_ones_data_passes(msg):
    assert log_privacy.scan([rec(msg)]) == []


def test_the_session_handler_keeps_only_leaks_with_their_test():
    catcher = log_privacy.LeakCatcher()
    catcher.current_test = "tests/x.py::test_y"
    logger = logging.getLogger("tuowei.privacy-check")
    logger.addHandler(catcher)
    logger.propagate = False
    try:
        logger.warning("fine: reservation %s", 7)
        logger.warning("not fine: %s", "宝宝7")
    finally:
        logger.removeHandler(catcher)
        logger.propagate = True
    assert [(t, m) for t, _n, m, _l in catcher.leaks] == [("tests/x.py::test_y", "宝宝7")]
    assert "宝宝7" in catcher.report()


def test_seeded_names_are_the_families_not_the_posts():
    names = log_privacy.seeded_names()
    assert "张敏" in names and "张小宝" in names
    assert not any(n.endswith(("园长", "监管员")) for n in names)


def test_the_suite_check_is_still_listening_after_the_migrations_ran(app):
    """`flask db upgrade` in the same process (the suite's schema, a container's start) must not
    replace the root logger's handlers: alembic.ini's logging applies only on its command line."""
    from tests import conftest

    root = logging.getLogger()
    assert conftest._LEAKS in root.handlers
    assert root.getEffectiveLevel() <= logging.INFO
