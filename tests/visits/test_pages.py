"""Through the pages, as the people in the field use them: the visit and talk forms, My visits and
the household's visits card, patrols and their calendar, work logs, the village committee's
meetings, the township's intervals, and coverage recounted from the rows."""

import datetime
import io
import re
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import services as case_services
from cases.forms import label
from cases.models import Case, CaseEvent, Category, Channel
from cases.workflow import Procedure
from tests import factories
from villages.models import CareCategory, Household, Resident
from visits import rules, services
from visits.models import Interval, Meeting, Patrol, Visit, WorkLog
from visits.rules import Kind

DUE = reverse("visits:due")
CREATE = reverse("visits:create")
TALK = reverse("visits:talk_create")
PATROL = reverse("visits:patrol_create")
LOG_CREATE = reverse("visits:log_create")
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def at(day):
    """Nine in the morning of `day`, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def registered(days_ago, *households):
    """Back-date when the households came under the rules (a household is due from then)."""
    Household.objects.filter(pk__in=[h.pk for h in households]).update(created_at=at(today() - days_ago * DAY))


def listed(response):
    """The households a My visits page lists, by their row's data-household."""
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-household="(\d+)"', response.content.decode())}


def pks(*households):
    return {household.pk for household in households}


def visit(household, /, **data):
    """The visit form as a user fills it: the household, the date and the kind, nothing else."""
    return {"household": label(household), "visited_on": today().isoformat(), "kind": Kind.ROUTINE, **data}


def errors(response, field=None):
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return " ".join(form.non_field_errors() if field is None else form.errors.get(field, []))


def jpeg_bytes():
    """A real JPEG, with a camera name in its EXIF that must not survive the upload."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"  # Make
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def open_case(world, actor="leader", household="g1b", summary="宅基地纠纷"):
    return case_services.open_case(
        actor=world.users[actor],
        case=Case(
            household=world.households[household],
            category=Category.DISPUTE,
            procedure=Procedure.COORDINATION,
            channel=Channel.VISIT,
            summary=summary,
        ),
    )


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


# --- the visit form ---------------------------------------------------------------------------


def test_the_leader_logs_a_visit_in_one_post_and_the_household_leaves_the_overdue_list(world, leader):
    household = world.households["g1b"]
    registered(400, household)
    assert household.pk in listed(leader.get(DUE, {"standing": "overdue"}))

    response = leader.post(CREATE, visit(household))

    assert response.status_code == 302 and response.url == DUE
    logged = Visit.objects.get()
    assert (logged.household, logged.visitor, logged.visited_on, logged.kind) == (
        household,
        world.cadres["leader"],
        today(),
        Kind.ROUTINE,
    )
    assert (logged.grid, logged.group, logged.recorded_by) == (
        world.places["G1"],
        world.places["g1b"],
        world.users["leader"],
    )
    page = leader.get(DUE, {"standing": "overdue"})
    assert "Visit to 户主g1b logged." in page.content.decode()
    assert household.pk not in listed(page)


def test_the_household_may_be_given_by_its_number(world, leader):
    household = world.households["g1b"]

    response = leader.post(CREATE, visit(household, household=f"#{household.pk}"))

    assert response.status_code == 302
    assert Visit.objects.get().household == household


def test_the_same_visit_form_sent_twice_logs_one_visit(world, leader):
    data = visit(world.households["g1b"], submission=str(uuid.uuid4()))

    first = leader.post(CREATE, data)
    second = leader.post(CREATE, data)

    assert first.status_code == 302 and first.url == DUE
    assert Visit.objects.count() == 1
    # taken to the first send's result, not shown the form with a "you already logged" error
    assert second.status_code == 302 and second.url == DUE
    assert "already sent" in leader.get(DUE).content.decode()


def test_a_second_visit_to_the_same_household_on_the_same_day_is_refused_with_a_message(world, leader):
    household = world.households["g1b"]
    assert leader.post(CREATE, visit(household, submission=str(uuid.uuid4()))).status_code == 302

    again = leader.post(CREATE, visit(household, met="儿子", submission=str(uuid.uuid4())))

    assert "You already logged a visit to this household on that day." in errors(again)
    assert "You already logged a visit to this household on that day." in again.content.decode()
    assert Visit.objects.count() == 1


def test_a_visit_in_the_future_is_refused(world, leader):
    response = leader.post(CREATE, visit(world.households["g1b"], visited_on=(today() + DAY).isoformat()))

    assert "in the future" in errors(response, "visited_on")
    assert not Visit.objects.exists()


def test_a_late_visit_needs_a_reason_and_keeps_it(world, leader):
    household = world.households["g1b"]
    three_days_ago = (today() - 3 * DAY).isoformat()

    refused = leader.post(CREATE, visit(household, visited_on=three_days_ago))
    assert "late entry" in errors(refused, "late_reason")
    assert not Visit.objects.exists()

    accepted = leader.post(CREATE, visit(household, visited_on=three_days_ago, late_reason="山路塌方，今天才有信号"))
    assert accepted.status_code == 302
    logged = Visit.objects.get()
    assert (logged.visited_on, logged.late_reason) == (today() - 3 * DAY, "山路塌方，今天才有信号")


def test_yesterday_is_not_late(world, leader):
    response = leader.post(CREATE, visit(world.households["g1b"], visited_on=(today() - DAY).isoformat()))

    assert response.status_code == 302
    assert Visit.objects.get().late_reason == ""


def test_a_household_of_another_grid_is_refused(world, leader):
    household = world.households["g2"]
    for entry in (label(household), f"#{household.pk}", household.head_name):
        response = leader.post(CREATE, visit(household, household=entry))
        assert "No household you can see matches" in errors(response, "household")
    assert not Visit.objects.exists()


def test_a_representative_logs_a_contact_visit_to_their_contact_household(world, login):
    client = login(world.users["representative"])

    response = client.post(CREATE, visit(world.households["g1a"], kind=Kind.CONTACT))

    assert response.status_code == 302
    logged = Visit.objects.get()
    assert (logged.household, logged.visitor, logged.kind) == (
        world.households["g1a"],
        world.cadres["representative"],
        Kind.CONTACT,
    )


def test_the_form_offers_a_representative_the_contact_kind_for_their_household(world, login):
    client = login(world.users["representative"])

    response = client.get(CREATE, {"household": world.households["g1a"].pk})

    assert response.status_code == 200
    assert response.context["form"].initial["kind"] == Kind.CONTACT


def test_the_form_suggests_the_kind_from_the_households_categories(world, leader):
    care = {c.code: c for c in CareCategory.objects.all()}
    household = world.households["g1b"]
    gone = factories.ResidentFactory(household=household, name="已故")
    gone.categories.add(care["elderly_alone"])
    Resident.objects.filter(pk=gone.pk).update(status=Resident.Status.DECEASED)

    def suggested():
        return leader.get(CREATE, {"household": household.pk}).context["form"].initial["kind"]

    assert suggested() == Kind.ROUTINE  # a deceased resident's category no longer counts
    world.residents["g1b"].categories.add(care["low_income"])
    assert suggested() == Kind.KEY
    household.categories.add(care["disabled"])
    assert suggested() == Kind.MUST_VISIT


def test_the_visit_log_and_a_visit_are_seen_only_within_ones_places(world, login):
    mine = services.record_visit(
        actor=world.users["leader"], household=world.households["g1b"], visited_on=today(), kind=Kind.ROUTINE
    )
    theirs = services.record_visit(
        actor=world.users["neighbour"], household=world.households["g2"], visited_on=today(), kind=Kind.ROUTINE
    )
    leader = login(world.users["leader"])

    rows = [row.record for row in leader.get(reverse("visits:list")).context["table"].rows]
    assert rows == [mine]
    assert leader.get(mine.get_absolute_url()).status_code == 200
    assert leader.get(theirs.get_absolute_url()).status_code == 404
    village_rows = {
        row.record for row in login(world.users["village"]).get(reverse("visits:list")).context["table"].rows
    }
    assert village_rows == {mine, theirs}


def test_a_representative_may_not_log_a_routine_visit(world, login):
    client = login(world.users["representative"])

    for kind in rules.CADRE_KINDS:
        response = client.post(CREATE, visit(world.households["g1a"], kind=kind))
        assert "log a contact visit" in errors(response, "kind")
    assert not Visit.objects.exists()


def test_a_representative_cannot_pick_a_household_that_is_not_theirs(world, login):
    client = login(world.users["representative"])
    other = world.households["g1a_other"]

    response = client.post(CREATE, visit(other, kind=Kind.CONTACT))

    assert "No household you can see matches" in errors(response, "household")
    assert not Visit.objects.exists()


def test_a_cadre_may_not_log_a_contact_visit(world, leader):
    response = leader.post(CREATE, visit(world.households["g1a"], kind=Kind.CONTACT))

    assert "contact representative" in errors(response, "kind")
    assert not Visit.objects.exists()


def test_a_case_category_opens_a_coordination_case_linked_to_the_visit(world, leader):
    household = world.households["g1b"]

    response = leader.post(
        CREATE, visit(household, needs="屋顶漏雨，需要修缮", dangers="墙体开裂", case_category=Category.CIVIL_AFFAIRS)
    )

    assert response.status_code == 302
    logged = Visit.objects.select_related("case").get()
    case = Case.objects.get()
    assert logged.case == case
    assert (case.household, case.grid, case.channel, case.procedure, case.category) == (
        household,
        world.places["G1"],
        Channel.VISIT,
        Procedure.COORDINATION,
        Category.CIVIL_AFFAIRS,
    )
    assert case.summary == "屋顶漏雨，需要修缮"
    assert "墙体开裂" in case.description and case.reported_by == world.users["leader"]
    assert f"Case {case.reference} registered." in leader.get(DUE).content.decode()


def test_a_case_without_anything_to_say_is_refused_and_nothing_is_written(world, leader):
    response = leader.post(CREATE, visit(world.households["g1b"], case_category=Category.CIVIL_AFFAIRS))

    assert "Say what the case is about" in errors(response, "case_summary")
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_when_the_case_cannot_be_opened_neither_the_case_nor_the_visit_is_written(world, leader, monkeypatch):
    real = case_services.open_case

    def open_then_fail(**kwargs):
        real(**kwargs)  # the case row and its events are written, then the opening fails
        raise ValidationError("案件登记失败")

    monkeypatch.setattr(case_services, "open_case", open_then_fail)

    response = leader.post(
        CREATE,
        visit(
            world.households["g1b"],
            needs="低保申请",
            case_category=Category.CIVIL_AFFAIRS,
            submission=str(uuid.uuid4()),
        ),
    )

    assert "案件登记失败" in errors(response)
    assert not Visit.objects.exists()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_a_photo_is_re_encoded_and_shown_only_to_those_who_see_the_visit(world, leader, login):
    sent = jpeg_bytes()
    upload = SimpleUploadedFile("门前.jpg", sent, content_type="image/jpeg")
    response = leader.post(CREATE, visit(world.households["g1b"], photo=upload))

    assert response.status_code == 302
    logged = Visit.objects.get()
    assert logged.photo.name.startswith("visits/") and logged.photo.name.endswith(".jpg")
    assert "门前" not in logged.photo.name
    with logged.photo.open("rb") as stored:
        data = stored.read()
    assert data[:2] == b"\xff\xd8"
    assert data != sent  # a fresh encoding, not the bytes that were sent
    assert not Image.open(io.BytesIO(data)).getexif()  # the camera's metadata is gone

    url = reverse("visits:photo", args=[logged.pk])
    shown = leader.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == data
    assert login(world.users["village"]).get(url).status_code == 200
    assert login(world.users["neighbour"]).get(url).status_code == 404


def test_a_refused_visit_leaves_no_photo_behind(world, leader, settings):
    folder = Path(settings.MEDIA_ROOT) / "visits"
    before = set(folder.glob("*")) if folder.exists() else set()
    first = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    assert leader.post(CREATE, visit(world.households["g1b"], photo=first)).status_code == 302
    again = SimpleUploadedFile("b.jpg", jpeg_bytes(), content_type="image/jpeg")
    refused = leader.post(CREATE, visit(world.households["g1b"], photo=again))  # the same day, again

    assert "already logged a visit" in errors(refused)
    assert len(set(folder.glob("*")) - before) == 1  # the first visit's photo only


def test_a_file_that_is_not_a_picture_is_refused(world, leader):
    fake = SimpleUploadedFile("photo.jpg", b"not a picture at all", content_type="image/jpeg")

    response = leader.post(CREATE, visit(world.households["g1b"], photo=fake))

    assert errors(response, "photo")
    assert not Visit.objects.exists()


# --- special talks ------------------------------------------------------------------------------


def test_the_village_secretary_logs_a_special_talk_with_the_representative(world, login):
    client = login(world.users["village"])
    representative = world.cadres["representative"]
    page = client.get(TALK)
    assert representative in page.context["form"].fields["representative"].queryset

    response = client.post(
        TALK, {"representative": representative.pk, "visited_on": today().isoformat(), "notes": "谈联系户走访情况"}
    )

    assert response.status_code == 302 and response.url == DUE
    talk = Visit.objects.get()
    assert (talk.kind, talk.representative, talk.household, talk.visitor) == (
        Kind.TALK,
        representative,
        None,
        world.cadres["village"],
    )
    assert (talk.group, talk.notes) == (world.places["g1a"], "谈联系户走访情况")


def test_a_grid_leader_has_no_talk_page(world, leader):
    assert leader.get(TALK).status_code == 403
    data = {"representative": world.cadres["representative"].pk, "visited_on": today().isoformat(), "notes": "x"}
    assert leader.post(TALK, data).status_code == 403
    assert not Visit.objects.exists()


# --- patrols ------------------------------------------------------------------------------------


def patrol(grid, **data):
    return {
        "grid": grid.pk,
        "patrolled_on": today().isoformat(),
        "started_at": "08:00",
        "ended_at": "09:30",
        "area": "一组沿河一带",
        **data,
    }


def test_the_leader_records_a_patrol_of_their_grid(world, leader):
    grid = world.places["G1"]

    response = leader.post(PATROL, patrol(grid))

    walked = Patrol.objects.get()
    calendar_url = reverse("visits:patrol_calendar", args=[grid.pk])
    assert response.status_code == 302 and response.url == f"{calendar_url}?month={today():%Y-%m}"
    assert (walked.grid, walked.patroller, walked.patrolled_on, walked.area) == (
        grid,
        world.cadres["leader"],
        today(),
        "一组沿河一带",
    )
    assert (walked.started_at, walked.ended_at) == (datetime.time(8), datetime.time(9, 30))
    assert "Patrol of" in leader.get(response.url).content.decode()


def test_a_patrol_of_another_grid_is_refused(world, leader):
    response = leader.post(PATROL, patrol(world.places["G2"]))

    assert "You can record patrols only of your own grids." in errors(response, "grid")
    assert not Patrol.objects.exists()


def test_a_patrol_that_ends_before_it_starts_is_refused(world, leader):
    response = leader.post(PATROL, patrol(world.places["G1"], started_at="10:00", ended_at="09:00"))

    assert "ends after it starts" in errors(response, "ended_at")
    assert not Patrol.objects.exists()


def test_those_who_patrol_no_grid_have_no_patrol_form(world, login):
    assert login(world.users["department"]).get(PATROL).status_code == 403


def test_the_calendar_marks_the_days_without_a_patrol(world, leader):
    grid = world.places["G1"]
    first = (today().replace(day=1) - DAY).replace(day=1)  # last month: every day of it is past
    walked = first + 9 * DAY
    services.record_patrol(
        actor=world.users["leader"],
        grid=grid,
        patrolled_on=walked,
        started_at=datetime.time(7),
        ended_at=datetime.time(8),
        area="村口",
        late_reason="补录",
    )

    response = leader.get(reverse("visits:patrol_calendar", args=[grid.pk]), {"month": f"{first:%Y-%m}"})

    assert response.status_code == 200
    missing = set(re.findall(r'data-missing="([\d-]+)"', response.content.decode()))
    days = {(first + n * DAY) for n in range(31) if (first + n * DAY).month == first.month}
    assert missing == {day.isoformat() for day in days - {walked}}
    assert response.context["missing"] == len(days) - 1
    assert f"{len(days) - 1} days without a patrol of the {len(days)} whole days" in response.content.decode()


def test_this_months_calendar_shows_todays_patrol_and_no_day_ahead(world, leader):
    grid = world.places["G1"]
    leader.post(PATROL, patrol(grid))

    response = leader.get(reverse("visits:patrol_calendar", args=[grid.pk]))

    missing = set(re.findall(r'data-missing="([\d-]+)"', response.content.decode()))
    expected = {(today().replace(day=1) + n * DAY).isoformat() for n in range(today().day - 1)}
    assert missing == expected
    assert today().isoformat() not in missing and (today() + DAY).isoformat() not in missing


def test_today_without_a_patrol_yet_is_not_a_missed_day(world, leader):
    response = leader.get(reverse("visits:patrol_calendar", args=[world.places["G1"].pk]))

    missing = set(re.findall(r'data-missing="([\d-]+)"', response.content.decode()))
    assert today().isoformat() not in missing
    assert "No patrol yet today" in response.content.decode()


def test_the_neighbouring_leader_does_not_see_the_grids_patrols(world, login):
    response = login(world.users["neighbour"]).get(reverse("visits:patrol_calendar", args=[world.places["G1"].pk]))
    assert response.status_code == 404  # outside their jurisdiction, as a missing grid


def test_a_patrol_finding_opens_a_case(world, leader):
    grid = world.places["G1"]

    response = leader.post(PATROL, patrol(grid, findings="二组路灯损坏三盏", case_category=Category.INFRASTRUCTURE))

    assert response.status_code == 302
    walked = Patrol.objects.select_related("case").get()
    case = Case.objects.get()
    assert walked.case == case
    assert (case.grid, case.channel, case.procedure, case.category, case.summary) == (
        grid,
        Channel.PATROL,
        Procedure.COORDINATION,
        Category.INFRASTRUCTURE,
        "二组路灯损坏三盏",
    )
    assert case.location == "一组沿河一带"


# --- work logs -----------------------------------------------------------------------------------


def test_the_days_log_is_drafted_from_the_records_saved_and_submitted(world, leader):
    services.record_visit(
        actor=world.users["leader"],
        household=world.households["g1b"],
        visited_on=today(),
        kind=Kind.ROUTINE,
        findings={"needs": "申请临时救助"},
    )
    services.record_patrol(
        actor=world.users["leader"],
        grid=world.places["G1"],
        patrolled_on=today(),
        started_at=datetime.time(7),
        ended_at=datetime.time(8),
        area="水库周边",
    )

    page = leader.get(LOG_CREATE, {"period": "day"})

    draft = page.context["form"].initial["text"]
    assert "Visits (1):" in draft and "户主g1b" in draft and "申请临时救助" in draft
    assert "Patrols (1):" in draft and "水库周边" in draft
    assert "水库周边" in page.content.decode()

    saved = leader.post(f"{LOG_CREATE}?period=day", {"text": draft + "\n明天走访二组"})
    entry = WorkLog.objects.get()
    assert saved.status_code == 302 and saved.url == entry.get_absolute_url()
    assert (entry.author, entry.grid, entry.period, entry.starts_on) == (
        world.cadres["leader"],
        world.places["G1"],
        WorkLog.Period.DAY,
        today(),
    )
    assert entry.submitted_at is None and entry.text.endswith("明天走访二组")
    assert leader.get(LOG_CREATE, {"period": "day"}).url == entry.get_absolute_url()  # open, not a second one

    submitted = leader.post(entry.get_absolute_url(), {"text": "今日走访一户，巡查一次。", "submit": "1"})
    entry.refresh_from_db()
    assert submitted.status_code == 302
    assert entry.is_submitted and entry.text == "今日走访一户，巡查一次。"

    again = leader.post(entry.get_absolute_url(), {"text": "改过的日志", "submit": "1"})
    assert again.status_code == 403
    entry.refresh_from_db()
    assert entry.text == "今日走访一户，巡查一次。"
    assert 'name="text"' not in leader.get(entry.get_absolute_url()).content.decode()


def test_another_member_cannot_edit_the_leaders_log(world, login):
    entry = services.save_work_log(
        actor=world.users["leader"], grid=world.places["G1"], period="day", starts_on=today(), text="草稿"
    )
    client = login(world.users["member"])

    assert client.post(entry.get_absolute_url(), {"text": "别人改的"}).status_code == 403
    assert client.post(entry.get_absolute_url(), {"text": "别人改的", "submit": "1"}).status_code == 403
    entry.refresh_from_db()
    assert (entry.text, entry.submitted_at) == ("草稿", None)
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()


def test_the_weekly_summary_starts_on_the_monday(world, leader):
    wednesday = today() - ((today().weekday() - 2) % 7) * DAY
    monday = wednesday - 2 * DAY

    page = leader.get(LOG_CREATE, {"period": "week", "on": wednesday.isoformat()})

    assert page.context["starts_on"] == monday
    assert "Summary and plans for next week:" in page.context["form"].initial["text"]
    response = leader.post(f"{LOG_CREATE}?period=week&on={wednesday.isoformat()}", {"text": "本周走访十户"})
    entry = WorkLog.objects.get()
    assert response.status_code == 302
    assert (entry.period, entry.starts_on, entry.ends_on) == (WorkLog.Period.WEEK, monday, monday + 6 * DAY)


# --- meetings ---------------------------------------------------------------------------------


def overdue_case(world, **kwargs):
    case = open_case(world, **kwargs)
    Case.objects.filter(pk=case.pk).update(warn_at=timezone.now() - 3 * DAY, due_at=timezone.now() - DAY)
    case.refresh_from_db()
    return case


def test_the_meetings_agenda_is_drafted_from_overdue_cases_and_households(world, login):
    case = overdue_case(world)
    registered(400, world.households["g1a"])
    client = login(world.users["village"])

    page = client.get(reverse("visits:meeting_create", args=[world.places["v1"].pk]))

    assert page.status_code == 200
    agenda = page.context["form"].initial["agenda"]
    overdue_part = agenda.split("2.")[0]
    assert "1. Overdue cases (1):" in agenda and case.reference in overdue_part and "宅基地纠纷" in overdue_part
    households_part = agenda.split("3. Households overdue a visit")[1]
    assert "户主g1a" in households_part
    assert "户主g3" not in agenda  # another village's household
    assert page.context["form"].initial["cases"] == [case.pk]


def test_the_village_secretary_records_a_meeting_with_attendees_and_cases(world, login):
    case = overdue_case(world)
    client = login(world.users["village"])
    url = reverse("visits:meeting_create", args=[world.places["v1"].pk])
    attendees = [world.cadres["village"], world.cadres["leader"]]

    response = client.post(
        url,
        {
            "held_on": today().isoformat(),
            "agenda": "1. 宅基地纠纷",
            "attendees": [c.pk for c in attendees],
            "other_attendees": "驻村干部",
            "minutes": "讨论",
            "decisions": "本周内调解",
            "cases": [case.pk],
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert (meeting.village, meeting.held_on, meeting.decisions) == (world.places["v1"], today(), "本周内调解")
    assert set(meeting.attendees.all()) == set(attendees)
    assert list(meeting.cases.all()) == [case]
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert case.reference in detail


def test_a_second_meeting_on_the_same_day_is_refused(world, login):
    client = login(world.users["village"])
    url = reverse("visits:meeting_create", args=[world.places["v1"].pk])
    data = {"held_on": today().isoformat(), "agenda": "例会"}
    assert client.post(url, {**data, "submission": str(uuid.uuid4())}).status_code == 302

    again = client.post(url, {**data, "agenda": "又一次例会", "submission": str(uuid.uuid4())})

    assert "already has a meeting recorded on that day" in errors(again)
    assert Meeting.objects.count() == 1


def test_a_case_of_another_village_cannot_be_linked(world, login):
    other = open_case(world, actor="township", household="g3", summary="跃进村的事")
    client = login(world.users["village"])

    response = client.post(
        reverse("visits:meeting_create", args=[world.places["v1"].pk]),
        {"held_on": today().isoformat(), "agenda": "例会", "cases": [other.pk]},
    )

    assert errors(response, "cases")
    assert not Meeting.objects.exists()


def test_the_township_also_cannot_link_another_villages_case(world, login):
    other = open_case(world, actor="township", household="g3", summary="跃进村的事")
    client = login(world.users["township"])

    response = client.post(
        reverse("visits:meeting_create", args=[world.places["v1"].pk]),
        {"held_on": today().isoformat(), "agenda": "例会", "cases": [other.pk]},
    )

    assert errors(response, "cases")
    assert not Meeting.objects.exists()


# --- intervals ----------------------------------------------------------------------------------


def intervals(**changed):
    return {**rules.DEFAULT_INTERVALS, **changed}


def panel(response):
    """The household page's visits card."""
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="household-visits"')
    return html[start : html.index("</ul>", start)]


def test_township_staff_change_an_interval_and_the_due_date_follows_at_once(world, login):
    household = world.households["g1b"]
    registered(100, household)
    since = today() - 100 * DAY
    leader = login(world.users["leader"])
    assert (since + 365 * DAY).isoformat() in panel(leader.get(household.get_absolute_url()))
    assert household.pk not in listed(leader.get(DUE, {"standing": "overdue"}))

    client = login(world.users["township"])
    url = reverse("visits:intervals", args=[world.places["t1"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, intervals(every_household=30))
    assert response.status_code == 302

    leader = login(world.users["leader"])
    card = panel(leader.get(household.get_absolute_url()))
    assert (since + 30 * DAY).isoformat() in card and "Overdue" in card
    assert household.pk in listed(leader.get(DUE, {"standing": "overdue"}))
    # another township keeps the defaults
    assert login(world.users["other_township"]).get(url).status_code == 404


def test_the_village_secretary_may_not_change_the_intervals(world, login):
    client = login(world.users["village"])
    url = reverse("visits:intervals", args=[world.places["t1"].pk])

    assert client.get(url).status_code == 403
    assert client.post(url, intervals(every_household=30)).status_code == 403


# --- coverage ---------------------------------------------------------------------------------


def categories_of(household):
    own = set(household.categories.values_list("code", flat=True))
    worn = set(
        Resident.objects.filter(household=household)
        .exclude(status__in=Resident.GONE)
        .values_list("categories__code", flat=True)
    )
    return (own | worn) - {None}


def recount(households, day):
    """Coverage counted by hand from the rows, with the pure rules: {key: (total, within, overdue,
    never)} for "all" and every care category any of the households carries."""
    counts = {}
    for household in households:
        codes = categories_of(household)
        stored = list(Visit.objects.filter(household=household).values_list("kind", "visited_on"))
        cadre_days = [on for kind, on in stored if kind in rules.CADRE_KINDS]
        table = {
            **rules.DEFAULT_INTERVALS,
            **dict(Interval.objects.filter(township_id=household.township_id).values_list("rule", "days")),
        }
        interval = min(table[rule.name] for rule in rules.applicable(codes, has_representative=False))
        due = rules.next_due(
            codes,
            has_representative=household.contact_representative_id is not None,
            last_visits=rules.last_visits(stored),
            since=timezone.localtime(household.created_at).date(),
            intervals=table,
        )
        facts = Counter(
            total=1,
            within=bool(cadre_days) and max(cadre_days) + interval * DAY >= day,
            overdue=due.on < day,
            never=not stored,
        )
        for key in ["all", *codes]:
            counts.setdefault(key, Counter()).update(facts)
    return {key: tuple(int(c[name]) for name in ("total", "within", "overdue", "never")) for key, c in counts.items()}


def shown(figures):
    rows = [figures["all"], *(row for row in figures["categories"] if row["total"])]
    return {row["key"]: tuple(row[name] for name in ("total", "within", "overdue", "never")) for row in rows}


@pytest.fixture
def small_world(world):
    """G1: a needy household visited 100 days ago (a must-visit: overdue), a petitioner's household
    (sensitive) visited 10 days ago (monthly: in time), an elderly person living alone never
    visited; G2 and G3 each a household visited yesterday; a contact visit to g1a."""
    care = {c.code: c for c in CareCategory.objects.all()}
    h = world.households
    registered(400, *h.values())
    h["g1a"].categories.add(care["needy"])
    petitioner = factories.ResidentFactory(household=h["g1b"], name="上访人")
    petitioner.categories.add(care["petitioner"])
    gone = factories.ResidentFactory(household=h["g1b"], name="已故")
    gone.categories.add(care["disabled"])
    Resident.objects.filter(pk=gone.pk).update(status=Resident.Status.DECEASED)
    h["g1a_other"].categories.add(care["elderly_alone"])
    h["g2"].categories.add(care["low_income"])
    leader = world.users["leader"]

    def log(user, household, days_ago, kind=Kind.ROUTINE):
        services.record_visit(
            actor=user,
            household=household,
            visited_on=today() - days_ago * DAY,
            kind=kind,
            late_reason="补录" if days_ago > 1 else "",
        )

    log(leader, h["g1a"], 100)
    log(leader, h["g1b"], 10, Kind.MUST_VISIT)
    log(world.users["representative"], h["g1a"], 20, Kind.CONTACT)
    log(world.users["neighbour"], h["g2"], 1)
    log(world.users["township"], h["g3"], 1)
    return world


def test_grid_coverage_equals_a_recount_from_the_rows(small_world, login):
    w = small_world
    grid = w.places["G1"]

    response = login(w.users["leader"]).get(reverse("visits:coverage", args=["grid", grid.pk]))

    assert response.status_code == 200
    figures = response.context["figures"]
    households = Household.objects.filter(grid=grid)
    expected = recount(households, today())
    assert shown(figures) == expected
    assert expected["all"] == (3, 1, 2, 1)  # the needy household is overdue its monthly visit
    assert expected["petitioner"] == (1, 1, 0, 0) and "disabled" not in expected  # the deceased's category is gone
    assert [row["key"] for row in figures["by_grid"]] == [grid.pk]
    assert figures["contact"]["total"] == 1 and figures["contact"]["within"] == 1
    html = response.content.decode()
    assert 'data-row="petitioner"' in html and 'data-row="needy"' in html


def test_township_coverage_equals_a_recount_from_the_rows(small_world, login):
    w = small_world

    response = login(w.users["township"]).get(reverse("visits:coverage", args=["township", w.places["t1"].pk]))

    figures = response.context["figures"]
    expected = recount(Household.objects.filter(township=w.places["t1"]), today())
    assert shown(figures) == expected
    assert expected["all"][0] == 5
    by_grid = {row["key"]: row["total"] for row in figures["by_grid"]}
    assert by_grid == {w.places[g].pk: n for g, n in (("G1", 3), ("G2", 1), ("G3", 1))}
    assert sum(row["overdue"] for row in figures["by_grid"]) == figures["all"]["overdue"]


def test_coverage_follows_the_townships_own_intervals(small_world, login):
    w = small_world
    client = login(w.users["township"])
    url = reverse("visits:intervals", args=[w.places["t1"].pk])
    assert client.post(url, intervals(must_visit=7)).status_code == 302

    response = login(w.users["leader"]).get(reverse("visits:coverage", args=["grid", w.places["G1"].pk]))

    expected = recount(Household.objects.filter(grid=w.places["G1"]), today())
    assert shown(response.context["figures"]) == expected
    # the petitioner's household, seen 10 days ago, is now past its 7 days: nobody is in time
    assert expected["petitioner"] == (1, 0, 1, 0) and expected["all"] == (3, 0, 3, 1)


def test_a_member_without_sensitive_rights_sees_no_sensitive_category_row(small_world, login):
    w = small_world
    url = reverse("visits:coverage", args=["grid", w.places["G1"].pk])

    response = login(w.users["member"]).get(url)

    figures = response.context["figures"]
    keys = {row["key"] for row in figures["categories"]}
    assert not keys & set(CareCategory.SENSITIVE)
    assert 'data-row="petitioner"' not in response.content.decode()
    expected = recount(Household.objects.filter(grid=w.places["G1"]), today())
    assert shown(figures) == {key: value for key, value in expected.items() if key not in CareCategory.SENSITIVE}


# --- My visits and the household's card ---------------------------------------------------------------


def test_my_visits_lists_exactly_the_leaders_overdue_households(world, leader):
    registered(400, *world.households.values())

    response = leader.get(DUE, {"standing": "overdue"})

    h = world.households
    assert listed(response) == pks(h["g1a"], h["g1b"], h["g1a_other"])
    assert response.context["counts"]["overdue"] == 3


def test_the_representative_sees_only_their_contact_household_by_the_contact_rule(world, login):
    h = world.households
    registered(400, *h.values())
    # the grid's own visit does not answer for the representative's duty
    services.record_visit(actor=world.users["leader"], household=h["g1a"], visited_on=today(), kind=Kind.ROUTINE)
    client = login(world.users["representative"])

    response = client.get(DUE)

    assert listed(response) == pks(h["g1a"])
    assert "Its villager representative, twice a year" in response.content.decode()
    assert response.context["contact_only"]

    services.record_visit(
        actor=world.users["representative"], household=h["g1a"], visited_on=today(), kind=Kind.CONTACT
    )
    assert listed(client.get(DUE)) == set()
    assert listed(client.get(DUE, {"standing": "all"})) == pks(h["g1a"])


def test_my_visits_filters(world, leader):
    h = world.households
    registered(400, h["g1a"])  # overdue
    registered(360, h["g1b"])  # due in five days
    registered(10, h["g1a_other"])  # not due for a year; no cadre answers for it

    assert listed(leader.get(DUE)) == pks(h["g1a"], h["g1b"])  # overdue or due soon
    assert listed(leader.get(DUE, {"standing": "overdue"})) == pks(h["g1a"])
    assert listed(leader.get(DUE, {"standing": "due_soon"})) == pks(h["g1b"])
    assert listed(leader.get(DUE, {"standing": "all"})) == pks(h["g1a"], h["g1b"], h["g1a_other"])
    assert listed(leader.get(DUE, {"standing": "all", "mine": "1"})) == pks(h["g1a"], h["g1b"])

    services.record_visit(actor=world.users["leader"], household=h["g1a"], visited_on=today(), kind=Kind.ROUTINE)
    services.record_visit(actor=world.users["member"], household=h["g1a"], visited_on=today(), kind=Kind.ROUTINE)
    assert listed(leader.get(DUE, {"standing": "all", "never": "1"})) == pks(h["g1b"], h["g1a_other"])
    # The cadre's visit takes it off the cadre's list, though its representative's twice-yearly
    # contact visit is still overdue: that one is on the representative's list, not the grid's.
    assert listed(leader.get(DUE, {"standing": "overdue"})) == set()
    representative = Client()
    representative.force_login(world.users["representative"])
    still = representative.get(DUE, {"standing": "overdue"})
    assert listed(still) == pks(h["g1a"])
    assert "Its villager representative, twice a year" in still.content.decode()
    services.record_visit(
        actor=world.users["representative"], household=h["g1a"], visited_on=today(), kind=Kind.CONTACT
    )
    assert listed(representative.get(DUE, {"standing": "overdue"})) == set()


def test_the_household_page_shows_the_last_visit_and_the_next_due_date(world, leader):
    household = world.households["g1b"]
    registered(30, household)
    card = panel(leader.get(household.get_absolute_url()))
    assert "never" in card and (today() + 335 * DAY).isoformat() in card

    yesterday = today() - DAY
    services.record_visit(actor=world.users["leader"], household=household, visited_on=yesterday, kind=Kind.ROUTINE)

    card = panel(leader.get(household.get_absolute_url()))
    assert f"<strong>{yesterday.isoformat()}</strong>" in card
    assert (yesterday + 365 * DAY).isoformat() in card
    assert "Every household, yearly" in card


# --- every create form is sent once ----------------------------------------------------------------


def sent_twice(world):
    """(user, url, data, the model whose rows must not double) for each field-work form."""
    return {
        "talk": (
            "village",
            TALK,
            {"representative": world.cadres["representative"].pk, "visited_on": today().isoformat(), "notes": "谈话"},
            Visit,
        ),
        "patrol": ("leader", PATROL, patrol(world.places["G1"]), Patrol),
        "work_log": ("leader", f"{LOG_CREATE}?period=day", {"text": "今日走访"}, WorkLog),
        "meeting": (
            "village",
            reverse("visits:meeting_create", args=[world.places["v1"].pk]),
            {"held_on": today().isoformat(), "agenda": "例会"},
            Meeting,
        ),
    }


@pytest.mark.parametrize("form", ["talk", "patrol", "work_log", "meeting"])
def test_a_field_work_form_sent_twice_creates_one_record(world, login, form):
    user, url, data, model = sent_twice(world)[form]
    client = login(world.users[user])
    data = {**data, "submission": str(uuid.uuid4())}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 302 and second.url == first.url
    assert model.objects.count() == 1
