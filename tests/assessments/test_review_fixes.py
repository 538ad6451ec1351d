"""Found by looking at the assessment pages as their users would: the scheme editor sent twice,
a second scheme of the same name, a score kept for its manual items when its cadre is no longer
assessed, and the lateness a case step records for the assessment to count."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Entry, Item, Scheme, Score
from cases import services as case_services
from cases.models import Case, CaseEvent
from cases.workflow import Level, Procedure, Status
from villages.models import Post

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
    scheme = services.save_scheme(
        actor=township,
        scheme=Scheme(township=world.places["t1"], name="网格长考核", roles=[Role.GRID_LEADER]),
        total=100,
        pass_mark=D(60),
        excellent_at=D(90),
        items=[
            {"metric": "visit_coverage", "effect": "earn", "max_points": 100, "zero_at": D(50), "full_at": D(95)},
            {"name": "监督检查扣分", "effect": "deduct", "max_points": 20},
        ],
        today=today,
    )
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
    scheme = services.save_scheme(
        actor=township,
        scheme=Scheme(township=world.places["t1"], name="网格长考核", roles=[Role.GRID_LEADER]),
        total=100,
        pass_mark=D(60),
        excellent_at=D(90),
        items=[
            {"metric": "visit_coverage", "effect": "earn", "max_points": 100, "zero_at": D(50), "full_at": D(95)},
            {"name": "监督检查扣分", "effect": "deduct", "max_points": 20},
        ],
    )
    period = services.open_period(actor=township, scheme=scheme, day=today)
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
    assert "1 item about you waits for the township: you may answer it" in page
    assert reverse("assessments:score", args=[score.pk]) in page

    services.answer(actor=world.users["leader"], entry=entry, text="已补巡查")
    assert "about you waits" not in client.get(reverse("home")).content.decode()
    assert "about you waits" not in login(world.users["neighbour"]).get(reverse("home")).content.decode()
