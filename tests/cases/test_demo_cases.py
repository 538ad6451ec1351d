"""The demo township's cases (cases/demo.py, built by `manage.py seed_demo`): every procedure and
every status, some overdue and some due soon, an emergency the township centre has not yet
acknowledged, timelines that start with the registration and run forward in time, cases in the
right places, a real queue for 郑章木, the same cases for the same seed, and no second set on a rerun."""

import io
import random
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases import selectors
from cases.demo import build_demo_cases
from cases.models import Case, CaseEvent, Category, Notification
from cases.workflow import IN_HAND, NOTICE_PERIOD, Level, Procedure, Status, Urgency
from villages import demo
from villages.models import Cadre, Grid, Resident, Township

pytestmark = pytest.mark.django_db

SMALL = 400
Kind = CaseEvent.Kind
MOVES_IN = {Kind.CREATED, Kind.REOPEN}  # the events that (re)start the clock at a level


def seed(households=SMALL):
    out = io.StringIO()
    call_command("seed_demo", households=households, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True  # the command refuses to run with DEBUG off


@pytest.fixture
def township():
    seed()
    return Township.objects.get(name="青山乡")


def user(username):
    return get_user_model().objects.get(username=username)


def township_head():
    return Cadre.objects.get(name=demo.TOWNSHIP_STAFF[0][0]).user  # 黄志强


def moved_by(case, kind):
    return case.events.filter(kind=kind).exists()


def test_every_procedure_and_every_status(township):
    cases = Case.objects.filter(township=township)
    assert 40 <= cases.count() <= 60
    assert set(cases.values_list("procedure", flat=True)) == set(Procedure.values)
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    for procedure in Procedure:
        statuses = set(cases.filter(procedure=procedure).values_list("status", flat=True))
        assert Status.CLOSED in statuses and len(statuses) >= 3, procedure
    in_hand_levels = set(cases.filter(status__in=IN_HAND).values_list("level", flat=True))
    assert in_hand_levels == set(Level.values)
    assert len(set(cases.values_list("category", flat=True))) >= 10
    assert set(cases.values_list("village__name", flat=True)) == {plan.name for plan in demo.VILLAGES}


def test_every_step_of_the_chain_is_shown(township):
    cases = Case.objects.filter(township=township)
    # returned (an approval is sent back): the last move went down and the case waits there
    back = {Kind.RETURN, Kind.SEND_BACK}
    returned = [c for c in cases.filter(status=Status.OPEN) if c.events.exclude(kind=Kind.UPDATE).last().kind in back]
    assert {c.procedure for c in returned} >= {Procedure.COORDINATION, Procedure.APPROVAL}
    assert any(c.level == Level.TOWNSHIP for c in returned)  # sent back by a department
    # dispatched to each department, some still there
    dispatched = cases.filter(events__kind__in=[Kind.DISPATCH, Kind.VERIFY_AND_SUBMIT]).distinct()
    assert set(dispatched.values_list("department", flat=True)) == set(demo_departments())
    at_department = cases.filter(level=Level.DEPARTMENT, status__in=IN_HAND)
    assert set(at_department.values_list("department", flat=True)) == set(demo_departments())
    # reopened: one being handled again, one closed after all
    assert cases.filter(reopened__gt=0, status=Status.ACCEPTED).exists()
    assert cases.filter(reopened__gt=0, status=Status.CLOSED, satisfied=True).exists()
    assert cases.filter(status=Status.CLOSED, satisfied=True).count() >= 5
    # approvals: decided, under notice with an objection, closed after the notice
    notices = cases.filter(procedure=Procedure.APPROVAL, status=Status.IN_NOTICE)
    assert any(moved_by(c, Kind.OBJECTION) for c in notices)
    assert cases.filter(procedure=Procedure.APPROVAL, status=Status.DECIDED).exclude(decision="").exists()
    closed = cases.filter(procedure=Procedure.APPROVAL, status=Status.CLOSED)
    assert closed.exists() and all(moved_by(c, Kind.CLOSE_NOTICE) for c in closed)
    # extensions: one granted, and one waiting for the level above
    assert cases.filter(extension_requested__isnull=False).exists()
    assert CaseEvent.objects.filter(case__township=township, kind=Kind.EXTENSION_APPROVED).exists()
    assert cases.filter(assignee__isnull=False, events__kind=Kind.ASSIGN).exists()


def demo_departments():
    return {department for department, _, _ in demo.DEPARTMENT_OFFICERS}


def test_some_overdue_some_due_soon_and_one_emergency_waiting(township):
    cases = Case.objects.filter(township=township)
    now = timezone.now()
    assert cases.overdue(now).count() >= 3
    assert cases.due_soon(now).count() >= 3
    assert {c.urgency(now) for c in cases.in_hand()} == set(Urgency)
    waiting = cases.unacknowledged_emergencies()
    assert waiting.count() == 1
    assert waiting.get().urgency(now) != Urgency.RED  # reported within the hour
    head = township_head()
    assert selectors.alerts(head)["emergencies"] == 1


def test_timelines_start_with_the_registration_and_run_forward(township):
    now = timezone.now()
    for case in Case.objects.filter(township=township).prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: e.pk)
        assert events[0].kind == Kind.CREATED, case
        assert events[0].at == case.created_at, case
        assert [e.at for e in events] == sorted(e.at for e in events), case
        assert events[-1].at < now
        assert all(e.actor_id for e in events), case  # real people, no automatic step
        for before, after in zip(events, events[1:], strict=False):  # each step starts where the last ended
            assert (after.from_level, after.from_status) == (before.to_level, before.to_status), (case, after)
        assert (events[-1].to_level, events[-1].to_status) == (case.level, case.status), case
        arrival = [e for e in events if e.kind in MOVES_IN or e.from_level != e.to_level][-1]
        assert case.arrived_at == arrival.at, case
        assert case.created_at <= case.arrived_at <= case.warn_at <= case.due_at, case
        if case.status == Status.CLOSED:
            assert case.created_at <= case.closed_at < now
        if case.notice_ends_at:
            assert case.notice_ends_at == case.events.get(kind=Kind.PUBLISH_NOTICE).at + NOTICE_PERIOD


def test_cases_are_in_their_places(township):
    cases = Case.objects.filter(township=township).select_related("grid", "group", "household", "place")
    for case in cases:
        assert case.grid.village_id == case.village_id, case
        assert case.village.township_id == township.pk, case
        if case.household:
            assert (case.household.grid_id, case.household.group_id) == (case.grid_id, case.group_id), case
        if case.group:
            assert case.group.grid_id == case.grid_id, case
        if case.place:
            assert case.place.grid_id == case.grid_id, case
        if case.level == Level.DEPARTMENT:
            assert case.department in demo_departments()
    assert cases.filter(household__isnull=False).count() >= 25
    assert cases.filter(place__isnull=False).count() >= 10


def test_zheng_zhangmu_has_a_real_queue(township):
    leader = user("zhengzhangmu")
    grid = Grid.objects.get(village__name="郑荣村", number=1)
    queue = list(selectors.queue(leader))
    now = timezone.now()
    assert len(queue) >= 5
    assert all(case.grid_id == grid.pk and case.level <= Level.GRID for case in queue)
    urgencies = [case.urgency(now) for case in queue]
    assert Urgency.RED in urgencies and Urgency.YELLOW in urgencies
    assert urgencies[0] == Urgency.RED  # most urgent first
    busiest = max(Grid.objects.filter(village__township=township), key=lambda g: g.cases.count())
    assert busiest == grid


def test_a_death_is_recorded_in_the_registry(township):
    death = Case.objects.get(township=township, category=Category.POPULATION, summary__endswith="因病去世")
    deceased = Resident.objects.get(household=death.household, status=Resident.Status.DECEASED)
    assert death.summary.startswith(deceased.name)


def test_seeding_twice_does_not_duplicate_cases(township):
    before = (Case.objects.count(), CaseEvent.objects.count())
    output = seed()
    assert "already exists" in output and f"{before[0]} cases" in output
    assert build_demo_cases(township, random.Random(1), timezone.now()) == before[0]
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_the_same_seed_gives_the_same_cases():
    def snapshot():
        return list(
            Case.objects.order_by("pk").values_list(
                "village__name", "grid__number", "procedure", "category", "status", "level", "summary"
            )
        )

    class Rollback(Exception):
        pass

    snapshots = []
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            demo.build_demo_township(households=SMALL)
            snapshots.append(snapshot())
            raise Rollback
    assert snapshots[0] == snapshots[1] != []


def test_notifications_follow_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    head = township_head()
    assert Notification.objects.filter(recipient=head, reason=Notification.Reason.EMERGENCY).exists()
    assert Notification.objects.filter(recipient=user("zhengzhangmu")).exists()


def test_a_township_without_households_still_gets_its_cases():
    seed(households=0)
    cases = Case.objects.all()
    assert set(cases.values_list("procedure", flat=True)) == set(Procedure.values)
    assert not cases.filter(household__isnull=False).exists()
    assert cases.unacknowledged_emergencies().count() == 1


def test_building_the_cases_is_quick():
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        township = demo._Builder(random.Random(demo.DEFAULT_SEED), SMALL).build()
        started = time.perf_counter()
        count = build_demo_cases(township, random.Random(demo.DEFAULT_SEED + 1), timezone.now())
        elapsed = time.perf_counter() - started
        raise Rollback
    assert count >= 40
    assert elapsed < 10, f"{count} demo cases took {elapsed:.1f}s"
