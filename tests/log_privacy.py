"""No personal data in logs (docs/operations.md, "Logs"): every log record of the test run is
scanned for the names, ID numbers and phone numbers tests and seeds give people, and the run
fails at its end if one was logged (hooks in tests/conftest.py).

The patterns come from what the suite makes: tests/factories.py names parents `家长<n>` and
children `宝宝<n>`, seeds/accounts.yaml names the demo families; an ID number is 18
characters (17 digits and a digit or X: GB 11643), a mainland mobile 11 digits from 1.
Numbers are matched whole (no digit or letter on either side), so an id inside a longer
number, a timestamp or a hex token is not taken for one.
"""
import logging
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

FACTORY_NAMES = [r"家长\d+", r"宝宝\d+"]  # tests/factories.py: user() and child()
ID_NUMBER = r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"
PHONE = r"(?<![0-9A-Za-z])1\d{10}(?![0-9A-Za-z])"


def seeded_names() -> list[str]:
    """The demo families' names (seeds/accounts.yaml): parents and their children. Staff and
    regulator accounts are named by their post (园长, 监管员), which is no one's name."""
    data = yaml.safe_load((ROOT / "seeds" / "accounts.yaml").read_text())
    names = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("role") == "parent" and node.get("name"):
                names.add(node["name"])
                names.update(c["name"] for c in node.get("children") or [] if c.get("name"))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(data)
    return sorted(names, key=len, reverse=True)


def build_pattern(names=None) -> re.Pattern:
    people = [*FACTORY_NAMES, *(re.escape(n) for n in (seeded_names() if names is None else names))]
    return re.compile("|".join([*(f"(?:{p})" for p in people), ID_NUMBER, PHONE]))


def record_text(record: logging.LogRecord) -> str:
    """What a log line would say: the message and, if any, the exception and its traceback."""
    try:
        text = record.getMessage()
    except Exception:  # a bad format string: scan what was given
        text = f"{record.msg} {record.args}"
    if record.exc_info and record.exc_info[1] is not None:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        text += "\n" + record.exc_text
    if record.stack_info:
        text += "\n" + record.stack_info
    return text


def scan(records, pattern: re.Pattern | None = None) -> list[tuple[str, str, str]]:
    """(logger, what matched, the line) for each record that names a person."""
    pattern = pattern or build_pattern()
    found = []
    for record in records:
        text = record_text(record)
        match = pattern.search(text)
        if match:
            found.append((record.name, match.group(0), text.splitlines()[0][:300]))
    return found


class LeakCatcher(logging.Handler):
    """On the root logger for the whole session: keeps only the records that leak (a suite
    logs thousands of lines; holding them all would cost memory for nothing)."""

    def __init__(self, pattern: re.Pattern | None = None):
        super().__init__(level=logging.DEBUG)
        self.pattern = pattern or build_pattern()
        self.leaks: list[tuple[str, str, str, str]] = []  # (test, logger, match, line)
        self.current_test = "(outside a test)"

    def emit(self, record):
        for name, match, line in scan([record], self.pattern):
            self.leaks.append((self.current_test, name, match, line))

    def report(self) -> str:
        return self.report_of(self.leaks)

    @staticmethod
    def report_of(leaks) -> str:
        lines = [f"{len(leaks)} log record(s) name a person (PIPL: ids only in logs):"]
        for test, name, match, line in leaks[:30]:
            lines.append(f"  {test}: [{name}] {match!r} in: {line}")
        return "\n".join(lines)
