"""Regression tests for the fixes of the review (commit 2c876f6): row numbers typed as '²', NUL in
the household search, formulas and local times in the exports, what each queue holds, who hears of
a result, emergencies and unregistered births on their own clocks, general matters that never
escalate, unstable-factor cases kept from posts without the sensitive right, extension decisions,
notes and attachments sent once, capped notes, and how attachments are served.

Each test fails if the fix it names is reverted."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import selectors, services, workflow
from cases.forms import AssignForm, clean_upload
from cases.models import Attachment, Case, CaseEvent, Category, Notification
from cases.workflow import Level, Procedure, Status, Urgency
from tests import factories
from tests.cases.test_services import act, at_department, notified, open_case, unchanged
from villages.models import Post

Kind = CaseEvent.Kind
Reason = Notification.Reason
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)

CREATE = reverse("cases:create")
BIRTH = reverse("cases:report_birth")
SEARCH = reverse("cases:household_search")
LIST = reverse("cases:list")
QUEUE = reverse("cases:queue")
NOTIFICATIONS = reverse("cases:notifications")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers ---------------------------------------------------------------------------------


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpeg(name="墙.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def attached(world, case, upload, persona="leader"):
    """One file attached to the case through the service, as the form would have checked it."""
    case.refresh_from_db()
    (attachment,) = services.attach(
        actor=world.users[persona], case=case, files=[clean_upload(upload)], version=case.version
    )
    return attachment


def fresh(user):
    """The user as the next request loads them: their jurisdiction computed again."""
    return get_user_model().objects.get(pk=user.pk)


def said(response):
    """The messages the response left for the next page, in one string."""
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def listed(response):
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def queued(world, persona, now=None):
    return set(selectors.queue(fresh(world.users[persona]), now=now).values_list("pk", flat=True))


def visible(world, persona):
    return set(Case.objects.for_user(fresh(world.users[persona])).values_list("pk", flat=True))


def step_url(case, name):
    return reverse("cases:step", args=[case.pk, name])


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


# --- 1. row numbers typed by users: '²' is a digit to Python, not to int ---------------------


@pytest.mark.parametrize(
    "url",
    [
        CREATE + "?household=²",
        CREATE + "?household=²&grid=³&place=¹",
        BIRTH + "?household=²",
        LIST + "?q=²",
        LIST + "?q=20261130-²",
    ],
)
def test_a_superscript_digit_in_a_query_string_is_no_server_error(world, leader, url):
    assert leader.get(url).status_code == 200


def test_a_step_sent_with_a_superscript_version_is_refused_not_a_server_error(world, leader):
    case = open_case(world)

    with unchanged(case):
        response = leader.post(step_url(case, "escalate"), {"version": "²", "note": "需要村里协调"})

    assert response.status_code in (200, 302)


def test_an_intake_naming_household_number_superscript_two_is_a_form_error(world, leader):
    response = leader.post(
        CREATE,
        {
            "household": "x #²",
            "summary": "院墙开裂",
            "category": "dispute",
            "procedure": "coordination",
            "channel": "visit",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get("household")
    assert not Case.objects.exists()


# --- 2. the household picker's search --------------------------------------------------------


def test_a_nul_in_the_household_search_is_no_server_error(world, leader):
    response = leader.get(SEARCH, {"q": "\x00"})
    assert response.status_code == 200 and response.json() == {"results": []}

    household = world.households["g1b"]
    response = leader.get(SEARCH, {"q": "户主g1b\x00"})  # the NUL is dropped, the rest is searched
    assert response.status_code == 200
    assert response.json() == {"results": [f"户主g1b · {household.address} #{household.pk}"]}


@pytest.mark.parametrize("term", ["户" * 300, "a" * 300, "1" * 300])
def test_a_very_long_household_search_is_no_error(world, leader, term):
    response = leader.get(SEARCH, {"q": term})
    assert response.status_code == 200 and response.json() == {"results": []}


# --- 3. the export ---------------------------------------------------------------------------


def exported_rows(client, export_format):
    response = client.get(LIST, {"_export": export_format})
    assert response.status_code == 200
    return response


def test_a_summary_that_looks_like_a_formula_is_exported_as_text(world, leader):
    case = open_case(world, summary='=HYPERLINK("http://x","y")')
    open_case(world, summary="+1+1", household="g1b")

    response = exported_rows(leader, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("Summary") + 1
    cells = {sheet.cell(row=row, column=column) for row in range(2, sheet.max_row + 1)}
    by_value = {cell.value: cell for cell in cells}
    assert set(by_value) == {"'" + case.summary, "'+1+1"}
    assert all(cell.data_type != "f" for cell in cells)

    response = exported_rows(leader, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    index = rows[0].index("Summary")
    assert {row[index] for row in rows[1:]} == {"'" + case.summary, "'+1+1"}


def test_the_export_gives_registration_times_in_local_time(world, leader):
    case = open_case(world)
    registered = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    Case.objects.filter(pk=case.pk).update(created_at=registered)

    response = exported_rows(leader, "xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("Registered")] == "2026-03-01 09:30"

    response = exported_rows(leader, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Registered")] == "2026-03-01 09:30"


# --- 4. the queue: one's own level, results to rate, extensions to decide, overdue departments -


def test_a_grid_case_is_in_the_grids_queue_not_the_village_or_township_queue(world, login):
    case = open_case(world, actor="member")  # accepted by the member: not the leader's by assignment
    assert case.assignee == world.users["member"]

    assert case.pk in queued(world, "leader")
    assert case.pk not in queued(world, "village")
    assert case.pk not in queued(world, "township")
    assert case.pk in listed(login(world.users["leader"]).get(QUEUE))
    assert case.pk not in listed(login(world.users["village"]).get(QUEUE))
    assert case.pk not in listed(login(world.users["township"]).get(QUEUE))


def test_a_case_at_the_village_is_in_the_village_queue_not_the_grids(world, login):
    case = open_case(world)
    act(world, case, "leader", "escalate", note="需要村里协调")

    assert case.pk in queued(world, "village")
    assert case.pk not in queued(world, "leader")
    assert case.pk not in queued(world, "township")
    assert case.pk in listed(login(world.users["village"]).get(QUEUE))


def test_a_department_result_waits_in_the_grids_queue_for_the_residents_verdict(world, login):
    case = at_department(world)
    act(world, case, "department", "accept")
    act(world, case, "department", "resolve", note="已发放临时救助")
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.DEPARTMENT, Status.RESOLVED)

    assert case.pk in queued(world, "leader")
    assert case.pk in queued(world, "representative")
    assert case.pk in listed(login(world.users["leader"]).get(QUEUE))

    # the department does not rate its own result: no button, and the service refuses it
    department = login(world.users["department"]).get(case.get_absolute_url())
    assert "confirm_satisfied" not in department.context["steps_names"]
    with unchanged(case), pytest.raises(PermissionDenied):
        act(world, case, "department", "confirm_satisfied")

    page = login(world.users["leader"]).get(case.get_absolute_url())
    assert "confirm_satisfied" in page.context["steps_names"]
    closed = act(world, case, "leader", "confirm_satisfied")
    assert (closed.status, closed.satisfied) == (Status.CLOSED, True)
    assert case.pk not in queued(world, "leader")


def test_an_extension_asked_at_the_grid_waits_in_the_village_queue(world, login):
    case = open_case(world)
    assert case.pk not in queued(world, "village")

    services.request_extension(actor=world.users["leader"], case=case, version=case.version, days=3, reason="等材料")

    assert case.pk in queued(world, "village")
    assert case.pk in listed(login(world.users["village"]).get(QUEUE))
    assert case.pk not in queued(world, "township")


def test_a_department_case_past_its_limit_is_in_the_township_queue(world, login):
    case = at_department(world)

    assert case.pk not in queued(world, "township", now=case.due_at - HOUR)
    assert case.pk in queued(world, "township", now=case.due_at + HOUR)
    assert case.pk in queued(world, "department")

    Case.objects.filter(pk=case.pk).update(
        warn_at=timezone.now() - 2 * HOUR, due_at=timezone.now() - HOUR
    )  # overdue now
    assert case.pk in listed(login(world.users["township"]).get(QUEUE))
    assert case.pk not in queued(world, "other_township", now=case.due_at + HOUR)


def test_a_case_assigned_to_someone_is_in_their_queue(world, login):
    case = open_case(world)  # the leader's
    assert case.pk in queued(world, "leader")

    case.refresh_from_db()
    services.assign(actor=world.users["leader"], case=case, version=case.version, assignee=world.users["member"])

    assert case.pk in queued(world, "member")
    assert case.pk in listed(login(world.users["member"]).get(QUEUE))


# --- 5. notifications ------------------------------------------------------------------------


def test_a_department_result_tells_the_grid_and_the_representative(world, django_capture_on_commit_callbacks):
    case = at_department(world)
    act(world, case, "department", "accept")

    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "department", "resolve", note="已发放临时救助")

    assert notified(case, Reason.VERDICT) == {
        "leader": Reason.VERDICT,
        "member": Reason.VERDICT,
        "representative": Reason.VERDICT,
    }


def test_notifications_about_a_case_one_no_longer_sees_are_hidden(world, login, django_capture_on_commit_callbacks):
    case = at_department(world)
    act(world, case, "department", "accept")
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "department", "resolve", note="已发放临时救助")
    member = world.users["member"]
    assert Notification.objects.filter(recipient=member, event__case=case).count() == 1

    client = login(member)
    response = client.get(NOTIFICATIONS)
    assert [n.event.case_id for n in response.context["object_list"]] == [case.pk]
    assert response.context["unread_notifications"] == 1

    Post.objects.filter(cadre__user=member).update(ended_on=timezone.localdate() - DAY)

    member = fresh(member)
    assert not Case.objects.for_user(member).filter(pk=case.pk).exists()
    assert not selectors.notifications(member).exists()
    assert selectors.alerts(member)["unread"] == 0
    response = client.get(NOTIFICATIONS)
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert response.context["unread_notifications"] == 0
    assert 'data-testid="unread"' not in response.content.decode()


# --- 6. an acknowledged emergency has a day ---------------------------------------------------


def test_an_acknowledged_emergency_has_a_day_and_does_not_turn_red_within_the_hour(world):
    case = open_case(world, procedure=Procedure.EMERGENCY, category=Category.HAZARD)
    assert (case.level, case.status) == (Level.TOWNSHIP, Status.OPEN)
    accepted_at = case.created_at + 30 * datetime.timedelta(minutes=1)

    accepted = act(world, case, "township", "accept", now=accepted_at)

    warn, due = workflow.EMERGENCY_HANDLING
    assert (accepted.warn_at, accepted.due_at) == (accepted_at + warn, accepted_at + due)
    assert accepted.due_at - accepted_at == DAY
    later = accepted_at + 2 * HOUR
    assert services.escalate_overdue(now=later) == 0
    case.refresh_from_db()
    assert (case.level, case.status, case.due_at) == (Level.TOWNSHIP, Status.ACCEPTED, accepted_at + DAY)
    assert case.urgency(now=later) == Urgency.ON_TIME
    assert not Case.objects.overdue(later).filter(pk=case.pk).exists()


# --- 7. a birth without an ID number ---------------------------------------------------------


def test_an_unregistered_birth_has_a_month_and_does_not_escalate_after_five_days(world, leader):
    household = world.households["g1b"]

    response = leader.post(BIRTH, {"household": f"#{household.pk}", "name": "郑小宝", "relation": "child"})

    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.procedure, case.level, case.status) == (Procedure.COORDINATION, Level.GRID, Status.ACCEPTED)
    assert abs(case.due_at - case.created_at - 30 * DAY) < datetime.timedelta(minutes=1)
    assert abs(case.warn_at - case.created_at - 25 * DAY) < datetime.timedelta(minutes=1)

    assert services.escalate_overdue(now=case.created_at + 5 * DAY) == 0
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.GRID, Status.ACCEPTED)
    assert not case.events.filter(kind=Kind.AUTO_ESCALATE).exists()


def test_an_unregistered_birth_is_recorded_in_the_townships_language(world, leader, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the township's language; the reporter reads English
    household = world.households["g1b"]
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = leader.post(
        BIRTH,
        {"household": f"#{household.pk}", "name": "郑小宝", "relation": "child"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert response.status_code == 200
    assert "The birth is reported" in response.content.decode()  # the page speaks English
    case = Case.objects.get()
    assert case.summary == "出生：郑小宝，户主g1b户"
    assert case.description.startswith("新生儿落户后添加到本户")


# --- 8. a general matter never escalates -----------------------------------------------------


def test_a_reopened_general_matter_is_never_escalated(world):
    case = open_case(world, procedure=Procedure.GENERAL, result="当场调解完毕")
    reopened = act(world, case, "leader", "reopen", note="居民不满意")
    assert (reopened.level, reopened.status) == (Level.GRID, Status.ACCEPTED)

    assert services.escalate_overdue(now=reopened.due_at + 30 * DAY) == 0

    case.refresh_from_db()
    assert (case.level, case.status, case.version) == (Level.GRID, Status.ACCEPTED, reopened.version)
    assert not case.events.filter(kind=Kind.AUTO_ESCALATE).exists()


# --- 9. unstable factors: only for posts that see sensitive matters --------------------------


def test_an_unstable_factor_case_is_kept_from_posts_without_the_sensitive_right(world, login):
    unstable = open_case(world, actor="volunteer", category=Category.UNSTABLE, summary="上访苗头")
    dispute = open_case(world, actor="volunteer", category=Category.DISPUTE, summary="邻里纠纷")
    unstable_file = attached(world, unstable, pdf(), persona="leader")
    dispute_file = attached(world, dispute, pdf(), persona="leader")
    household = world.households["g1a"]

    for persona in ("leader", "village", "township", "volunteer"):
        assert {unstable.pk, dispute.pk} <= visible(world, persona), persona
        assert login(world.users[persona]).get(unstable.get_absolute_url()).status_code == 200, persona

    assert unstable.pk not in visible(world, "member")
    assert dispute.pk in visible(world, "member")

    member = login(world.users["member"])
    assert member.get(unstable.get_absolute_url()).status_code == 404
    assert member.get(dispute.get_absolute_url()).status_code == 200
    assert listed(member.get(LIST)) == {dispute.pk}
    page = member.get(household.get_absolute_url())
    assert page.status_code == 200
    assert [c.pk for c in page.context["cases"]] == [dispute.pk]
    assert member.get(unstable_file.get_absolute_url()).status_code == 404
    assert member.get(dispute_file.get_absolute_url()).status_code == 200

    leader = login(world.users["leader"])
    assert leader.get(unstable_file.get_absolute_url()).status_code == 200
    page = leader.get(household.get_absolute_url())
    assert {c.pk for c in page.context["cases"]} == {unstable.pk, dispute.pk}


def test_an_unstable_factor_case_is_not_assigned_to_a_post_that_cannot_see_it(world):
    case = open_case(world, category=Category.UNSTABLE, summary="上访苗头")
    case.refresh_from_db()

    offered = AssignForm(case=case, initial={"version": case.version}).fields["assignee"].queryset
    assert world.users["member"] not in offered
    with unchanged(case), pytest.raises((ValidationError, PermissionDenied)):
        services.assign(actor=world.users["leader"], case=case, version=case.version, assignee=world.users["member"])


# --- 10. nobody decides on their own extension -----------------------------------------------


def test_the_one_who_asked_for_an_extension_is_not_offered_to_decide_it(world, login):
    case = open_case(world, actor="township")  # a township case: the township centre approves
    assert (case.level, case.assignee) == (Level.TOWNSHIP, world.users["township"])
    services.request_extension(
        actor=world.users["township"], case=case, version=case.version, days=3, reason="等部门材料"
    )
    case.refresh_from_db()
    decision_url = reverse("cases:extension_decision", args=[case.pk])

    township = login(world.users["township"])
    page = township.get(case.get_absolute_url())
    assert page.status_code == 200
    assert page.context["extension_decision_form"] is None
    assert decision_url not in page.content.decode()

    with unchanged(case):
        response = township.post(decision_url, {"version": case.version, "approve": "yes"})
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert "Someone else must decide" in said(response)

    # a colleague at the township centre is offered it
    colleague = factories.CadreFactory(township=world.places["t1"], name="王同事", user__username="colleague")
    factories.post(colleague, Post.Role.TOWNSHIP_STAFF, township=world.places["t1"])
    page = login(colleague.user).get(case.get_absolute_url())
    assert page.context["extension_decision_form"] is not None
    assert decision_url in page.content.decode()


# --- 11. notes and attachments sent twice ----------------------------------------------------


def test_a_note_sent_twice_from_the_same_page_is_written_once(world, leader):
    case = open_case(world)
    data = {"version": case.version, "note": "现场查看，已拍照"}
    url = reverse("cases:note", args=[case.pk])

    first = leader.post(url, data)
    assert first.status_code == 302
    second = leader.post(url, data)

    assert second.status_code == 302 and second.url == case.get_absolute_url()
    assert "changed" in said(second)
    assert case.events.filter(kind=Kind.UPDATE).count() == 1


def test_an_attachment_sent_twice_from_the_same_page_is_stored_once(world, leader):
    case = open_case(world)
    url = reverse("cases:attach", args=[case.pk])
    version = case.version

    first = leader.post(url, {"version": version, "files": [pdf()]})
    assert first.status_code == 302
    second = leader.post(url, {"version": version, "files": [pdf()]})

    assert second.status_code == 302 and second.url == case.get_absolute_url()
    assert "changed" in said(second)
    assert case.events.filter(kind=Kind.ATTACHMENT).count() == 1
    assert Attachment.objects.filter(case=case).count() == 1


# --- 12. notes are capped --------------------------------------------------------------------


def test_a_note_longer_than_two_thousand_characters_is_refused(world, leader):
    case = open_case(world)
    url = reverse("cases:note", args=[case.pk])

    with unchanged(case):
        response = leader.post(url, {"version": case.version, "note": "字" * 2001})

    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert "2000" in said(response)
    assert not case.events.filter(kind=Kind.UPDATE).exists()

    case.refresh_from_db()
    assert leader.post(url, {"version": case.version, "note": "字" * 2000}).status_code == 302
    assert case.events.filter(kind=Kind.UPDATE).count() == 1


def test_a_step_note_longer_than_two_thousand_characters_is_refused(world, leader):
    case = open_case(world)

    with unchanged(case):
        response = leader.post(step_url(case, "escalate"), {"version": case.version, "note": "字" * 2001})

    assert response.status_code == 302
    assert "2000" in said(response)


# --- 13. how attachments are served ----------------------------------------------------------


def test_a_pdf_is_downloaded_in_a_sandbox(world, leader):
    case = open_case(world)
    document = attached(world, case, pdf("证明.pdf"))
    photo = attached(world, case, jpeg("墙.jpg"))

    response = leader.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    response = leader.get(photo.get_absolute_url())  # a photo still shows in the page
    assert response.status_code == 200
    assert not response["Content-Disposition"].startswith("attachment")


def test_an_attachment_whose_file_is_gone_is_not_found(world, leader):
    case = open_case(world)
    document = attached(world, case, pdf())
    document.file.storage.delete(document.file.name)

    response = leader.get(document.get_absolute_url())

    assert response.status_code == 404


# --- the export reads each column straight from the record -------------------------------------


def test_every_column_of_the_case_table_has_an_export_value():
    from cases.tables import EXPORTED, CaseTable

    assert set(EXPORTED) == set(CaseTable.base_columns)


def test_the_export_follows_the_lists_sort_order(world, login):
    first = open_case(world, summary="甲事件")
    second = open_case(world, summary="乙事件")
    client = login(world.users["leader"])
    for sort, expected in (("created_at", [first, second]), ("-created_at", [second, first])):
        response = client.get(
            reverse("cases:list"), {"_export": "csv", "sort": sort.replace("created_at", "reference")}
        )
        rows = response.content.decode("utf-8-sig").strip().splitlines()[1:]
        assert [row.split(",")[0] for row in rows] == [case.reference for case in expected]
