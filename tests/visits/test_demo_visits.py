"""The demo township's field work (visits/demo.py, built by `manage.py seed_demo`): a year of visits,
patrols, work logs and meetings, mostly kept up, with the gaps the pages are there to show — 郑荣村
第二网格 (郑玉才) far behind, 第一网格 (郑章木) with a handful of overdue households, patrols
missed, meetings skipped — asked the way the pages ask (visits/selectors.py), the same for the same
seed, and no second year on a rerun."""

import datetime
import io
import random
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Case
from villages import demo
from villages.models import CareCategory, Grid, Household, Post, Township, Village
from visits import rules, selectors
from visits.demo import LOG_WEEKS, build_demo_visits, field_work_counts
from visits.models import Meeting, Patrol, Visit, WorkLog
from visits.rules import Kind, Standing

pytestmark = pytest.mark.django_db

SMALL = 400
DAY = datetime.timedelta(days=1)
Role = Post.Role


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
    return Township.objects.get(name=demo.TOWNSHIP["name"])


def zheng_rong(number):
    return Grid.objects.get(village__name=demo.ZHENG_RONG.name, number=number)


def with_due(grid):
    return selectors.with_due(Household.objects.filter(grid=grid))


def overdue(grid):
    return selectors.by_standing(with_due(grid), Standing.OVERDUE)


def with_due_all(township):
    return selectors.with_due(Household.objects.filter(township=township))


def user(username):
    return get_user_model().objects.get(username=username)


def last_complete_weeks(weeks=52):
    """(first day, last day) of the last `weeks` whole weeks, Monday to Sunday."""
    today = timezone.localdate()
    monday = today - today.weekday() * DAY
    return monday - weeks * 7 * DAY, monday - DAY


def test_grid_1_of_zheng_rong_keeps_up_and_grid_2_falls_behind(township):
    grid1, grid2 = zheng_rong(1), zheng_rong(2)
    late1, late2 = overdue(grid1).count(), overdue(grid2).count()
    assert 1 <= late1 <= max(2, 0.15 * grid1.households.count())
    assert late2 >= 3 * late1 and late2 >= 0.25 * grid2.households.count()
    assert overdue(grid2).filter(carries_must_visit=True).exists()
    # the rest of the township mostly up to date
    everyone = selectors.with_due(Household.objects.filter(township=township).exclude(grid=grid2))
    assert selectors.by_standing(everyone, Standing.OVERDUE).count() < 0.1 * everyone.count()
    assert selectors.by_standing(everyone, Standing.ON_TIME).count() > 0.6 * everyone.count()
    assert selectors.by_standing(everyone, Standing.DUE_SOON).exists()
    # some households nobody has been to this year: behind, or registered only lately (not due yet)
    behind = selectors.by_standing(with_due_all(township), Standing.OVERDUE)
    assert behind.filter(last_visit__isnull=True, last_contact__isnull=True).exists()
    recent = Household.objects.filter(township=township, created_at__gt=timezone.now() - 60 * DAY)
    old = Household.objects.filter(township=township, created_at__lt=timezone.now() - 700 * DAY)
    assert old.count() + recent.count() == Household.objects.filter(township=township).count()
    assert not selectors.by_standing(selectors.with_due(recent), Standing.OVERDUE).exists()
    # what the leaders' own pages say
    mine = selectors.due_households(user("zhengzhangmu"))
    assert {h.grid_id for h in mine} == {grid1.pk}
    assert 1 <= selectors.by_standing(mine, Standing.OVERDUE).count() <= late1
    head = Post.objects.get(role=Role.TOWNSHIP_STAFF, cadre__name=demo.TOWNSHIP_STAFF[0][0]).cadre.user
    share = {g: selectors.coverage(head, Household.objects.filter(grid=g))["all"]["share"] for g in (grid1, grid2)}
    assert share[grid1] > share[grid2] + 10


def test_visits_follow_the_rules_of_who_visits_whom(township):
    today = timezone.localdate()
    visits = Visit.objects.filter(township=township)
    assert set(visits.values_list("kind", flat=True)) == set(Kind.values)
    assert not visits.filter(Q(visited_on__gte=today) | Q(visited_on__lt=today - 366 * DAY)).exists()
    assert not visits.filter(recorded_at__gt=timezone.now()).exists()
    households = Household.objects.filter(township=township).in_bulk()
    codes = selectors.category_pairs(Household.objects.filter(township=township), CareCategory.Code.values)
    grid_cadres = {}
    for post in Post.objects.current().filter(role__in=[Role.GRID_LEADER, Role.GRID_MEMBER]):
        grid_cadres.setdefault(post.grid_id, set()).add(post.cadre_id)
    representative_groups = dict(
        Post.objects.current().filter(role=Role.REPRESENTATIVE).values_list("cadre_id", "group_id")
    )
    committee = set(
        Post.objects.current()
        .filter(role__in=[Role.VILLAGE_SECRETARY, Role.VILLAGE_DIRECTOR, Role.COMMITTEE_MEMBER])
        .values_list("cadre_id", flat=True)
    )
    for visit in visits.select_related("visitor"):
        assert visit.recorded_by_id == visit.visitor.user_id
        if visit.kind == Kind.TALK:
            assert visit.household_id is None and visit.visitor_id in committee
            assert visit.group_id == representative_groups[visit.representative_id]
            continue
        household = households[visit.household_id]
        place = (household.township_id, household.village_id, household.grid_id, household.group_id)
        assert (visit.township_id, visit.village_id, visit.grid_id, visit.group_id) == place
        assert visit.visited_on >= household.created_at.date()
        if visit.kind == Kind.CONTACT:
            assert visit.visitor_id == household.contact_representative_id
        else:
            assert visit.visitor_id in grid_cadres[household.grid_id]
            assert visit.kind == rules.usual_kind(codes.get(household.pk, ()), by_representative=False)
    # little text on most visits, some on a good share
    with_text = visits.exclude(**dict.fromkeys(Visit.FINDINGS, "")).count()
    assert 0.15 * visits.count() < with_text < 0.7 * visits.count()
    # a few late entries, each with its reason
    late = visits.exclude(late_reason="")
    assert 1 <= late.count() <= 0.03 * visits.count()
    for visit in late:
        assert timezone.localdate(visit.recorded_at) >= visit.visited_on + 2 * DAY
    for visit in visits.filter(late_reason=""):
        assert timezone.localdate(visit.recorded_at) - visit.visited_on <= DAY
    rows_pass_model_validation(township)


def rows_pass_model_validation(township):
    visits = Visit.objects.filter(township=township)
    samples = [visits.filter(kind=kind)[:10] for kind in Kind] + [visits.exclude(late_reason="")[:10]]
    samples += [model.objects.filter(township=township)[:30] for model in (Patrol, WorkLog, Meeting)]
    for sample in samples:
        for obj in sample:
            obj.full_clean()


def test_representatives_visit_their_households_and_are_talked_to(township):
    households = Household.objects.filter(township=township, contact_representative__isnull=False)
    contact = selectors.with_contact_due(households)
    assert selectors.by_standing(contact, Standing.OVERDUE).count() < 0.2 * households.count()
    member = Post.objects.get(role=Role.COMMITTEE_MEMBER, village__name=demo.ZHENG_RONG.name).cadre.user
    representatives = list(selectors.representatives_due(member))
    assert len(representatives) == 13  # one a group
    talked = [r for r in representatives if r.last_talk is not None]
    assert len(talked) >= 0.7 * len(representatives)
    assert sum(r.due_on >= timezone.localdate() for r in representatives) >= 0.7 * len(representatives)


def test_patrols_most_days_with_gaps(township):
    today = timezone.localdate()
    start = today - 364 * DAY
    grids = list(Grid.objects.filter(village__township=township).select_related("village"))
    walked = selectors.patrol_days([g.pk for g in grids], start, today - DAY)
    missing = {g.pk: rules.days_without_patrol(walked[g.pk], start, today - DAY) for g in grids}
    for grid in grids:
        assert len(missing[grid.pk]) < 0.5 * 364, grid
    grid1, grid2 = zheng_rong(1), zheng_rong(2)
    assert len(missing[grid1.pk]) < 0.05 * 364
    assert len(missing[grid2.pk]) > 4 * len(missing[grid1.pk])
    assert sum(bool(days) for days in missing.values()) == len(grids)  # nobody walks every single day
    assert longest_run(missing[grid2.pk]) >= 5  # a bad week
    patrols = Patrol.objects.filter(township=township)
    assert patrols.filter(findings__gt="").exists()
    assert patrols.values("grid", "patrolled_on").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for patrol in patrols.select_related("patroller", "grid")[:500]:
        assert datetime.time(8) <= patrol.started_at < patrol.ended_at <= datetime.time(18)
        assert patrol.recorded_by_id == patrol.patroller.user_id
        assert (patrol.township_id, patrol.village_id) == (township.pk, patrol.grid.village_id)
    # the dashboard's panel shows the difference
    head = Post.objects.get(role=Role.TOWNSHIP_STAFF, cadre__name=demo.TOWNSHIP_STAFF[0][0]).cadre.user
    shares = {row["grid"].pk: row["share"] for row in selectors.compliance(head)["grids"]}
    assert shares[grid1.pk] > shares[grid2.pk]


def longest_run(days):
    longest = run = 0
    for before, day in zip([None, *days], days, strict=False):
        run = run + 1 if before is not None and day - before == DAY else 1
        longest = max(longest, run)
    return longest


def test_every_village_has_weeks_with_and_without_a_meeting(township):
    start, end = last_complete_weeks()
    villages = list(Village.objects.filter(township=township))
    met = selectors.meeting_days([v.pk for v in villages], start, end)
    for village in villages:
        skipped = rules.weeks_without_meeting(met[village.pk], start, end)
        assert 1 <= len(skipped) <= 15, village
    meetings = Meeting.objects.filter(township=township).prefetch_related("attendees", "cases")
    secretaries = dict(
        Post.objects.current().filter(role=Role.VILLAGE_SECRETARY).values_list("village_id", "cadre__user_id")
    )
    for meeting in meetings:
        assert meeting.recorded_by_id == secretaries[meeting.village_id]
        assert meeting.agenda and len(meeting.attendees.all()) >= 3
        assert all(case.village_id == meeting.village_id for case in meeting.cases.all())
    with_cases = meetings.filter(cases__isnull=False).distinct()
    assert with_cases.exists()
    assert not with_cases.filter(held_on__lt=timezone.localdate() - 8 * 7 * DAY).exists()
    assert Case.objects.filter(meetings__isnull=False).exists()


def test_every_grid_leader_keeps_daily_logs_and_a_draft_weekly_summary(township):
    today = timezone.localdate()
    monday = today - today.weekday() * DAY
    leaders = Post.objects.current().filter(township=township, role=Role.GRID_LEADER).select_related("cadre")
    assert leaders.count() == Grid.objects.filter(village__township=township).count()
    for post in leaders:
        logs = WorkLog.objects.filter(author=post.cadre, grid=post.grid)
        daily = logs.filter(period=WorkLog.Period.DAY)
        assert daily.count() >= 15, post
        assert not daily.filter(Q(starts_on__gte=today) | Q(starts_on__lt=monday - (LOG_WEEKS - 1) * 7 * DAY)).exists()
        assert daily.filter(submitted_at__isnull=False).count() >= 0.6 * daily.count()
        weekly = logs.filter(period=WorkLog.Period.WEEK)
        assert all(log.starts_on.weekday() == 0 for log in weekly)
        assert weekly.get(starts_on=monday).submitted_at is None  # this week's: a draft
        assert weekly.filter(starts_on__lt=monday, submitted_at__isnull=False).count() >= 4
        assert all(log.recorded_by_id == post.cadre.user_id for log in logs)
    grid1, grid2 = zheng_rong(1), zheng_rong(2)
    kept = {grid: WorkLog.objects.filter(grid=grid, period=WorkLog.Period.DAY).count() for grid in (grid1, grid2)}
    assert kept[grid1] > kept[grid2]
    # a daily log says what the day's field work was: the patrol, the households visited by name
    daily = WorkLog.objects.filter(township=township, period=WorkLog.Period.DAY)
    assert daily.filter(grid=grid1, text__contains="巡查").exists()
    visited = daily.filter(text__regex=r"走访[0-9]+户：").first()
    assert visited is not None
    heads = Household.objects.filter(grid=visited.grid).values_list("head_name", flat=True)
    assert any(head in visited.text for head in heads)


def test_seeding_twice_adds_nothing(township):
    before = field_work_counts(township)
    assert all(before.values())
    output = seed()
    assert "already exists" in output and f"{before['visits']} visits" in output
    assert build_demo_visits(township, random.Random(1), timezone.now()) == before
    assert field_work_counts(township) == before


def test_the_same_seed_gives_the_same_field_work():
    def snapshot():
        return (
            list(
                Visit.objects.order_by("pk").values_list(
                    "household__address", "representative__name", "visitor__name", "visited_on", "kind", "situation"
                )
            ),
            list(Patrol.objects.order_by("pk").values_list("grid__name", "patrolled_on", "started_at", "area")),
            list(Meeting.objects.order_by("pk").values_list("village__name", "held_on", "agenda")),
        )

    class Rollback(Exception):
        pass

    snapshots = []
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            demo.build_demo_township(households=SMALL)
            snapshots.append(snapshot())
            raise Rollback
    assert snapshots[0] == snapshots[1] != ([], [], [])


def test_building_the_field_work_is_quick():
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        township = demo._Builder(random.Random(demo.DEFAULT_SEED), SMALL).build()
        started = time.perf_counter()
        counts = build_demo_visits(township, random.Random(demo.DEFAULT_SEED + 2), timezone.now())
        elapsed = time.perf_counter() - started
        raise Rollback
    assert counts["patrols"] > 5000
    assert elapsed < 10, f"{counts} took {elapsed:.1f}s"


@pytest.mark.slow
def test_full_size_zheng_rong_grid_1_has_a_handful_overdue():
    seed(households=demo.DEFAULT_HOUSEHOLDS)
    grid1, grid2 = zheng_rong(1), zheng_rong(2)
    assert 5 <= overdue(grid1).count() <= 15
    assert 1 <= overdue(grid1).filter(carries_must_visit=True).count() <= 2
    assert overdue(grid2).count() >= 40
