"""No statement of a draw binds a parameter per applicant: a city's round names 105,000
children, more parameters than PostgreSQL takes in one statement (65,535), so every list of
the round's ids is joined as a subquery or sent as one JSON array (booking/bulk.py). A bound
list once failed the benchmark's full-size draw on PostgreSQL (bench/RESULTS.md, "Round")."""
import pytest
from sqlalchemy import event

from booking.allocation import applications, drawing, rounds
from booking.extensions import db
from tests.allocation.test_services import family, opened, twins, world

pytestmark = pytest.mark.usefixtures("app")


def _most_parameters_in_a_draw(n_families: int) -> int:
    reg, slots = world((1, 2))
    rnd = opened(reg, slots)
    for _ in range(n_families):
        parent, kid = family()
        applications.apply(rnd.id, parent, child_id=kid.id, choices=[s.id for s in slots])
    parent, first, _second = twins()
    applications.apply(rnd.id, parent, child_id=first.id, choices=[slots[1].id])
    rounds.close_round(rnd.id, reg)
    counts = []

    def listener(_conn, _cursor, _statement, parameters, _context, executemany):
        for row in (parameters if executemany else [parameters]):
            counts.append(len(row or ()))
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        drawing.draw_round(rnd.id, reg)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return max(counts)


def test_no_statement_of_the_draw_binds_a_parameter_per_applicant():
    assert _most_parameters_in_a_draw(2) == _most_parameters_in_a_draw(40)
