"""The field-work services (visits/services.py) called as the pages call them: who may write what,
the date rules, the database's one-visit-a-day constraint turned into a message, and a case opened
from a visit or a patrol in the same transaction as the record — both written, or neither."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, CaseEvent, Category, Channel
from cases.workflow import Procedure
from villages.models import Household
from visits import rules, selectors, services
from visits.models import Interval, Meeting, Patrol, Visit, WorkLog
from visits.rules import Kind

DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


def messages(error):
    return " ".join(error.value.messages)


def log_visit(world, user="leader", household="g1b", **kwargs):
    kwargs.setdefault("visited_on", today())
    kwargs.setdefault("kind", Kind.ROUTINE)
    return services.record_visit(actor=world.users[user], household=world.households[household], **kwargs)


def walk(world, user="leader", grid="G1", **kwargs):
    defaults = {
        "patrolled_on": today(),
        "started_at": datetime.time(8),
        "ended_at": datetime.time(9),
        "area": "一组沿河",
    }
    return services.record_patrol(actor=world.users[user], grid=world.places[grid], **{**defaults, **kwargs})


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


# --- record_visit -------------------------------------------------------------------------------


def test_a_visit_carries_the_place_keys_of_its_household(world):
    visit = log_visit(world, findings={"needs": " 修路 "}, met=" 户主 ")

    visit.refresh_from_db()
    assert (visit.township, visit.village, visit.grid, visit.group) == (
        world.places["t1"],
        world.places["v1"],
        world.places["G1"],
        world.places["g1b"],
    )
    assert (visit.visitor, visit.recorded_by, visit.needs, visit.met) == (
        world.cadres["leader"],
        world.users["leader"],
        "修路",
        "户主",
    )


@pytest.mark.parametrize("household", ["g2", "g3", "h1"])
def test_a_household_outside_ones_grid_is_refused(world, household):
    with pytest.raises(PermissionDenied):
        log_visit(world, household=household)
    assert not Visit.objects.exists()


def test_an_account_without_a_cadre_cannot_log_field_work(world):
    with pytest.raises(ValidationError) as error:
        log_visit(world, user="superuser")
    assert "not linked to a cadre" in messages(error)


def test_a_visit_in_the_future_or_over_a_year_ago_is_refused(world):
    with pytest.raises(ValidationError) as error:
        log_visit(world, visited_on=today() + DAY)
    assert "in the future" in messages(error)
    with pytest.raises(ValidationError) as error:
        log_visit(world, visited_on=today() - 400 * DAY, late_reason="补录")
    assert "more than a year ago" in messages(error)
    assert not Visit.objects.exists()


def test_a_late_visit_needs_a_reason(world):
    with pytest.raises(ValidationError) as error:
        log_visit(world, visited_on=today() - 2 * DAY, late_reason="  ")
    assert error.value.message_dict.keys() == {"late_reason"}

    visit = log_visit(world, visited_on=today() - 2 * DAY, late_reason=" 下雨 ")
    assert visit.late_reason == "下雨"


def test_the_contact_kind_is_the_representatives_and_only_theirs(world):
    with pytest.raises(ValidationError) as error:
        log_visit(world, household="g1a", kind=Kind.CONTACT)
    assert "contact representative" in messages(error)

    for kind in rules.CADRE_KINDS:
        with pytest.raises(ValidationError) as error:
            log_visit(world, user="representative", household="g1a", kind=kind)
        assert "log a contact visit" in messages(error)
    with pytest.raises(PermissionDenied):
        log_visit(world, user="representative", household="g1a_other", kind=Kind.CONTACT)

    visit = log_visit(world, user="representative", household="g1a", kind=Kind.CONTACT)
    assert (visit.kind, visit.visitor) == (Kind.CONTACT, world.cadres["representative"])


def test_a_second_visit_on_the_same_day_is_refused_with_a_message_not_an_error(world):
    log_visit(world)

    with pytest.raises(ValidationError) as error:
        log_visit(world, met="又来一次")

    assert messages(error) == "You already logged a visit to this household on that day."
    assert Visit.objects.count() == 1
    # the transaction is still usable: another cadre's visit, and the next day's, are fine
    log_visit(world, user="member")
    log_visit(world, visited_on=today() - DAY)
    assert Visit.objects.count() == 3


def test_the_database_itself_keeps_a_second_visit_out(world):
    visit = log_visit(world)
    copy = Visit(
        household=visit.household,
        visitor=visit.visitor,
        visited_on=visit.visited_on,
        kind=Kind.KEY,
        recorded_by=visit.recorded_by,
    )
    copy.place_in_group(visit.group)

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_visit_opens_its_case_in_the_same_transaction(world):
    visit = log_visit(world, findings={"dangers": "危房"}, case_category=Category.HAZARD)

    case = Case.objects.get()
    assert visit.case == case
    assert (case.household, case.channel, case.procedure, case.category, case.summary) == (
        world.households["g1b"],
        Channel.VISIT,
        Procedure.COORDINATION,
        Category.HAZARD,
        "危房",
    )
    assert case.events.exists()


def test_a_case_without_a_summary_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as error:
        log_visit(world, case_category=Category.HAZARD)

    assert error.value.message_dict.keys() == {"case_summary"}
    assert not Visit.objects.exists() and not Case.objects.exists()


def test_when_the_visit_cannot_be_written_its_case_is_not_written_either(world):
    """The case is opened first; the visit then meets the one-a-day constraint: both roll back."""
    log_visit(world)

    with pytest.raises(ValidationError):
        log_visit(world, findings={"needs": "低保"}, case_category=Category.CIVIL_AFFAIRS)

    assert Visit.objects.count() == 1
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_when_the_case_cannot_be_opened_the_visit_is_not_written(world, monkeypatch):
    real = case_services.open_case

    def open_then_fail(**kwargs):
        real(**kwargs)
        raise ValidationError("案件登记失败")

    monkeypatch.setattr(case_services, "open_case", open_then_fail)

    with pytest.raises(ValidationError):
        log_visit(world, findings={"needs": "低保"}, case_category=Category.CIVIL_AFFAIRS)

    assert not Visit.objects.exists()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_a_case_may_not_be_opened_from_a_talk(world):
    with pytest.raises(ValidationError):
        services.record_visit(
            actor=world.users["village"],
            representative=world.cadres["representative"],
            visited_on=today(),
            kind=Kind.TALK,
            notes="谈话",
            case_category=Category.OTHER,
            case_summary="x",
        )
    assert not Visit.objects.exists() and not Case.objects.exists()


# --- special talks ------------------------------------------------------------------------------


def talk(world, user="village", **kwargs):
    kwargs.setdefault("visited_on", today())
    return services.record_visit(
        actor=world.users[user], representative=world.cadres["representative"], kind=Kind.TALK, notes="谈话", **kwargs
    )


def test_a_committee_cadre_talks_with_a_representative_once_a_day(world):
    first = talk(world)
    assert (first.household, first.group, first.grid) == (None, world.places["g1a"], world.places["G1"])

    with pytest.raises(ValidationError) as error:
        talk(world)
    assert messages(error) == "You already logged a talk with this representative on that day."
    assert talk(world, user="township").pk  # another cadre's talk the same day is their own


@pytest.mark.parametrize("user", ["leader", "member", "neighbour", "other_township"])
def test_only_those_over_the_representatives_village_hold_special_talks(world, user):
    with pytest.raises(PermissionDenied):
        talk(world, user=user)
    assert not Visit.objects.exists()


def test_a_talk_is_with_a_representative_not_a_household(world):
    with pytest.raises(ValidationError):
        services.record_visit(
            actor=world.users["village"],
            household=world.households["g1a"],
            representative=world.cadres["representative"],
            visited_on=today(),
            kind=Kind.TALK,
        )


def test_a_talk_resets_the_representatives_due_date(world):
    before = selectors.representatives_due(world.users["village"]).get(pk=world.cadres["representative"].pk)
    talk(world, visited_on=today() - DAY)
    after = selectors.representatives_due(world.users["village"]).get(pk=world.cadres["representative"].pk)

    assert after.last_talk == today() - DAY
    assert after.due_on == today() - DAY + 183 * DAY and after.due_on != before.due_on


# --- record_patrol ------------------------------------------------------------------------------


def test_a_patrol_of_ones_own_grid(world):
    patrol = walk(world, findings=" 无异常 ")

    assert (patrol.township, patrol.village, patrol.grid, patrol.patroller) == (
        world.places["t1"],
        world.places["v1"],
        world.places["G1"],
        world.cadres["leader"],
    )
    assert patrol.findings == "无异常"


@pytest.mark.parametrize("grid", ["G2", "G3", "H1"])
def test_a_patrol_of_another_grid_is_refused(world, grid):
    with pytest.raises(PermissionDenied) as error:
        walk(world, grid=grid)
    assert str(error.value) == "You may record patrols only of your own grids."
    assert not Patrol.objects.exists()


def test_a_patrol_ends_after_it_starts_and_says_where_it_went(world):
    for start, end in ((datetime.time(9), datetime.time(9)), (datetime.time(10), datetime.time(9))):
        with pytest.raises(ValidationError) as error:
            walk(world, started_at=start, ended_at=end)
        assert error.value.message_dict.keys() == {"ended_at"}
    with pytest.raises(ValidationError) as error:
        walk(world, area="  ")
    assert error.value.message_dict.keys() == {"area"}
    with pytest.raises(ValidationError):
        walk(world, patrolled_on=today() + DAY)
    assert not Patrol.objects.exists()


def test_a_patrol_finding_opens_a_case_and_without_one_nothing_is_written(world):
    with pytest.raises(ValidationError):
        walk(world, case_category=Category.HAZARD)
    assert not Patrol.objects.exists() and not Case.objects.exists()

    patrol = walk(world, findings="桥栏杆松动", case_category=Category.HAZARD)

    case = Case.objects.get()
    assert patrol.case == case
    assert (case.grid, case.household, case.channel, case.summary, case.location) == (
        world.places["G1"],
        None,
        Channel.PATROL,
        "桥栏杆松动",
        "一组沿河",
    )


# --- save_work_log ------------------------------------------------------------------------------


def write_log(world, user="leader", **kwargs):
    defaults = {"grid": world.places["G1"], "period": WorkLog.Period.DAY, "starts_on": today(), "text": "今日走访"}
    return services.save_work_log(actor=world.users[user], **{**defaults, **kwargs})


def test_a_draft_is_changed_by_its_author_until_submitted(world):
    entry = write_log(world)
    assert not entry.is_submitted

    entry = services.save_work_log(actor=world.users["leader"], log_entry=entry, text="改过", submit=True)
    assert entry.is_submitted and entry.text == "改过"

    with pytest.raises(ValidationError) as error:
        services.save_work_log(actor=world.users["leader"], log_entry=entry, text="再改")
    assert "can no longer be changed" in messages(error)
    entry.refresh_from_db()
    assert entry.text == "改过"


def test_only_its_author_changes_a_log(world):
    entry = write_log(world)

    with pytest.raises(PermissionDenied):
        services.save_work_log(actor=world.users["member"], log_entry=entry, text="别人改的")
    entry.refresh_from_db()
    assert entry.text == "今日走访"


def test_a_log_is_kept_for_ones_own_grid_once_a_day(world):
    with pytest.raises(PermissionDenied):
        write_log(world, grid=world.places["G2"])
    write_log(world)
    with pytest.raises(ValidationError) as error:
        write_log(world, text="第二份")
    assert "already have a log" in messages(error)
    assert write_log(world, user="member").author == world.cadres["member"]
    assert WorkLog.objects.count() == 2


def test_a_weekly_summary_starts_on_a_monday(world):
    monday = services.week_of(today())
    with pytest.raises(ValidationError) as error:
        write_log(world, period=WorkLog.Period.WEEK, starts_on=monday - 6 * DAY)  # a Tuesday
    assert error.value.message_dict.keys() == {"starts_on"}

    entry = write_log(world, period=WorkLog.Period.WEEK, starts_on=monday)
    assert (entry.starts_on.weekday(), entry.ends_on) == (0, monday + 6 * DAY)


def test_a_log_for_a_day_ahead_or_without_text_is_refused(world):
    with pytest.raises(ValidationError):
        write_log(world, starts_on=today() + DAY)
    with pytest.raises(ValidationError):
        write_log(world, text="   ")
    assert not WorkLog.objects.exists()


# --- record_meeting -----------------------------------------------------------------------------


def meet(world, user="village", village="v1", **kwargs):
    kwargs.setdefault("held_on", today())
    kwargs.setdefault("agenda", "例会")
    return services.record_meeting(actor=world.users[user], village=world.places[village], **kwargs)


def test_a_meeting_with_attendees_and_its_villages_cases(world):
    case = open_case(world)
    attendees = [world.cadres["village"], world.cadres["leader"]]

    meeting = meet(world, attendees=attendees, cases=[case], minutes=" 讨论 ")

    assert (meeting.township, meeting.village, meeting.minutes) == (world.places["t1"], world.places["v1"], "讨论")
    assert set(meeting.attendees.all()) == set(attendees) and list(meeting.cases.all()) == [case]


def test_a_second_meeting_on_the_same_day_is_refused(world):
    meet(world)

    with pytest.raises(ValidationError) as error:
        meet(world, user="township", agenda="又一次")

    assert messages(error) == "This village already has a meeting recorded on that day."
    assert Meeting.objects.count() == 1
    assert meet(world, held_on=today() - DAY).pk  # the day before is another meeting


def test_a_meeting_discusses_only_its_own_villages_cases(world):
    other = open_case(world, actor="township", household="g3", summary="跃进村的事")

    with pytest.raises(ValidationError) as error:
        meet(world, user="township", cases=[other])

    assert error.value.message_dict.keys() == {"cases"}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("user", ["leader", "member", "representative", "other_township", "department"])
def test_only_the_village_and_the_township_record_its_meetings(world, user):
    with pytest.raises(PermissionDenied):
        meet(world, user=user)
    assert not Meeting.objects.exists()


def test_a_meeting_in_the_future_or_without_an_agenda_is_refused(world):
    with pytest.raises(ValidationError):
        meet(world, held_on=today() + DAY)
    with pytest.raises(ValidationError):
        meet(world, agenda=" ")
    assert not Meeting.objects.exists()


# --- save_intervals -----------------------------------------------------------------------------


def test_township_intervals_move_due_dates_at_once(world):
    household = world.households["g1b"]
    services.save_intervals(actor=world.users["township"], township=world.places["t1"], table={"every_household": 30})

    row = selectors.with_due(Household.objects.filter(pk=household.pk)).get()
    assert row.due_on == row.since + 30 * DAY
    other = selectors.with_due(Household.objects.filter(pk=world.households["h1"].pk)).get()
    assert other.due_on == other.since + 365 * DAY  # another township keeps the defaults

    services.save_intervals(actor=world.users["township"], township=world.places["t1"], table={"every_household": 60})
    assert Interval.objects.get(township=world.places["t1"], rule="every_household").days == 60


@pytest.mark.parametrize("user", ["village", "leader", "other_township"])
def test_only_the_township_centre_sets_its_intervals(world, user):
    with pytest.raises(PermissionDenied):
        services.save_intervals(actor=world.users[user], township=world.places["t1"], table={"every_household": 30})
    assert not Interval.objects.exists()


@pytest.mark.parametrize("table", [{"every_household": 0}, {"every_household": 732}, {"no_such_rule": 30}])
def test_an_interval_out_of_range_or_of_no_rule_is_refused(world, table):
    with pytest.raises(ValidationError):
        services.save_intervals(actor=world.users["township"], township=world.places["t1"], table=table)
    assert not Interval.objects.exists()
