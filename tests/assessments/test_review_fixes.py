"""Found by looking at the assessment pages as their users would: the scheme editor sent twice,
a second scheme of the same name, a score kept for its manual items when its cadre is no longer
assessed, and the lateness a case step records for the assessment to count."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import metrics, selectors, services
from assessments.models import Entry, Item, Period, Scheme, Score
from assessments.scoring import Metric
from cases import services as case_services
from cases.models import Case, CaseEvent
from cases.workflow import Level, Procedure, Status
from villages.models import Post
from visits.models import Meeting, Patrol, WorkLog

pytestmark = pytest.mark.django_db
Role = Post.Role
D = Decimal


def scheme_form(name="网格长考核", total=100, **extra):
    data = {
        "name": name,
        "cycle": "month",
        "roles": ["grid_leader"],
        "total": str(total),
        "pass_mark": "60",
        "excellent_at": "90",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30",
        "items-0-metric": "visit_coverage",
        "items-0-effect": "earn",
        "items-0-max_points": "100",
        "items-0-zero_at": "50",
        "items-0-full_at": "95",
        "items-1-metric": "",
        "items-1-name": "监督检查扣分",
        "items-1-effect": "deduct",
        "items-1-max_points": "20",
    }
    data.update(extra)
    return data


def grid_scheme(world, today, **fields):
    return services.save_scheme(
        actor=world.users["township"],
        scheme=Scheme(township=world.places["t1"], name="网格长考核", roles=[Role.GRID_LEADER], **fields),
        total=100,
        pass_mark=D(60),
        excellent_at=D(90),
        items=[
            {"metric": "patrol_days", "effect": "earn", "max_points": 100, "zero_at": D(0), "full_at": D(100)},
            {"name": "监督检查扣分", "effect": "deduct", "max_points": 20},
        ],
        today=today,
    )


def test_the_scheme_editor_sent_twice_saves_one_scheme(world, login):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    data = scheme_form(submission=str(uuid.uuid4()))

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 302 and second.url == first.url
    assert Scheme.objects.count() == 1
    assert list(Scheme.objects.get().versions.get().items.values_list("metric", "effect", "max_points")) == [
        ("visit_coverage", "earn", 100),
        ("", "deduct", 20),
    ]


def test_a_second_scheme_of_the_same_name_is_refused_with_a_message(world, login):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    assert client.post(url, scheme_form(submission=str(uuid.uuid4()))).status_code == 302

    again = client.post(url, scheme_form(submission=str(uuid.uuid4())))

    assert again.status_code == 200
    assert "The township already has a scheme of this name." in again.content.decode()
    assert Scheme.objects.count() == 1


def test_items_that_do_not_add_up_are_shown_on_the_form_and_nothing_is_saved(world, login):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])

    response = client.post(url, scheme_form(total=90, submission=str(uuid.uuid4())))

    assert response.status_code == 200
    assert "The items that earn points add up to 100; the scheme&#x27;s total is 90." in response.content.decode()
    assert not Scheme.objects.exists()


def test_a_score_kept_for_its_manual_items_keeps_the_ledger_it_was_computed_with(world):
    township = world.users["township"]
    today = datetime.date(2026, 3, 20)
    scheme = grid_scheme(world, today)
    period = services.open_period(actor=township, scheme=scheme, day=today, today=today)
    score = Score.objects.get(period=period, cadre=world.cadres["neighbour"])
    services.enter(
        actor=world.users["village"],
        score=score,
        item=period.version.items.get(effect=Item.Effect.DEDUCT),
        points=D(2),
        reason="巡查记录空白",
        source="inside",
    )
    lines = list(score.lines.values_list("item_id", "points"))
    Post.objects.filter(cadre=world.cadres["neighbour"]).update(started_on=datetime.date(2026, 4, 1))

    services.compute(period, today=today)

    kept = Score.objects.get(pk=score.pk)
    assert kept.entries.get().status == Entry.Status.PENDING
    assert list(kept.lines.values_list("item_id", "points")) == lines
    assert not Score.objects.filter(period=period, cadre=world.cadres["member"]).exists()  # never assessed


def test_a_case_step_records_whether_its_level_had_passed_its_deadline(world):
    leader = world.users["leader"]
    start = timezone.now() - datetime.timedelta(days=30)
    case = Case(
        township=world.places["t1"],
        village=world.places["v1"],
        grid=world.places["G1"],
        group=world.places["g1b"],
        household=world.households["g1b"],
        procedure=Procedure.COORDINATION,
        category="dispute",
        summary="邻里纠纷",
        reported_by=leader,
    )
    case = case_services.open_case(actor=leader, case=case, start_level=Level.GRID, now=start)
    if case.status == Status.OPEN:
        case = case_services.transition(actor=leader, case=case, name="accept", version=case.version, now=start)
    late = case.due_at + datetime.timedelta(hours=1)

    escalated = case_services.transition(
        actor=leader, case=case, name="escalate", version=case.version, note="调解不成", now=late
    )
    step = CaseEvent.objects.filter(case=escalated, kind="escalate").get()
    assert step.late is True and step.from_level == Level.GRID

    village = world.users["village"]
    accepted = case_services.transition(
        actor=village,
        case=escalated,
        name="accept",
        version=escalated.version,
        now=late + datetime.timedelta(minutes=5),
    )
    assert CaseEvent.objects.filter(case=accepted, kind="accept").last().late is False
    assert CaseEvent.objects.filter(case=accepted, kind="created").get().late is None


def test_the_home_page_tells_a_cadre_of_an_item_about_them_until_they_answer_it(world, login):
    township = world.users["township"]
    today = timezone.localdate()
    period = services.open_period(actor=township, scheme=grid_scheme(world, today), day=today)
    score = Score.objects.get(period=period, cadre=world.cadres["leader"])
    entry = services.enter(
        actor=world.users["village"],
        score=score,
        item=period.version.items.get(effect=Item.Effect.DEDUCT),
        points=D(2),
        reason="巡查记录空白",
        source="inside",
    )
    client = login(world.users["leader"])

    page = client.get(reverse("home")).content.decode()
    assert "1 reward or deduction about you this period: you may answer it" in page
    assert reverse("assessments:score", args=[score.pk]) in page

    services.answer(actor=world.users["leader"], entry=entry, text="已补巡查")
    assert "about you this period" not in client.get(reverse("home")).content.decode()
    assert "about you this period" not in login(world.users["neighbour"]).get(reverse("home")).content.decode()


# --- an independent review's findings ---------------------------------------------------------

MARCH = metrics.Window(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), datetime.date(2026, 4, 10))


def test_a_schemes_cycle_is_fixed_once_a_period_is_opened(world, login):
    today = datetime.date(2026, 3, 20)
    scheme = grid_scheme(world, today)
    services.open_period(actor=world.users["township"], scheme=scheme, day=today, today=today)
    scheme.cycle = "year"

    with pytest.raises(ValidationError, match="its cycle stays as it is"):
        services.save_scheme(
            actor=world.users["township"],
            scheme=scheme,
            total=100,
            pass_mark=D(60),
            excellent_at=D(90),
            items=[{"metric": "patrol_days", "effect": "earn", "max_points": 100, "zero_at": D(0), "full_at": D(100)}],
            today=today,
        )
    assert Scheme.objects.get().cycle == "month"
    form = login(world.users["township"]).get(reverse("assessments:scheme_edit", args=[scheme.pk])).context["form"]
    assert form.fields["cycle"].disabled


def test_an_item_worth_more_than_the_database_holds_is_refused_with_a_message(world):
    with pytest.raises(ValidationError, match="between 1 and 100000 points"):
        services.check_items(
            100,
            [
                {"metric": "patrol_days", "effect": "earn", "max_points": 100, "zero_at": D(0), "full_at": D(100)},
                {"name": "表彰", "effect": "reward", "max_points": 3_000_000_000},
            ],
        )


def patrol(world, grid, day):
    leader = world.cadres["leader"]
    Patrol.objects.create(
        township=world.places["t1"],
        village=world.places["v1"],
        grid=world.places[grid],
        patroller=leader,
        patrolled_on=day,
        started_at=datetime.time(8),
        ended_at=datetime.time(9),
        area="沿河",
        recorded_by=leader.user,
    )


def test_a_newcomer_is_measured_from_the_day_they_took_the_post(world):
    Post.objects.filter(cadre=world.cadres["leader"]).update(started_on=datetime.date(2026, 3, 21))
    for day in range(21, 32):
        patrol(world, "G1", datetime.date(2026, 3, day))
    scheme = Scheme(township=world.places["t1"], roles=[Role.GRID_LEADER])

    areas = {a.cadre_id: a for a in metrics.assessed_areas(scheme, MARCH.start, MARCH.end)}
    measured = metrics.measure(list(areas.values()), MARCH)

    leader = world.cadres["leader"].pk
    assert areas[leader].since == datetime.date(2026, 3, 21)
    assert measured[leader][Metric.PATROL_DAYS] == metrics.Measure(D("100.0"), 11, 11)  # not 11 of 31


def test_meetings_count_only_in_the_cadres_own_village(world):
    secretary = world.cadres["village"]
    for village, day in (("v1", 2), ("v2", 9)):  # the week of 9 March: another village's meeting
        meeting = Meeting.objects.create(
            township=world.places["t1"],
            village=world.places[village],
            held_on=datetime.date(2026, 3, day),
            agenda="例会",
            recorded_by=world.users["township"],
        )
        meeting.attendees.add(secretary)
    scheme = Scheme(township=world.places["t1"], roles=[Role.VILLAGE_SECRETARY])
    areas = metrics.assessed_areas(scheme, MARCH.start, MARCH.end)

    measured = metrics.measure(areas, MARCH)[secretary.pk][Metric.MEETING_ATTENDANCE]

    assert (measured.counted, measured.out_of) == (1, 5)  # the week of 2 March only, of the 5 ending in March


def test_a_work_log_written_long_after_its_day_does_not_count(world):
    leader = world.cadres["leader"]
    for day, submitted in ((2, 2), (3, 4), (4, 20)):  # the same evening, the next day, sixteen days later
        WorkLog.objects.create(
            township=world.places["t1"],
            village=world.places["v1"],
            grid=world.places["G1"],
            author=leader,
            period=WorkLog.Period.DAY,
            starts_on=datetime.date(2026, 3, day),
            text="日志",
            submitted_at=timezone.make_aware(datetime.datetime(2026, 3, submitted, 21)),
            recorded_by=leader.user,
        )
    areas = metrics.assessed_areas(
        Scheme(township=world.places["t1"], roles=[Role.GRID_LEADER]), MARCH.start, MARCH.end
    )

    measured = metrics.measure(areas, MARCH)[leader.pk][Metric.WORK_LOGS]

    assert measured.counted == 2


def test_the_current_month_is_not_required_of_must_visit_households_until_it_is_over():
    open_month = metrics.Window(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), datetime.date(2026, 3, 10))
    assert open_month.months() == []
    assert MARCH.months() == [datetime.date(2026, 3, 1)]


def test_an_item_is_not_entered_into_a_period_closed_since_the_score_was_loaded(world):
    today = timezone.localdate()
    period = services.open_period(actor=world.users["township"], scheme=grid_scheme(world, today), day=today)
    score = Score.objects.select_related("period").get(period=period, cadre=world.cadres["leader"])
    Period.objects.filter(pk=period.pk).update(status="closed")  # closed meanwhile, by someone else

    with pytest.raises(ValidationError, match="closed"):
        services.enter(
            actor=world.users["village"],
            score=score,
            item=period.version.items.get(metric=""),
            points=D(2),
            reason="巡查记录空白",
            source="inside",
        )
    assert not Entry.objects.exists()


def test_a_month_without_a_score_breaks_the_failing_streak(world):
    township, today = world.users["township"], datetime.date(2026, 4, 15)
    scheme = grid_scheme(world, today)
    for month in (1, 2, 3):
        period = services.open_period(actor=township, scheme=scheme, day=datetime.date(2026, month, 5), today=today)
        services.close(period, actor=township, today=today)
    # nobody patrolled: everyone failed each month; the neighbour was not scored in February
    Score.objects.filter(period__starts_on=datetime.date(2026, 2, 1), cadre=world.cadres["neighbour"]).delete()

    failing = {cadre.name: streak for cadre, streak, _ in selectors.long_term_failures(scheme, township, periods=2)}

    assert failing == {world.cadres["leader"].name: 3}


def test_a_decision_note_too_long_is_refused_and_nothing_is_decided(world, login):
    today = timezone.localdate()
    period = services.open_period(actor=world.users["township"], scheme=grid_scheme(world, today), day=today)
    entry = services.enter(
        actor=world.users["village"],
        score=Score.objects.get(period=period, cadre=world.cadres["leader"]),
        item=period.version.items.get(metric=""),
        points=D(2),
        reason="巡查记录空白",
        source="inside",
    )
    client = login(world.users["township"])

    response = client.post(reverse("assessments:decide", args=[entry.pk]), {"approve": "1", "note": "很" * 201})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PENDING


def test_a_case_number_with_another_date_is_not_that_case(world, login):
    today = timezone.localdate()
    period = services.open_period(actor=world.users["township"], scheme=grid_scheme(world, today), day=today)
    score = Score.objects.get(period=period, cadre=world.cadres["leader"])
    leader = world.users["leader"]
    case = case_services.open_case(
        actor=leader,
        case=Case(household=world.households["g1b"], procedure=Procedure.GENERAL, category="dispute", summary="纠纷"),
        result="当场调解",
    )
    client = login(world.users["village"])
    data = {"item": period.version.items.get(metric="").pk, "points": "2", "source": "inside", "reason": "核实"}

    wrong = client.post(reverse("assessments:entry_create", args=[score.pk]), {**data, "case": f"19990101-{case.pk}"})

    assert "No case with this number that you can see." in wrong.content.decode()
    assert not Entry.objects.exists()
