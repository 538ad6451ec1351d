"""The case services, called directly: opening a case, every transition of the table, assigning,
notes and objections, extensions, deadlines, notifications, and who may act where.

A refused call raises PermissionDenied (the actor's hands) or ValidationError (the workflow, a
missing reason, a stale version) and changes nothing: the case keeps its version and its events."""

import contextlib
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services, workflow
from cases.forms import reportable_households
from cases.models import Case, CaseEvent, Category, Deadline, Notification
from cases.workflow import Level, Procedure, Status
from tests import factories
from villages.models import Household, Post, Resident

Kind = CaseEvent.Kind
Reason = Notification.Reason
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)


# --- helpers ---------------------------------------------------------------------------------


def open_case(world, actor="leader", household="g1a", procedure=Procedure.COORDINATION, result="", **kwargs):
    start_level = kwargs.pop("start_level", None)
    case = Case(
        household=world.households[household] if household else None,
        procedure=procedure,
        category=kwargs.pop("category", Category.DISPUTE),
        summary=kwargs.pop("summary", "院墙开裂"),
        **kwargs,
    )
    return services.open_case(actor=world.users[actor], case=case, result=result, start_level=start_level)


def act(world, case, persona, name, note="", **kwargs):
    """Take a step as `persona` with the version the case has now."""
    case.refresh_from_db()
    return services.transition(
        actor=world.users[persona], case=case, name=name, version=case.version, note=note, **kwargs
    )


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def notified(case, reason=None):
    """{username: reason} of the notifications written for the case's events."""
    rows = Notification.objects.filter(event__case=case)
    if reason:
        rows = rows.filter(reason=reason)
    return {n.recipient.username: n.reason for n in rows.select_related("recipient")}


@contextlib.contextmanager
def unchanged(case):
    """The block must leave the case exactly as it was: same row, same version, same events."""
    case.refresh_from_db()
    fields = ("version", "status", "level", "assignee_id", "department", "due_at", "extension_requested")
    before = {name: getattr(case, name) for name in fields}
    events = CaseEvent.objects.count()
    yield
    row = Case.objects.get(pk=case.pk)
    assert {name: getattr(row, name) for name in fields} == before
    assert CaseEvent.objects.count() == events


def add_department_officer(world, department, key="finance"):
    cadre = factories.CadreFactory(township=world.places["t1"], name="财政", user__username=key)
    factories.post(cadre, Post.Role.DEPARTMENT_OFFICER, township=world.places["t1"], department=department)
    return cadre.user


def at_department(world, household="g1a"):
    """A coordination case dispatched by the village to 民政办 and still open there."""
    case = open_case(world, household=household)
    act(world, case, "leader", "escalate", note="需要村里协调")
    act(world, case, "village", "accept")
    act(world, case, "village", "dispatch", note="请民政办处理", department="民政办")
    case.refresh_from_db()
    return case


# --- opening a case --------------------------------------------------------------------------


def test_a_general_matter_is_closed_on_the_spot_with_its_result(world):
    case = open_case(world, procedure=Procedure.GENERAL, result="  当场调解完毕  ")

    assert (case.level, case.status) == (Level.GRID, Status.CLOSED)
    assert case.resolved_at == case.closed_at == case.created_at
    assert (case.reported_by, case.township, case.village, case.grid, case.group) == (
        world.users["leader"],
        world.places["t1"],
        world.places["v1"],
        world.places["G1"],
        world.places["g1a"],
    )
    event = case.events.get()
    assert (event.kind, event.note, event.to_status) == (Kind.CREATED, "当场调解完毕", Status.CLOSED)


def test_a_general_matter_without_a_result_is_refused(world):
    with pytest.raises(ValidationError) as error:
        open_case(world, procedure=Procedure.GENERAL, result="   ")
    assert "result" in error.value.message_dict
    assert not Case.objects.exists()


def test_a_coordination_matter_filed_by_the_grid_leader_is_accepted_there_on_the_spot(world):
    case = open_case(world)

    assert (case.level, case.status, case.assignee) == (Level.GRID, Status.ACCEPTED, world.users["leader"])
    assert kinds(case) == [Kind.CREATED, Kind.ACCEPT]
    assert case.version == 2
    # the grid's coordination deadlines: yellow after two days, red after three
    assert (case.warn_at - case.arrived_at, case.due_at - case.arrived_at) == (2 * DAY, 3 * DAY)


def test_an_emergency_opens_at_the_township_and_alerts_its_staff(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, procedure=Procedure.EMERGENCY, category=Category.HAZARD)

    assert (case.level, case.status, case.assignee) == (Level.TOWNSHIP, Status.OPEN, None)
    assert case.due_at - case.arrived_at == HOUR
    # the township centre of this township, and nobody else (not the reporter, not the other township)
    assert notified(case) == {"township": Reason.EMERGENCY}
    assert Case.objects.unacknowledged_emergencies().get() == case


def test_an_approval_starts_at_the_grid(world):
    by_leader = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    assert (by_leader.level, by_leader.status) == (Level.GRID, Status.ACCEPTED)

    by_township = open_case(world, actor="township", procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    assert (by_township.level, by_township.status, by_township.assignee) == (Level.GRID, Status.OPEN, None)
    assert by_township.due_at - by_township.arrived_at == 5 * DAY


def test_an_approval_filed_by_a_representative_starts_at_the_grid(world):
    case = open_case(world, actor="representative", procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)

    assert case.level == Level.GRID


def test_a_case_sent_below_ones_own_level_waits_there_and_alerts_that_level(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, actor="village", start_level=Level.GRID)

    assert (case.level, case.status, case.assignee) == (Level.GRID, Status.OPEN, None)
    assert kinds(case) == [Kind.CREATED]
    assert notified(case) == {"leader": Reason.ARRIVED, "member": Reason.ARRIVED}


def test_the_grid_can_send_a_case_down_to_the_households_representative(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, start_level=Level.REPRESENTATIVE)

    assert (case.level, case.status) == (Level.REPRESENTATIVE, Status.OPEN)
    assert notified(case) == {"representative": Reason.ARRIVED}


def test_the_representative_level_needs_a_household_with_a_contact_representative(world):
    with pytest.raises(ValidationError):
        open_case(world, household="g1a_other", start_level=Level.REPRESENTATIVE)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("persona", "start_level"),
    [("leader", Level.VILLAGE), ("village", Level.TOWNSHIP), ("township", Level.DEPARTMENT)],
)
def test_a_case_cannot_be_sent_above_ones_own_level(world, persona, start_level):
    with pytest.raises(ValidationError):
        open_case(world, actor=persona, start_level=start_level)
    assert not Case.objects.exists()


def test_nobody_registers_a_case_outside_their_places(world):
    with pytest.raises(PermissionDenied):
        open_case(world, actor="leader", household="g2")
    with pytest.raises(PermissionDenied):
        open_case(world, actor="other_township", household="g1a")
    with pytest.raises(PermissionDenied):  # a department handles what is dispatched to it; it reports nothing
        open_case(world, actor="department", household="g1a")
    assert not Case.objects.exists()


def test_a_volunteer_reports_in_their_grid_but_sees_no_household(world, django_capture_on_commit_callbacks):
    volunteer = world.users["volunteer"]
    assert not Household.objects.for_user(volunteer).exists()
    assert not reportable_households(volunteer).exists()

    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, actor="volunteer", household=None, grid=world.places["G1"], location="村口桥")
    assert (case.level, case.status, case.assignee) == (Level.GRID, Status.OPEN, None)
    assert notified(case) == {"leader": Reason.ARRIVED, "member": Reason.ARRIVED}

    # they keep sight of what they raised, and only that
    leaders = open_case(world)
    assert list(Case.objects.for_user(volunteer)) == [case]
    assert leaders not in Case.objects.for_user(volunteer)
    # they act on nothing, and report nowhere else
    with unchanged(case), pytest.raises(PermissionDenied):
        act(world, case, "volunteer", "accept")
    with pytest.raises(PermissionDenied):
        open_case(world, actor="volunteer", household=None, grid=world.places["G2"])
    with pytest.raises(ValidationError):
        open_case(world, actor="volunteer", household=None, grid=world.places["G1"], start_level=Level.VILLAGE)


# --- the coordination chain ------------------------------------------------------------------


def test_a_coordination_case_climbs_to_a_department_and_comes_back_to_the_resident(
    world, django_capture_on_commit_callbacks
):
    case = open_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        escalated = act(world, case, "leader", "escalate", note="需要村里协调")
    assert (escalated.level, escalated.status, escalated.assignee) == (Level.VILLAGE, Status.OPEN, None)
    assert escalated.due_at - escalated.arrived_at == 7 * DAY
    # the village committees (the whole village and the resident cadre of group 1); not the actor
    assert notified(case) == {"village": Reason.ARRIVED, "resident_cadre": Reason.ARRIVED}

    accepted = act(world, case, "village", "accept")
    assert (accepted.status, accepted.assignee) == (Status.ACCEPTED, world.users["village"])

    dispatched = act(world, case, "village", "dispatch", note="请民政办处理", department="民政办")
    assert (dispatched.level, dispatched.status, dispatched.department) == (Level.DEPARTMENT, Status.OPEN, "民政办")

    act(world, case, "department", "accept")
    resolved = act(world, case, "department", "resolve", note="已修复")
    assert resolved.status == Status.RESOLVED and resolved.resolved_at is not None

    # the grid leader, who met the resident, records the satisfaction though the department holds it
    closed = act(world, case, "leader", "confirm_satisfied")
    assert (closed.status, closed.level, closed.satisfied) == (Status.CLOSED, Level.DEPARTMENT, True)
    assert closed.closed_at is not None
    assert kinds(case) == [
        Kind.CREATED,
        Kind.ACCEPT,
        Kind.ESCALATE,
        Kind.ACCEPT,
        Kind.DISPATCH,
        Kind.ACCEPT,
        Kind.RESOLVE,
        Kind.CONFIRM_SATISFIED,
    ]
    escalate = case.events.get(kind=Kind.ESCALATE)
    assert (escalate.from_level, escalate.to_level, escalate.actor, escalate.note) == (
        Level.GRID,
        Level.VILLAGE,
        world.users["leader"],
        "需要村里协调",
    )


def test_the_representative_escalates_to_the_grid(world):
    case = open_case(world, actor="representative")
    assert (case.level, case.status, case.assignee) == (
        Level.REPRESENTATIVE,
        Status.ACCEPTED,
        world.users["representative"],
    )

    act(world, case, "representative", "escalate", note="解决不了")
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.GRID, Status.OPEN)


def test_a_department_returns_a_case_to_the_level_that_dispatched_it(world, django_capture_on_commit_callbacks):
    case = at_department(world)  # dispatched by the village
    act(world, case, "department", "accept")
    with django_capture_on_commit_callbacks(execute=True):
        returned = act(world, case, "department", "return", note="不属于本部门")
    assert (returned.level, returned.status, returned.assignee) == (Level.VILLAGE, Status.OPEN, None)
    assert notified(case, Reason.ARRIVED).keys() >= {"village"}
    # the case it dispatched to stays visible to the department, but its hands are off it now
    assert case in Case.objects.for_user(world.users["department"])
    with unchanged(case), pytest.raises(PermissionDenied):
        act(world, case, "department", "accept")

    act(world, case, "township", "accept")
    act(world, case, "township", "return", note="网格先处理")
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.GRID, Status.OPEN)


def test_a_case_the_township_dispatched_comes_back_to_the_township(world):
    case = at_department(world)
    act(world, case, "department", "return", note="请乡里协调")
    act(world, case, "village", "escalate", note="报乡综治中心")
    act(world, case, "township", "dispatch", note="请民政办", department="民政办")
    returned = act(world, case, "department", "return", note="不属于本部门")
    assert (returned.level, returned.status) == (Level.TOWNSHIP, Status.OPEN)


def test_the_township_centre_takes_back_a_case_a_department_leaves(world, django_capture_on_commit_callbacks):
    case = at_department(world)
    for persona in ("village", "leader", "department"):  # only the township centre recalls
        with unchanged(case), pytest.raises(PermissionDenied):
            act(world, case, persona, "recall", note="部门无人处理")
    with unchanged(case), pytest.raises(ValidationError):
        act(world, case, "township", "recall")  # with a reason
    recalled = act(world, case, "township", "recall", note="民政办干事调离，中心收回")
    assert (recalled.level, recalled.status) == (Level.TOWNSHIP, Status.OPEN)


def test_the_department_does_not_record_the_residents_verdict_on_its_own_result(world):
    case = at_department(world)
    act(world, case, "department", "accept")
    act(world, case, "department", "resolve", note="已办结")
    for name in ("confirm_satisfied", "reopen", "close_dissatisfied"):
        with unchanged(case), pytest.raises(PermissionDenied):
            act(world, case, "department", name, note="自评")
    closed = act(world, case, "representative", "close_dissatisfied", note="已尽力，群众仍有意见")
    assert (closed.status, closed.satisfied) == (Status.CLOSED, False)


def test_a_duplicate_is_withdrawn_with_a_reason_and_not_rated(world):
    case = open_case(world)
    with unchanged(case), pytest.raises(ValidationError):
        act(world, case, "leader", "withdraw")
    withdrawn = act(world, case, "leader", "withdraw", note="与20261130-3重复")
    assert (withdrawn.status, withdrawn.satisfied, withdrawn.closed_at is not None) == (Status.CLOSED, None, True)


def test_a_case_cannot_escalate_past_the_township_centre(world):
    case = open_case(world)
    act(world, case, "leader", "escalate", note="村里")
    act(world, case, "village", "accept")
    act(world, case, "village", "escalate", note="乡里")
    act(world, case, "township", "accept")
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.TOWNSHIP, Status.ACCEPTED)

    with unchanged(case), pytest.raises(ValidationError) as error:
        act(world, case, "township", "escalate", note="再往上")
    assert error.value.code == "illegal_transition"

    act(world, case, "township", "dispatch", note="民政办", department="民政办")
    case.refresh_from_db()
    assert (case.level, case.department) == (Level.DEPARTMENT, "民政办")


def test_dispatch_names_one_of_the_townships_departments(world):
    case = open_case(world)
    act(world, case, "leader", "escalate", note="村里")
    act(world, case, "village", "accept")
    with unchanged(case), pytest.raises(ValidationError) as error:
        act(world, case, "village", "dispatch", note="请处理", department="不存在的办")
    assert "department" in error.value.message_dict


def test_reopening_counts_and_clears_the_satisfaction(world):
    case = open_case(world)
    act(world, case, "leader", "resolve", note="已调解")
    act(world, case, "leader", "confirm_satisfied")
    case.refresh_from_db()
    assert case.satisfied is True and case.closed_at is not None

    now = timezone.now() + DAY
    reopened = act(world, case, "leader", "reopen", note="又吵起来了", now=now)
    assert (reopened.status, reopened.level, reopened.reopened) == (Status.ACCEPTED, Level.GRID, 1)
    assert reopened.satisfied is False
    assert reopened.closed_at is None and reopened.resolved_at is None
    assert reopened.assignee == world.users["leader"]
    assert (reopened.arrived_at, reopened.due_at) == (now, now + 3 * DAY)  # the clock starts again

    act(world, case, "leader", "resolve", note="再次调解")
    act(world, case, "leader", "reopen", note="还是不满意")
    case.refresh_from_db()
    assert case.reopened == 2


def test_a_reopened_case_tells_the_level_holding_it(world, django_capture_on_commit_callbacks):
    case = at_department(world)
    act(world, case, "department", "accept")
    act(world, case, "department", "resolve", note="已处理")
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "member", "reopen", note="居民不满意")
    reopen = case.events.get(kind=Kind.REOPEN)
    # the department holding it, and the leader who reported it (it moved back to being handled)
    assert dict(reopen.notifications.values_list("recipient__username", "reason")) == {
        "department": Reason.ARRIVED,
        "leader": Reason.MOVED,
    }


def test_a_case_reopened_at_the_department_by_the_grid_has_no_responsible_person_yet(world):
    case = at_department(world)
    act(world, case, "department", "accept")
    act(world, case, "department", "resolve", note="已处理")

    reopened = act(world, case, "leader", "reopen", note="居民不满意")

    assert (reopened.status, reopened.level, reopened.assignee) == (Status.ACCEPTED, Level.DEPARTMENT, None)


def test_a_case_goes_back_to_a_representative_only_where_the_household_has_one(
    world, django_capture_on_commit_callbacks
):
    without = open_case(world, household="g1a_other")
    with unchanged(without), pytest.raises(ValidationError):
        act(world, without, "leader", "return", note="代表处理")
    no_household = open_case(world, household=None, grid=world.places["G1"])
    with unchanged(no_household), pytest.raises(ValidationError):
        act(world, no_household, "leader", "return", note="代表处理")

    case = open_case(world, household="g1a")
    with django_capture_on_commit_callbacks(execute=True):
        returned = act(world, case, "leader", "return", note="代表处理")
    assert (returned.level, returned.status) == (Level.REPRESENTATIVE, Status.OPEN)
    assert notified(case) == {"representative": Reason.ARRIVED}


# --- the approval path -----------------------------------------------------------------------


def test_an_approval_is_collected_verified_decided_and_published(world, django_capture_on_commit_callbacks):
    case = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS, summary="低保申请")
    assert set(workflow.legal(procedure=case.procedure, level=case.level, status=case.status)) == {
        "submit_for_verification",
        "withdraw",
    }

    with django_capture_on_commit_callbacks(execute=True):
        submitted = act(world, case, "leader", "submit_for_verification")
    assert (submitted.level, submitted.status) == (Level.VILLAGE, Status.OPEN)
    assert "village" in notified(case, Reason.ARRIVED)

    act(world, case, "village", "accept")
    with unchanged(case), pytest.raises(ValidationError):
        act(world, case, "village", "verify_and_submit")  # no department named
    verified = act(world, case, "village", "verify_and_submit", department="民政办")
    assert (verified.level, verified.status, verified.department) == (Level.DEPARTMENT, Status.OPEN, "民政办")

    act(world, case, "department", "accept")
    with unchanged(case), pytest.raises(ValidationError):
        act(world, case, "department", "decide")  # a decision is written
    decided = act(world, case, "department", "decide", note="同意纳入低保")
    assert (decided.status, decided.decision) == (Status.DECIDED, "同意纳入低保")

    posted_at = timezone.now()
    published = act(world, case, "department", "publish_notice", now=posted_at)
    assert published.status == Status.IN_NOTICE
    assert published.notice_ends_at == posted_at + workflow.NOTICE_PERIOD

    with unchanged(case), pytest.raises(ValidationError) as error:
        act(world, case, "department", "close_notice", now=posted_at + 6 * DAY)
    assert "notice runs until" in " ".join(error.value.messages)

    ends = posted_at + workflow.NOTICE_PERIOD + datetime.timedelta(seconds=1)
    closed = act(world, case, "department", "close_notice", now=ends)
    assert (closed.status, closed.closed_at) == (Status.CLOSED, ends)
    assert kinds(case) == [
        Kind.CREATED,
        Kind.ACCEPT,
        Kind.SUBMIT_FOR_VERIFICATION,
        Kind.ACCEPT,
        Kind.VERIFY_AND_SUBMIT,
        Kind.ACCEPT,
        Kind.DECIDE,
        Kind.PUBLISH_NOTICE,
        Kind.CLOSE_NOTICE,
    ]


def test_the_grid_cannot_skip_the_village_on_an_approval(world):
    case = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    for name, extra in (("verify_and_submit", {"department": "民政办"}), ("escalate", {"note": "x"})):
        with unchanged(case), pytest.raises(ValidationError):
            act(world, case, "leader", name, **extra)
    # and the village cannot decide for the department
    act(world, case, "leader", "submit_for_verification")
    act(world, case, "village", "accept")
    with unchanged(case), pytest.raises(ValidationError):
        act(world, case, "village", "decide", note="同意")


def test_an_approval_sent_back_goes_the_way_it_came_department_village_grid(world):
    case = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    act(world, case, "leader", "submit_for_verification")
    act(world, case, "village", "accept")
    act(world, case, "village", "verify_and_submit", department="民政办")
    act(world, case, "department", "accept")

    back = act(world, case, "department", "send_back", note="材料不全")
    assert (back.level, back.status) == (Level.VILLAGE, Status.OPEN)
    act(world, case, "village", "accept")
    back = act(world, case, "village", "send_back", note="请网格补充收入证明")
    assert (back.level, back.status) == (Level.GRID, Status.OPEN)
    act(world, case, "leader", "accept")
    case.refresh_from_db()
    assert set(workflow.legal(procedure=case.procedure, level=case.level, status=case.status)) == {
        "submit_for_verification",
        "withdraw",
    }


def test_an_approval_is_never_sent_below_the_grid_that_collects_it(world):
    case = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    for name in ("return", "send_back"):
        with unchanged(case), pytest.raises(ValidationError):
            act(world, case, "leader", name, note="请代表补充材料")


def test_an_objection_is_recorded_only_during_the_public_notice(world):
    case = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    with unchanged(case), pytest.raises(ValidationError):
        services.add_note(actor=world.users["leader"], case=case, note="有异议", objection=True)

    act(world, case, "leader", "submit_for_verification")
    act(world, case, "village", "accept")
    act(world, case, "village", "verify_and_submit", department="民政办")
    act(world, case, "department", "accept")
    act(world, case, "department", "decide", note="同意")
    act(world, case, "department", "publish_notice")

    event = services.add_note(actor=world.users["leader"], case=case, note="  邻居有异议  ", objection=True)
    assert (event.kind, event.note, event.actor) == (Kind.OBJECTION, "邻居有异议", world.users["leader"])
    with pytest.raises(PermissionDenied):
        services.add_note(actor=world.users["neighbour"], case=case, note="我也有异议", objection=True)


def test_every_transition_of_the_table_is_taken_by_these_paths(world):
    """Guards the tests above: a transition added to the table without a service path shows here."""
    coordination = open_case(world)
    act(world, coordination, "leader", "resolve", note="已处理")
    act(world, coordination, "leader", "reopen", note="不满意")
    act(world, coordination, "leader", "escalate", note="村里")
    act(world, coordination, "village", "accept")
    act(world, coordination, "village", "dispatch", note="民政办", department="民政办")
    act(world, coordination, "department", "return", note="退回")
    act(world, coordination, "village", "dispatch", note="再请民政办", department="民政办")
    act(world, coordination, "township", "recall", note="中心收回")
    act(world, coordination, "township", "accept")
    act(world, coordination, "township", "resolve", note="中心办结")
    act(world, coordination, "leader", "close_dissatisfied", note="群众仍有意见")
    open_case(world, summary="重复登记").refresh_from_db()
    act(world, Case.objects.get(summary="重复登记"), "leader", "withdraw", note="重复")
    approval = open_case(world, procedure=Procedure.APPROVAL, category=Category.CIVIL_AFFAIRS)
    act(world, approval, "leader", "submit_for_verification")
    act(world, approval, "village", "accept")
    act(world, approval, "village", "verify_and_submit", department="民政办")
    act(world, approval, "department", "accept")
    act(world, approval, "department", "send_back", note="缺材料")
    act(world, approval, "village", "accept")
    act(world, approval, "village", "verify_and_submit", department="民政办")
    act(world, approval, "department", "accept")
    act(world, approval, "department", "decide", note="同意")
    act(world, approval, "department", "publish_notice")
    act(world, approval, "department", "close_notice", now=timezone.now() + workflow.NOTICE_PERIOD + HOUR)
    general = open_case(world, procedure=Procedure.GENERAL, result="当场处理")
    act(world, general, "leader", "reopen", note="不满意")
    act(world, general, "leader", "resolve", note="再处理")
    act(world, general, "leader", "confirm_satisfied")

    assert set(workflow.TRANSITIONS) <= set(CaseEvent.objects.values_list("kind", flat=True))


# --- refusals change nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "name", "extra", "error"),
    [
        ("neighbour", "resolve", {"note": "x"}, PermissionDenied),  # another grid
        ("volunteer", "resolve", {"note": "x"}, PermissionDenied),  # reports only
        ("department", "resolve", {"note": "x"}, PermissionDenied),  # not dispatched to it
        ("other_township", "resolve", {"note": "x"}, PermissionDenied),
        ("leader", "confirm_satisfied", {}, ValidationError),  # not resolved yet
        ("leader", "accept", {}, ValidationError),  # already accepted
        ("leader", "resolve", {"note": "   "}, ValidationError),  # a result must be written
        ("leader", "escalate", {}, ValidationError),  # a reason must be written
        ("leader", "dispatch", {"note": "x", "department": "民政办"}, ValidationError),  # not from the grid
        ("leader", "decide", {"note": "x"}, ValidationError),  # not an approval
        ("leader", "no_such_step", {}, ValidationError),
    ],
)
def test_a_refused_step_changes_nothing(world, persona, name, extra, error):
    case = open_case(world)
    with unchanged(case), pytest.raises(error):
        act(world, case, persona, name, **extra)


def test_a_stale_version_is_refused(world):
    case = open_case(world)
    stale = case.version
    act(world, case, "leader", "resolve", note="已处理")
    with unchanged(case), pytest.raises(ValidationError) as error:
        services.transition(actor=world.users["leader"], case=case, name="confirm_satisfied", version=stale)
    assert error.value.code == "case_changed"


def test_the_resident_cadre_acts_only_for_their_own_groups(world):
    """The resident cadre covers group 1 of the village; group 3 (grid 2) is the secretary's alone."""
    theirs = open_case(world, household="g1a")
    act(world, theirs, "leader", "escalate", note="村里")
    other = open_case(world, actor="neighbour", household="g2")
    act(world, other, "neighbour", "escalate", note="村里")

    with unchanged(other), pytest.raises(PermissionDenied):
        act(world, other, "resident_cadre", "accept")
    assert act(world, theirs, "resident_cadre", "accept").assignee == world.users["resident_cadre"]
    assert act(world, other, "village", "accept").assignee == world.users["village"]


def test_the_resident_cadre_is_not_alerted_to_cases_of_other_groups(world, django_capture_on_commit_callbacks):
    case = open_case(world, actor="neighbour", household="g2")
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "neighbour", "escalate", note="村里")
    assert notified(case) == {"village": Reason.ARRIVED}


def test_a_department_sees_and_acts_on_only_what_was_dispatched_to_it(world):
    finance = add_department_officer(world, "财政所")
    at_grid = open_case(world)
    at_village = open_case(world, household="g1b")
    act(world, at_village, "leader", "escalate", note="村里")
    mine = at_department(world)
    theirs = open_case(world, household="g3", actor="township")
    act(world, theirs, "township", "dispatch", note="财政", department="财政所")

    department = world.users["department"]
    assert set(Case.objects.for_user(department)) == {mine}
    assert set(Case.objects.for_user(finance)) == {theirs}
    for case in (at_grid, at_village, theirs):
        with unchanged(case), pytest.raises(PermissionDenied):
            act(world, case, "department", "accept" if case.status == Status.OPEN else "resolve", note="x")
    assert act(world, mine, "department", "accept").assignee == department


# --- assigning, notes ------------------------------------------------------------------------


def test_a_case_is_assigned_only_to_someone_holding_its_level(world, django_capture_on_commit_callbacks):
    case = open_case(world, actor="village", start_level=Level.GRID)
    for stranger in ("village", "neighbour", "department", "volunteer"):
        with unchanged(case), pytest.raises(ValidationError) as error:
            case.refresh_from_db()
            services.assign(
                actor=world.users["leader"], case=case, version=case.version, assignee=world.users[stranger]
            )
        assert "assignee" in error.value.message_dict

    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assigned = services.assign(
            actor=world.users["leader"], case=case, version=case.version, assignee=world.users["member"]
        )
    assert (assigned.assignee, assigned.status) == (world.users["member"], Status.ACCEPTED)
    event = case.events.latest("at", "pk")
    assert (event.kind, event.from_status, event.to_status) == (Kind.ASSIGN, Status.OPEN, Status.ACCEPTED)
    # the new responsible person, and the reporter whose case moved; not the leader who assigned it
    assert dict(event.notifications.values_list("recipient__username", "reason")) == {
        "member": Reason.ARRIVED,
        "village": Reason.MOVED,
    }


def test_assigning_is_for_those_who_hold_the_case_and_for_cases_in_hand(world):
    case = open_case(world)
    with unchanged(case), pytest.raises(PermissionDenied):
        services.assign(actor=world.users["neighbour"], case=case, version=case.version, assignee=world.users["member"])
    act(world, case, "leader", "resolve", note="已处理")
    case.refresh_from_db()
    with unchanged(case), pytest.raises(ValidationError):
        services.assign(actor=world.users["leader"], case=case, version=case.version, assignee=world.users["member"])


def test_notes_are_added_by_the_chain_only(world):
    case = at_department(world)
    event = services.add_note(actor=world.users["member"], case=case, note="  现场已拍照  ")
    assert (event.kind, event.note, event.from_level, event.to_level) == (
        Kind.UPDATE,
        "现场已拍照",
        Level.DEPARTMENT,
        Level.DEPARTMENT,
    )
    for stranger in ("neighbour", "volunteer", "other_township"):
        with unchanged(case), pytest.raises(PermissionDenied):
            services.add_note(actor=world.users[stranger], case=case, note="x")
    with unchanged(case), pytest.raises(ValidationError):
        services.add_note(actor=world.users["member"], case=case, note="   ")


# --- extensions ------------------------------------------------------------------------------


def test_the_level_above_approves_an_extension_and_the_dates_move(world):
    case = open_case(world)
    warn, due = case.warn_at, case.due_at
    # the village secretary, who may act at the grid too, asks for more time for it
    services.request_extension(actor=world.users["village"], case=case, version=case.version, days=3, reason="等材料")
    case.refresh_from_db()
    assert (case.extension_requested, case.extension_reason) == (3 * DAY, "等材料")

    with unchanged(case), pytest.raises(PermissionDenied):  # the grid is not the level above the grid
        services.decide_extension(actor=world.users["leader"], case=case, version=case.version, approve=True)
    with unchanged(case), pytest.raises(ValidationError):  # nobody approves their own request
        services.decide_extension(actor=world.users["village"], case=case, version=case.version, approve=True)

    event = services.decide_extension(
        actor=world.users["resident_cadre"], case=case, version=case.version, approve=True, note="同意"
    )
    case.refresh_from_db()
    assert event.kind == Kind.EXTENSION_APPROVED
    assert (case.warn_at, case.due_at) == (warn + 3 * DAY, due + 3 * DAY)
    assert (case.extension_requested, case.extension_reason) == (None, "")


def test_an_extension_request_tells_the_level_above_and_the_decision_tells_who_asked(
    world, django_capture_on_commit_callbacks
):
    case = open_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.request_extension(
            actor=world.users["leader"], case=case, version=case.version, days=2, reason="下雨"
        )
    assert dict(asked.notifications.values_list("recipient__username", "reason")) == {
        "village": Reason.ARRIVED,
        "resident_cadre": Reason.ARRIVED,
    }
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        decided = services.decide_extension(
            actor=world.users["village"], case=case, version=case.version, approve=False
        )
    assert dict(decided.notifications.values_list("recipient__username", "reason")) == {"leader": Reason.ANSWERED}


def test_a_refused_extension_leaves_the_dates(world):
    case = open_case(world)
    warn, due = case.warn_at, case.due_at
    services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=2, reason="下雨")
    case.refresh_from_db()
    with unchanged(case), pytest.raises(ValidationError):  # one request at a time
        services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=5, reason="再等")

    event = services.decide_extension(actor=world.users["village"], case=case, version=case.version, approve=False)
    case.refresh_from_db()
    assert event.kind == Kind.EXTENSION_REFUSED
    assert (case.warn_at, case.due_at, case.extension_requested) == (warn, due, None)
    with unchanged(case), pytest.raises(ValidationError):  # nothing waits for a decision now
        services.decide_extension(actor=world.users["village"], case=case, version=case.version, approve=True)


def test_an_extension_needs_a_reason_and_a_case_in_hand(world):
    case = open_case(world)
    with unchanged(case), pytest.raises(ValidationError):
        services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=2, reason=" ")
    with unchanged(case), pytest.raises(PermissionDenied):
        services.request_extension(actor=world.users["neighbour"], case=case, version=case.version, days=2, reason="x")
    act(world, case, "leader", "resolve", note="已处理")
    case.refresh_from_db()
    with unchanged(case), pytest.raises(ValidationError):
        services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=2, reason="x")


def test_a_pending_extension_lapses_when_the_case_moves(world):
    case = open_case(world)
    services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=2, reason="下雨")
    moved = act(world, case, "leader", "escalate", note="村里")
    assert (moved.extension_requested, moved.extension_reason) == (None, "")


# --- deadlines -------------------------------------------------------------------------------


def test_only_the_township_centre_sets_its_deadlines(world):
    table = {(Procedure.COORDINATION, Level.GRID): (5 * HOUR, 10 * HOUR)}
    for persona in ("leader", "village", "department", "other_township"):
        with pytest.raises(PermissionDenied):
            services.save_deadlines(actor=world.users[persona], township=world.places["t1"], table=table)
    assert not Deadline.objects.exists()


def test_a_townships_deadlines_apply_to_cases_arriving_afterwards(world):
    before = open_case(world)
    elsewhere_before = open_case(world, actor="other_township", household="h1", start_level=Level.GRID)
    services.save_deadlines(
        actor=world.users["township"],
        township=world.places["t1"],
        table={
            (Procedure.COORDINATION, Level.GRID): (5 * HOUR, 10 * HOUR),
            (Procedure.COORDINATION, Level.VILLAGE): (HOUR, 20 * HOUR),
        },
    )
    assert Deadline.objects.filter(township=world.places["t1"]).count() == 2

    after = open_case(world, household="g1b")
    assert (after.warn_at - after.arrived_at, after.due_at - after.arrived_at) == (5 * HOUR, 10 * HOUR)
    escalated = act(world, after, "leader", "escalate", note="村里")
    assert (escalated.warn_at - escalated.arrived_at, escalated.due_at - escalated.arrived_at) == (HOUR, 20 * HOUR)
    # a case already at its level keeps its dates; another township keeps the defaults
    before_row = Case.objects.get(pk=before.pk)
    assert (before_row.due_at, before_row.warn_at) == (before.due_at, before.warn_at)
    elsewhere = open_case(world, actor="other_township", household="h1", start_level=Level.GRID)
    assert elsewhere.due_at - elsewhere.arrived_at == 3 * DAY
    assert elsewhere_before.due_at - elsewhere_before.arrived_at == 3 * DAY


def test_saving_deadlines_again_replaces_the_row(world):
    t1, township = world.places["t1"], world.users["township"]
    key = (Procedure.EMERGENCY, Level.TOWNSHIP)
    services.save_deadlines(actor=township, township=t1, table={key: (HOUR / 4, HOUR / 2)})
    services.save_deadlines(actor=township, township=t1, table={key: (HOUR, 2 * HOUR)})
    row = Deadline.objects.get()
    assert (row.warn_after, row.due_after) == (HOUR, 2 * HOUR)


@pytest.mark.parametrize("bad", [(10 * HOUR, 5 * HOUR), (datetime.timedelta(0), datetime.timedelta(0))])
def test_a_wrong_deadline_is_refused_and_nothing_is_saved(world, bad):
    table = {(Procedure.COORDINATION, Level.GRID): (HOUR, 2 * HOUR), (Procedure.COORDINATION, Level.VILLAGE): bad}
    with pytest.raises(ValidationError):
        services.save_deadlines(actor=world.users["township"], township=world.places["t1"], table=table)
    assert not Deadline.objects.exists()


# --- notifications ---------------------------------------------------------------------------


def test_notifications_are_written_only_after_the_commit(world, django_capture_on_commit_callbacks):
    case = open_case(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        act(world, case, "leader", "escalate", note="村里")
    assert callbacks
    assert not Notification.objects.exists()  # the transaction has not committed yet

    for callback in callbacks:
        callback()
    assert notified(case) == {"village": Reason.ARRIVED, "resident_cadre": Reason.ARRIVED}


def test_the_reporter_learns_that_their_case_moved(world, django_capture_on_commit_callbacks):
    case = open_case(world, actor="volunteer", household=None, grid=world.places["G1"])
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "member", "accept")
    accept = case.events.get(kind=Kind.ACCEPT)
    assert {(n.recipient.username, n.reason) for n in accept.notifications.select_related("recipient")} == {
        ("volunteer", Reason.MOVED)
    }

    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "member", "escalate", note="村里")
    escalate = case.events.get(kind=Kind.ESCALATE)
    assert {(n.recipient.username, n.reason) for n in escalate.notifications.select_related("recipient")} == {
        ("volunteer", Reason.MOVED),
        ("village", Reason.ARRIVED),  # a case of no villager group: the resident cadre of group 1 is not told
    }


def test_nobody_is_notified_of_their_own_step(world, django_capture_on_commit_callbacks):
    case = open_case(world)  # reported by the leader
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "leader", "escalate", note="村里")  # the reporter moved it: no "moved" to them
        case.refresh_from_db()
        services.assign(actor=world.users["village"], case=case, version=case.version, assignee=world.users["village"])

    def recipients(kind):
        return dict(case.events.get(kind=kind).notifications.values_list("recipient__username", "reason"))

    assert recipients(Kind.ESCALATE) == {"village": Reason.ARRIVED, "resident_cadre": Reason.ARRIVED}
    # the secretary took it on themselves: the reporter hears it moved, the secretary hears nothing
    assert recipients(Kind.ASSIGN) == {"leader": Reason.MOVED}


# --- the timeline ----------------------------------------------------------------------------


def test_case_events_are_written_once_and_never_deleted(world):
    case = open_case(world)
    event = case.events.first()
    event.note = "改写"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).note == ""
    assert case.events.count() == 2


# --- the "four must report" shortcuts --------------------------------------------------------


def test_a_newcomer_and_the_case_are_saved_both_or_neither(world):
    household = world.households["g1b"]
    resident = Resident(household=household, name="新生儿", id_number=factories.next_id_number(), relation="child")
    case = Case(procedure=Procedure.GENERAL, category=Category.POPULATION, summary="", description="")
    with pytest.raises(ValidationError):  # the case is refused (a general matter without a result) ...
        services.report_newcomer(actor=world.users["leader"], case=case, resident=resident)
    # ... and so the resident saved before it is rolled back
    assert not Resident.objects.filter(name="新生儿").exists()
    assert not Case.objects.exists()
