"""Cases past their red limit climb one level by themselves: `escalate_overdue` and the
`escalate_overdue_cases` command that cron runs every few minutes. Running it twice, or two runs
at once, moves a case once; approvals and cases at the township centre or a department stay."""

import datetime
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, Category, Notification
from cases.workflow import Level, Procedure, Status

Kind = CaseEvent.Kind
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)


def open_case(world, actor="leader", household="g1a", procedure=Procedure.COORDINATION, **kwargs):
    case = Case(
        household=world.households[household],
        procedure=procedure,
        category=Category.DISPUTE,
        summary=kwargs.pop("summary", "院墙开裂"),
    )
    return services.open_case(actor=world.users[actor], case=case, **kwargs)


def act(world, case, persona, name, note="", **kwargs):
    case.refresh_from_db()
    return services.transition(
        actor=world.users[persona], case=case, name=name, version=case.version, note=note, **kwargs
    )


def overdue(case, by=DAY):
    """Move the case's red limit `by` into the past (as if it had waited at its level)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(arrived_at=now - 4 * DAY, warn_at=now - by - HOUR, due_at=now - by)
    case.refresh_from_db()
    return case


def state(case):
    case.refresh_from_db()
    return case.level, case.status, case.version, case.events.count()


def test_an_overdue_case_climbs_exactly_one_level_when_run_twice(world):
    case = overdue(open_case(world), by=26 * HOUR)
    assert (case.level, case.status, case.assignee) == (Level.GRID, Status.ACCEPTED, world.users["leader"])
    now = timezone.now()

    assert services.escalate_overdue(now) == 1
    assert services.escalate_overdue(now) == 0
    assert services.escalate_overdue() == 0

    case.refresh_from_db()
    assert (case.level, case.status, case.assignee) == (Level.VILLAGE, Status.OPEN, None)
    # it arrived at the village now, with the village's clock
    assert (case.arrived_at, case.warn_at, case.due_at) == (now, now + 5 * DAY, now + 7 * DAY)
    event = case.events.get(kind=Kind.AUTO_ESCALATE)
    assert event.actor is None
    assert (event.from_level, event.to_level, event.from_status, event.to_status) == (
        Level.GRID,
        Level.VILLAGE,
        Status.ACCEPTED,
        Status.OPEN,
    )
    assert "late by 26 h" in event.note
    assert case.events.count() == 3  # created, accepted, escalated by itself


def test_the_command_escalates_once(world):
    case = overdue(open_case(world))
    out = io.StringIO()

    call_command("escalate_overdue_cases", stdout=out)
    call_command("escalate_overdue_cases", stdout=out)

    assert out.getvalue().splitlines() == ["1 case(s) escalated.", "0 case(s) escalated."]
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.VILLAGE, Status.OPEN)
    assert case.events.filter(kind=Kind.AUTO_ESCALATE, actor=None).count() == 1


def test_the_level_above_and_the_reporter_are_told(world, django_capture_on_commit_callbacks):
    case = overdue(open_case(world))
    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_overdue()
    event = case.events.get(kind=Kind.AUTO_ESCALATE)
    assert dict(event.notifications.values_list("recipient__username", "reason")) == {
        "village": Notification.Reason.ARRIVED,
        "resident_cadre": Notification.Reason.ARRIVED,
        "leader": Notification.Reason.MOVED,
    }


def test_a_case_at_the_representative_climbs_to_the_grid(world):
    case = overdue(open_case(world, actor="representative"))
    assert case.level == Level.REPRESENTATIVE

    assert services.escalate_overdue() == 1

    case.refresh_from_db()
    assert (case.level, case.status) == (Level.GRID, Status.OPEN)


def test_an_emergency_sent_back_to_the_village_climbs_back_to_the_township(world):
    case = open_case(world, procedure=Procedure.EMERGENCY)
    act(world, case, "township", "accept")
    act(world, case, "township", "return", note="村里先处置")
    overdue(case, by=HOUR)

    assert services.escalate_overdue() == 1

    case.refresh_from_db()
    assert (case.level, case.status) == (Level.TOWNSHIP, Status.OPEN)
    assert case.due_at - case.arrived_at == HOUR


def test_the_new_level_runs_on_the_townships_own_deadlines(world):
    services.save_deadlines(
        actor=world.users["township"],
        township=world.places["t1"],
        table={(Procedure.COORDINATION, Level.VILLAGE): (2 * HOUR, 6 * HOUR)},
    )
    case = overdue(open_case(world))
    now = timezone.now()

    services.escalate_overdue(now)

    case.refresh_from_db()
    assert (case.warn_at, case.due_at) == (now + 2 * HOUR, now + 6 * HOUR)


def test_a_case_not_yet_overdue_stays(world):
    case = open_case(world)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(warn_at=now - HOUR, due_at=now + HOUR)  # yellow, not red
    before = state(case)

    assert services.escalate_overdue() == 0
    assert state(case) == before
    # the clock is the one passed in: three days on, the grid's limit has passed
    assert services.escalate_overdue(timezone.now() + 3 * DAY) == 1
    assert case.events.filter(kind=Kind.AUTO_ESCALATE).count() == 1


def test_approvals_and_cases_at_the_top_are_not_moved(world):
    approval = overdue(open_case(world, procedure=Procedure.APPROVAL))
    emergency = overdue(open_case(world, procedure=Procedure.EMERGENCY))
    at_township = open_case(world, actor="township")
    at_department = open_case(world, actor="township", household="g1b")
    act(world, at_department, "township", "dispatch", note="民政办", department="民政办")
    resolved = open_case(world, household="g1b")
    act(world, resolved, "leader", "resolve", note="已处理")
    cases = [approval, emergency, at_township, overdue(at_department), overdue(resolved)]
    assert [c.level for c in cases] == [Level.GRID, Level.TOWNSHIP, Level.TOWNSHIP, Level.DEPARTMENT, Level.GRID]
    for case in cases:
        overdue(case)
    assert Case.objects.overdue().count() == 4  # all but the resolved case are in hand and red
    before = [state(case) for case in cases]

    assert services.escalate_overdue() == 0

    assert [state(case) for case in cases] == before
    assert not CaseEvent.objects.filter(kind=Kind.AUTO_ESCALATE).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_escalate_a_case_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    case = overdue(open_case(world))
    record = services._record

    def slow_record(*args, **kwargs):  # hold the row lock a moment, so the other run must wait for it
        event = record(*args, **kwargs)
        time.sleep(0.2)
        return event

    monkeypatch.setattr(services, "_record", slow_record)
    now = timezone.now()
    barrier = threading.Barrier(2)
    counts, failures = [], []

    def run():
        try:
            barrier.wait()
            counts.append(services.escalate_overdue(now))
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(counts) == [0, 1]
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.VILLAGE, Status.OPEN)
    assert case.events.filter(kind=Kind.AUTO_ESCALATE).count() == 1
