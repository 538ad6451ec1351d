"""The procedures table, tested without a database."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.workflow import (
    DEADLINES,
    TRANSITIONS,
    IllegalTransition,
    Level,
    Procedure,
    Status,
    Urgency,
    apply,
    initial,
    legal,
    overdue_escalation,
    urgency,
)


def run(procedure, level, *names):
    status, level = initial(procedure, level)
    for name in names:
        status, level = apply(name, procedure=procedure, level=level, status=status)
    return status, level


def test_a_coordination_matter_climbs_to_a_department_and_closes_with_the_resident():
    path = ("accept", "escalate", "accept", "dispatch", "accept", "resolve", "confirm_satisfied")
    assert run(Procedure.COORDINATION, Level.GRID, *path) == (Status.CLOSED, Level.DEPARTMENT)


def test_an_unsatisfied_resident_reopens_the_case_where_it_was_resolved():
    path = ("accept", "resolve", "reopen")
    assert run(Procedure.COORDINATION, Level.GRID, *path) == (Status.ACCEPTED, Level.GRID)


def test_an_approval_matter_runs_grid_village_department_then_public_notice():
    path = (
        "accept",
        "submit_for_verification",
        "accept",
        "verify_and_submit",
        "accept",
        "decide",
        "publish_notice",
        "close_notice",
    )
    assert run(Procedure.APPROVAL, Level.GRID, *path) == (Status.CLOSED, Level.DEPARTMENT)


def test_a_general_matter_is_recorded_as_handled_and_an_emergency_goes_to_the_township_at_once():
    assert initial(Procedure.GENERAL, Level.GRID) == (Status.CLOSED, Level.GRID)
    assert initial(Procedure.EMERGENCY, Level.GRID) == (Status.OPEN, Level.TOWNSHIP)


def test_a_department_returns_a_case_to_the_township_centre():
    status, level = run(Procedure.COORDINATION, Level.TOWNSHIP, "accept", "dispatch", "return")
    assert (status, level) == (Status.OPEN, Level.TOWNSHIP)


@pytest.mark.parametrize(
    ("procedure", "level", "path", "illegal"),
    [
        (Procedure.COORDINATION, Level.GRID, ("accept",), "confirm_satisfied"),  # closing an unresolved case
        (Procedure.COORDINATION, Level.TOWNSHIP, ("accept", "dispatch"), "escalate"),  # past the department
        (Procedure.COORDINATION, Level.TOWNSHIP, ("accept",), "escalate"),  # the township dispatches instead
        (Procedure.COORDINATION, Level.REPRESENTATIVE, (), "return"),  # nothing below a representative
        (Procedure.GENERAL, Level.GRID, (), "escalate"),
        (Procedure.APPROVAL, Level.GRID, ("accept",), "resolve"),  # an approval is decided, not resolved
        (Procedure.APPROVAL, Level.VILLAGE, ("accept",), "decide"),  # only a department decides
        (Procedure.COORDINATION, Level.GRID, (), "no_such_transition"),
    ],
)
def test_illegal_transitions_are_refused(procedure, level, path, illegal):
    status, level = run(procedure, level, *path)
    with pytest.raises(IllegalTransition):
        apply(illegal, procedure=procedure, level=level, status=status)
    assert illegal not in legal(procedure=procedure, level=level, status=status)


@given(
    procedure=st.sampled_from(Procedure.values),
    level=st.sampled_from(Level.values),
    choices=st.lists(st.integers(min_value=0, max_value=50), max_size=30),
)
def test_any_walk_through_the_table_stays_inside_the_chain(procedure, level, choices):
    status, level = initial(procedure, level)
    for choice in choices:
        names = legal(procedure=procedure, level=level, status=status)
        if not names:
            break
        before = level
        status, level = apply(names[choice % len(names)], procedure=procedure, level=level, status=status)
        assert level in Level.values and status in Status.values
        assert abs(level - before) <= 1 or level == Level.DEPARTMENT or before == Level.DEPARTMENT
        if level == Level.DEPARTMENT:
            assert "escalate" not in legal(procedure=procedure, level=level, status=status)


def test_every_transition_that_moves_a_case_or_resolves_it_asks_for_a_note():
    for name in ("escalate", "dispatch", "return", "resolve", "reopen", "decide"):
        assert TRANSITIONS[name].needs_note, name


def test_urgency_is_computed_from_dates():
    arrived = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC)
    yellow, red = DEADLINES[Procedure.COORDINATION][Level.GRID]

    def at(delta, status=Status.OPEN):
        return urgency(
            procedure=Procedure.COORDINATION, level=Level.GRID, status=status, arrived_at=arrived, now=arrived + delta
        )

    assert at(yellow - datetime.timedelta(minutes=1)) == Urgency.ON_TIME
    assert at(yellow) == Urgency.YELLOW
    assert at(red) == Urgency.RED
    assert at(red * 10, status=Status.CLOSED) == Urgency.ON_TIME  # a closed case is never late


def test_an_emergency_is_red_after_an_hour():
    arrived = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=datetime.UTC)
    late = urgency(
        procedure=Procedure.EMERGENCY,
        level=Level.TOWNSHIP,
        status=Status.OPEN,
        arrived_at=arrived,
        now=arrived + datetime.timedelta(minutes=61),
    )
    assert late == Urgency.RED


def test_an_overdue_case_climbs_one_level_until_the_township():
    assert overdue_escalation(procedure=Procedure.COORDINATION, level=Level.GRID) == Level.VILLAGE
    assert overdue_escalation(procedure=Procedure.COORDINATION, level=Level.TOWNSHIP) is None
    assert overdue_escalation(procedure=Procedure.COORDINATION, level=Level.DEPARTMENT) is None
    assert overdue_escalation(procedure=Procedure.APPROVAL, level=Level.VILLAGE) is None


def test_every_procedure_has_deadlines_at_every_level_yellow_before_red():
    for procedure in Procedure.values:
        for level in Level:
            yellow, red = DEADLINES[procedure][level]
            assert yellow < red
