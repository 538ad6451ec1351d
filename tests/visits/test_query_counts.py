"""Every field-work list costs the same number of queries with a few rows as with many: My visits,
the visit log, coverage (a grid, a township), the patrol calendar, work logs, meetings and the
household page's visits card, each at two data sizes."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from cases.workflow import Level, Procedure, Status
from tests import factories
from villages.models import CareCategory, Household
from visits.models import Meeting, Patrol, Visit, WorkLog
from visits.rules import Kind

DAY = datetime.timedelta(days=1)
SMALL, LARGE = 3, 30


def today():
    return timezone.localdate()


class Grower:
    """Adds `n` more of every kind of field-work record to the world's G1 and village v1."""

    def __init__(self, world):
        self.world = world
        self.days = itertools.count(1)  # distinct days back, for the once-a-day constraints
        self.care = list(CareCategory.objects.all())
        self.total = 0

    def case(self, household):
        now = timezone.now()
        return Case.objects.create(
            township_id=household.township_id,
            village_id=household.village_id,
            grid_id=household.grid_id,
            group_id=household.group_id,
            household=household,
            procedure=Procedure.COORDINATION,
            category=Category.DISPUTE,
            summary=f"{household.head_name} 的事",
            reported_by=self.world.users["leader"],
            level=Level.GRID,
            status=Status.ACCEPTED,
            warn_at=now - DAY,
            due_at=now - DAY / 2,
        )

    def visit(self, household, visitor, day, kind=Kind.ROUTINE, case=None):
        visit = Visit(
            household=household,
            visitor=visitor,
            visited_on=day,
            kind=kind,
            needs="修路",
            case=case,
            recorded_by=visitor.user,
        )
        visit.place_in_group(household.group)
        visit.save()

    def grow(self, n):
        w = self.world
        leader, member, rep = w.cadres["leader"], w.cadres["member"], w.cadres["representative"]
        grid, village = w.places["G1"], w.places["v1"]
        first = today().replace(day=1)
        for i in range(n):
            number = self.total + i
            household = factories.HouseholdFactory(
                group=w.places["g1b" if i % 2 else "g1a"],
                responsible_cadre=leader if i % 3 else member,
                contact_representative=rep if i % 2 == 0 else None,
            )
            household.categories.add(self.care[number % len(self.care)])
            resident = factories.ResidentFactory(household=household, relation="head")
            resident.categories.add(self.care[(number + 3) % len(self.care)])
            Household.objects.filter(pk=household.pk).update(created_at=timezone.now() - (300 + number) * DAY)
            case = self.case(household)
            day = today() - next(self.days) * DAY
            # one visit to the new household, one more to g1a (the household page), one contact visit
            self.visit(household, leader if i % 2 else member, day, Kind.KEY if i % 3 else Kind.ROUTINE, case)
            self.visit(w.households["g1a"], leader, day, case=case if i % 2 else None)
            if household.contact_representative_id:
                self.visit(household, rep, day, Kind.CONTACT)
            Patrol.objects.create(
                township=w.places["t1"],
                village=village,
                grid=grid,
                patroller=leader if i % 2 else member,
                patrolled_on=first + (number % today().day) * DAY,
                started_at=datetime.time(6 + number % 12),
                ended_at=datetime.time(7 + number % 12),
                area=f"第{number}段",
                case=case if i % 2 else None,
                recorded_by=w.users["leader"],
            )
            WorkLog.objects.create(
                township=w.places["t1"],
                village=village,
                grid=grid,
                author=leader if i % 2 else member,
                period=WorkLog.Period.DAY,
                starts_on=day,
                text="日志",
                submitted_at=timezone.now() if i % 3 else None,
                recorded_by=w.users["leader"],
            )
            meeting = Meeting.objects.create(
                township=w.places["t1"], village=village, held_on=day, agenda="例会", recorded_by=w.users["village"]
            )
            meeting.attendees.set([w.cadres["village"], leader])
            meeting.cases.set([case])
        # a special talk with the representative
        talk = Visit(
            representative=rep,
            visitor=w.cadres["village"],
            visited_on=today() - next(self.days) * DAY,
            kind=Kind.TALK,
            recorded_by=w.users["village"],
        )
        talk.place_in_group(w.places["g1a"])
        talk.save()
        self.total += n


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def pages(world):
    """(user, url) for each page, by name."""
    p = world.places
    return {
        "due": ("leader", reverse("visits:due") + "?standing=all"),
        "due_overdue": ("leader", reverse("visits:due") + "?standing=overdue&never=1"),
        "due_representative": ("representative", reverse("visits:due") + "?standing=all"),
        "due_village": ("village", reverse("visits:due") + "?standing=all"),
        "list": ("leader", reverse("visits:list")),
        "list_township": ("township", reverse("visits:list")),
        "coverage_grid": ("leader", reverse("visits:coverage", args=["grid", p["G1"].pk])),
        "coverage_township": ("township", reverse("visits:coverage", args=["township", p["t1"].pk])),
        "coverage_all": ("village", reverse("visits:coverage_all")),
        "patrol_calendar": ("leader", reverse("visits:patrol_calendar", args=[p["G1"].pk])),
        "logs": ("leader", reverse("visits:logs")),
        "meetings": ("village", reverse("visits:meetings", args=[p["v1"].pk])),
        "household": ("leader", world.households["g1a"].get_absolute_url()),
    }


@pytest.mark.parametrize(
    "page",
    [
        "due",
        "due_overdue",
        "due_representative",
        "due_village",
        "list",
        "list_township",
        "coverage_grid",
        "coverage_township",
        "coverage_all",
        "patrol_calendar",
        "logs",
        "meetings",
        "household",
    ],
)
def test_a_page_costs_the_same_queries_with_few_and_many_records(world, login, page):
    user, url = pages(world)[page]
    client = login(world.users[user])
    grower = Grower(world)
    grower.grow(SMALL)
    client.get(url)  # warm the per-process caches (content types, translations)
    small = count_queries(client, url)

    grower.grow(LARGE - SMALL)
    assert Visit.objects.filter(household__isnull=False).count() > 2 * LARGE
    large = count_queries(client, url)

    assert large == small, f"{page}: {small} queries with {SMALL} of each record, {large} with {LARGE}"


def test_the_pages_show_the_records_they_are_counted_on(world, login):
    """The counts above are taken on pages that list the rows, not on empty pages."""
    Grower(world).grow(SMALL)
    leader = login(world.users["leader"])

    due = leader.get(reverse("visits:due") + "?standing=all")
    assert len(due.context["table"].rows) == Household.objects.filter(grid=world.places["G1"]).count()
    assert len(leader.get(reverse("visits:list")).context["table"].rows) == Visit.objects.count()
    calendar = leader.get(reverse("visits:patrol_calendar", args=[world.places["G1"].pk]))
    assert len(calendar.context["patrols"]) == SMALL
    assert len(leader.get(reverse("visits:logs")).context["object_list"]) == SMALL
    assert (
        len(
            login(world.users["village"])
            .get(reverse("visits:meetings", args=[world.places["v1"].pk]))
            .context["meetings"]
        )
        == SMALL
    )
    household = leader.get(world.households["g1a"].get_absolute_url()).content.decode()
    assert len(re.findall(r'href="/visits/\d+/"', household)) == SMALL
