"""Through the pages: quick intake, the household picker and its search, photos and documents,
the "four must report" shortcuts, the township's deadline table, and the case lists with their
filters, export and query counts."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases import services
from cases.models import Attachment, Case, Category, Deadline
from cases.workflow import Level, Procedure, Status
from tests import factories
from villages import identity
from villages.models import Resident

CREATE = reverse("cases:create")
SEARCH = reverse("cases:household_search")
LIST = reverse("cases:list")
QUEUE = reverse("cases:queue")
DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)


def jpeg(name="crack.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def intake(household, **data):
    """A coordination matter for `household` (a picker entry, or a Household), ready to post."""
    if not isinstance(household, str):
        household = f"{household.head_name} #{household.pk}"
    return {
        "household": household,
        "summary": "院墙开裂",
        "category": "dispute",
        "procedure": "coordination",
        "channel": "visit",
        **data,
    }


def errors(response, field):
    assert response.status_code == 200
    return " ".join(response.context["form"].errors.get(field, []))


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


# --- quick intake ----------------------------------------------------------------------------


def test_intake_by_the_pickers_entry(world, leader):
    household = world.households["g1b"]
    response = leader.post(CREATE, intake(f"{household.head_name} · {household.address} #{household.pk}"))

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert (case.household, case.group, case.grid) == (household, world.places["g1b"], world.places["G1"])
    assert (case.level, case.status) == (Level.GRID, Status.ACCEPTED)


def test_intake_by_the_head_of_households_name(world, leader):
    response = leader.post(CREATE, intake("户主g1b"))

    assert response.status_code == 302
    assert Case.objects.get().household == world.households["g1b"]


def test_a_general_matter_is_registered_closed_with_its_result(world, leader):
    response = leader.post(CREATE, intake("户主g1b", procedure="general", result="当场调解"))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.CLOSED and case.events.get().note == "当场调解"


def test_a_general_matter_without_a_result_is_refused(world, leader):
    response = leader.post(CREATE, intake("户主g1b", procedure="general", result=" "))

    assert "how the matter was handled" in errors(response, "result")
    assert not Case.objects.exists()


def test_an_ambiguous_name_asks_to_pick_one(world, leader):
    twin = factories.HouseholdFactory(group=world.places["g1a"], head_name="户主g1b")

    response = leader.post(CREATE, intake("户主g1b"))

    message = errors(response, "household")
    assert "Several households match" in message
    assert f"#{twin.pk}" in message and f"#{world.households['g1b'].pk}" in message
    assert not Case.objects.exists()


def test_an_unknown_name_is_refused(world, leader):
    response = leader.post(CREATE, intake("没有这个人"))

    assert "No household you can see matches" in errors(response, "household")
    assert "没有这个人" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("key", ["g2", "g3", "h1"])
def test_a_household_outside_ones_places_cannot_be_picked(world, leader, key):
    household = world.households[key]
    for entry in (f"{household.head_name} #{household.pk}", household.head_name, f"#{household.pk}"):
        response = leader.post(CREATE, intake(entry))
        assert "No household you can see matches" in errors(response, "household")
    assert not Case.objects.exists()


def test_intake_can_send_the_case_down_but_not_up(world, leader):
    down = leader.post(CREATE, intake("户主g1a", start_level=str(Level.REPRESENTATIVE.value)))
    assert down.status_code == 302
    case = Case.objects.get()
    assert (case.level, case.status) == (Level.REPRESENTATIVE, Status.OPEN)

    up = leader.post(CREATE, intake("户主g1b", start_level=str(Level.VILLAGE.value)))
    assert up.status_code == 200
    assert "not above" in " ".join(up.context["form"].non_field_errors())
    assert Case.objects.count() == 1


def test_a_volunteer_reports_a_matter_of_their_grid_without_a_household(world, login):
    client = login(world.users["volunteer"])
    response = client.post(CREATE, intake("户主g1a"))
    assert "No household you can see matches" in errors(response, "household")

    response = client.post(CREATE, intake("", grid=world.places["G1"].pk, location="村口桥"))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert (case.household, case.grid, case.level, case.status) == (None, world.places["G1"], Level.GRID, Status.OPEN)

    response = client.post(CREATE, intake("", grid=world.places["G2"].pk))
    assert errors(response, "grid")
    assert Case.objects.count() == 1


def test_the_same_intake_sent_twice_registers_one_case(world, leader):
    data = intake("户主g1b", submission=str(uuid.uuid4()))

    first = leader.post(CREATE, data)
    second = leader.post(CREATE, data)

    case = Case.objects.get()
    assert first.status_code == 302 and first.url == case.get_absolute_url()
    assert second.status_code == 302 and second.url == case.get_absolute_url()
    assert case.events.count() == 2  # created, accepted: once


def test_the_intake_page_carries_a_fresh_token(world, leader):
    tokens = [leader.get(CREATE).context["form"]["submission"].value() for _ in range(2)]
    assert all(tokens) and tokens[0] != tokens[1]


# --- photos and documents --------------------------------------------------------------------


def test_a_photo_is_re_encoded_and_attached(world, leader):
    response = leader.post(CREATE, intake("户主g1b", files=[jpeg("墙.jpg")]))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.name, attachment.case) == (Attachment.Kind.PHOTO, "墙.jpg", Case.objects.get())
    assert attachment.file.name.endswith(".jpg") and "墙" not in attachment.file.name
    assert attachment.file.read()[:2] == b"\xff\xd8"


def test_an_oversize_photo_is_refused(world, leader, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 200

    response = leader.post(CREATE, intake("户主g1b", files=[jpeg()]))

    assert "larger than" in errors(response, "files")
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(world, leader):
    text = SimpleUploadedFile("notes.jpg", b"just some text, not a picture", content_type="image/jpeg")

    response = leader.post(CREATE, intake("户主g1b", files=[text]))

    assert "not a picture" in errors(response, "files")
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_pdf_with_a_fake_header_is_refused(world, leader):
    fake = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")

    response = leader.post(CREATE, intake("户主g1b", files=[fake]))

    assert "not a PDF document" in errors(response, "files")
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_a_real_pdf_is_attached(world, leader):
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    pdf = SimpleUploadedFile("证明.pdf", content, content_type="application/pdf")

    response = leader.post(CREATE, intake("户主g1b", files=[pdf]))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.name) == (Attachment.Kind.DOCUMENT, "证明.pdf")
    assert attachment.file.read() == content
    served = leader.get(attachment.get_absolute_url())
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"


def test_too_many_files_are_refused(world, leader, settings):
    settings.CASE_MAX_FILES = 2

    response = leader.post(CREATE, intake("户主g1b", files=[jpeg("1.jpg"), jpeg("2.jpg"), jpeg("3.jpg")]))

    assert "at most 2 files" in errors(response, "files")
    assert not Case.objects.exists()


# --- the household picker's search -----------------------------------------------------------


def suggestions(client, term):
    response = client.get(SEARCH, {"q": term})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_the_household_search_offers_only_households_in_scope(world, login):
    h = world.households
    entry = {key: f"#{household.pk}" for key, household in h.items()}

    def found(persona):
        results = suggestions(login(world.users[persona]), "户主")
        return {key for key, tail in entry.items() if any(r.endswith(tail) for r in results)}

    assert found("leader") == {"g1a", "g1b", "g1a_other"}
    assert found("neighbour") == {"g2"}
    assert found("township") == {"g1a", "g1b", "g1a_other", "g2", "g3"}
    assert found("representative") == {"g1a"}
    assert found("volunteer") == set()
    assert found("department") == set()


def test_the_household_search_gives_the_pickers_entries(world, leader):
    household = world.households["g1b"]
    assert suggestions(leader, "户主g1b") == [f"户主g1b · {household.address} #{household.pk}"]
    assert suggestions(leader, "户主g2") == []
    assert suggestions(leader, "  ") == []


# --- "four must report" ----------------------------------------------------------------------


def newborn_id():
    return identity.make_id_number("350521", timezone.localdate() - datetime.timedelta(days=10), 7)


def test_a_birth_with_an_id_number_adds_the_child_and_a_closed_case(world, leader):
    household = world.households["g1b"]
    response = leader.post(
        reverse("cases:report_birth"),
        {"household": f"#{household.pk}", "name": "郑小宝", "id_number": newborn_id(), "relation": "child"},
    )

    assert response.status_code == 302 and response.url == household.get_absolute_url()
    child = Resident.objects.get(name="郑小宝")
    assert (child.household, child.status) == (household, Resident.Status.REGISTERED)
    case = Case.objects.get()
    assert (case.procedure, case.category, case.status, case.household) == (
        Procedure.GENERAL,
        Category.POPULATION,
        Status.CLOSED,
        household,
    )
    assert "郑小宝" in case.summary


def test_a_birth_without_an_id_number_opens_a_case_and_adds_nobody(world, leader):
    household = world.households["g1b"]
    residents = Resident.objects.count()

    response = leader.post(
        reverse("cases:report_birth"), {"household": f"#{household.pk}", "name": "郑小宝", "relation": "child"}
    )

    assert response.status_code == 302
    assert Resident.objects.count() == residents
    case = Case.objects.get()
    assert (case.procedure, case.category, case.household) == (Procedure.COORDINATION, Category.POPULATION, household)
    assert case.status in (Status.OPEN, Status.ACCEPTED)


def test_the_same_birth_report_sent_twice_opens_one_case(world, leader):
    household = world.households["g1b"]
    data = {"household": f"#{household.pk}", "name": "郑小宝", "relation": "child", "submission": str(uuid.uuid4())}

    first = leader.post(reverse("cases:report_birth"), data)
    second = leader.post(reverse("cases:report_birth"), data)

    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1


def test_a_migrant_joins_the_household_as_floating(world, leader):
    household = world.households["g1a"]
    response = leader.post(
        reverse("cases:report_migrant"),
        {
            "household": f"#{household.pk}",
            "name": "外来工",
            "id_number": factories.next_id_number(),
            "phone": "",
            "relation": "other",
            "origin": "江西赣州",
            "arrived_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    migrant = Resident.objects.get(name="外来工")
    assert (migrant.household, migrant.status) == (household, Resident.Status.FLOATING)
    case = Case.objects.get()
    assert (case.category, case.status) == (Category.MIGRANT, Status.CLOSED)
    assert "江西赣州" in case.summary


def test_a_refused_resident_leaves_no_case(world, leader):
    household = world.households["g1b"]
    residents = Resident.objects.count()

    response = leader.post(
        reverse("cases:report_birth"),
        {"household": f"#{household.pk}", "name": "郑小宝", "id_number": "350521201501019999", "relation": "child"},
    )

    assert errors(response, "id_number")
    assert not Case.objects.exists()
    assert Resident.objects.count() == residents


def test_a_migrant_already_registered_elsewhere_leaves_no_case(world, leader):
    response = leader.post(
        reverse("cases:report_migrant"),
        {
            "household": f"#{world.households['g1a'].pk}",
            "name": "外来工",
            "id_number": world.residents["g3"].id_number,
            "relation": "other",
            "origin": "江西",
            "arrived_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200 and response.context["form"].errors
    assert not Case.objects.exists()
    assert not Resident.objects.filter(name="外来工").exists()


# --- the deadline table ----------------------------------------------------------------------


def deadline_form(client, township):
    response = client.get(reverse("cases:deadlines", args=[township.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_the_township_saves_its_deadlines_in_hours(world, login):
    client = login(world.users["township"])
    t1 = world.places["t1"]
    data = deadline_form(client, t1)
    assert (data["coordination_2_warn"], data["coordination_2_due"]) == (48, 72)
    assert (data["emergency_4_warn"], data["emergency_4_due"]) == (0.5, 1)

    response = client.post(
        reverse("cases:deadlines", args=[t1.pk]), {**data, "coordination_2_warn": "5", "coordination_2_due": "10.5"}
    )

    assert response.status_code == 302
    row = Deadline.objects.get(township=t1, procedure=Procedure.COORDINATION, level=Level.GRID)
    assert (row.warn_after, row.due_after) == (5 * HOUR, 10.5 * HOUR)
    assert services.deadlines(t1.pk)[Procedure.EMERGENCY][Level.TOWNSHIP] == (HOUR / 2, HOUR)
    assert deadline_form(client, t1)["coordination_2_due"] == 10.5
    # the next case at a grid of this township runs on the new table
    case = services.open_case(
        actor=world.users["leader"],
        case=Case(household=world.households["g1a"], procedure="coordination", category="dispute", summary="x"),
    )
    assert case.due_at - case.arrived_at == 10.5 * HOUR


def test_a_warning_after_the_limit_is_refused_with_a_form_error(world, login):
    client = login(world.users["township"])
    t1 = world.places["t1"]
    data = deadline_form(client, t1)

    response = client.post(
        reverse("cases:deadlines", args=[t1.pk]), {**data, "coordination_2_warn": "20", "coordination_2_due": "10"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["coordination_2_warn"]
    assert "before the limit" in response.content.decode()
    assert not Deadline.objects.exists()


def test_only_the_townships_own_staff_open_its_deadlines(world, login):
    url = reverse("cases:deadlines", args=[world.places["t1"].pk])
    assert login(world.users["leader"]).get(url).status_code == 403
    assert login(world.users["other_township"]).get(url).status_code == 404
    assert login(world.users["other_township"]).post(url, {}).status_code == 404
    assert not Deadline.objects.exists()


# --- the lists -------------------------------------------------------------------------------


def make_cases(world, count, *, household="g1a", reporter="leader", procedure=Procedure.COORDINATION, due_in=DAY):
    """`count` cases in hand at the grid, written directly (fast); `due_in` may be negative."""
    now = timezone.now()
    household = world.households[household]
    cases = [
        Case(
            township_id=household.township_id,
            village_id=household.village_id,
            grid_id=household.grid_id,
            group_id=household.group_id,
            household=household if n % 2 else None,
            procedure=procedure,
            category=Category.DISPUTE,
            summary=f"{household.head_name} 事件 {n}",
            reported_by=world.users[reporter],
            assignee=world.users[reporter] if n % 3 else None,
            level=Level.GRID,
            status=Status.ACCEPTED,
            arrived_at=now - DAY,
            warn_at=now + due_in - HOUR,
            due_at=now + due_in,
        )
        for n in range(count)
    ]
    return Case.objects.bulk_create(cases)


def listed(response):
    assert response.status_code == 200
    return {row.record.pk for row in response.context["table"].page.object_list}


def test_the_list_filters_keep_to_visible_cases(world, leader, login):
    overdue = make_cases(world, 2, due_in=-HOUR)
    on_time = make_cases(world, 1, household="g1b")
    emergency = make_cases(world, 1, procedure=Procedure.EMERGENCY)
    hidden = make_cases(world, 2, household="g2", reporter="neighbour", due_in=-HOUR)
    hidden += make_cases(world, 1, household="g3", reporter="township", procedure=Procedure.EMERGENCY)
    ids = lambda cases: {c.pk for c in cases}  # noqa: E731

    assert listed(leader.get(LIST)) == ids(overdue + on_time + emergency)
    assert listed(leader.get(LIST, {"urgency": "red"})) == ids(overdue)
    assert listed(leader.get(LIST, {"procedure": "emergency"})) == ids(emergency)
    assert listed(leader.get(LIST, {"village": world.places["v1"].pk})) == ids(overdue + on_time + emergency)
    assert listed(leader.get(LIST, {"village": world.places["v2"].pk})) == set()  # not a choice of theirs

    township = login(world.users["township"])
    assert listed(township.get(LIST, {"urgency": "red"})) == ids(overdue + hidden[:2])
    assert listed(township.get(LIST, {"village": world.places["v2"].pk})) == ids(hidden[2:])
    assert listed(township.get(LIST, {"procedure": "emergency", "village": world.places["v1"].pk})) == ids(emergency)


def test_the_export_holds_only_visible_cases(world, leader):
    mine = make_cases(world, 3)
    others = make_cases(world, 2, household="g2", reporter="neighbour")

    response = leader.get(LIST, {"_export": "xlsx"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Number", "Summary", "Category", "Procedure")
    summaries = {row[header.index("Summary")] for row in rows[1:]}
    assert summaries == {c.summary for c in mine}
    assert not summaries & {c.summary for c in others}
    first = next(row for row in rows[1:] if row[header.index("Summary")] == mine[1].summary)
    assert first[header.index("Household")] == "户主g1a"
    leader_user = world.users["leader"]
    assert first[header.index("Responsible person")] == (leader_user.get_full_name() or leader_user.get_username())
    assert first[header.index("Held at")] == "Grid"


def test_the_filtered_export_is_filtered(world, leader):
    overdue = make_cases(world, 2, due_in=-HOUR)
    make_cases(world, 3)

    response = leader.get(LIST, {"_export": "xlsx", "urgency": "red"})

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[1] for row in rows[1:]} == {c.summary for c in overdue}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [LIST, QUEUE, LIST + "?urgency=red", LIST + "?_export=xlsx"])
def test_a_list_costs_the_same_queries_at_five_and_at_fifty_cases(world, leader, url):
    make_cases(world, 5, due_in=-HOUR)
    small = count_queries(leader, url)
    make_cases(world, 45, household="g1b", due_in=-HOUR)
    assert Case.objects.for_user(world.users["leader"]).count() == 50

    large = count_queries(leader, url)

    assert large == small, f"{url}: {small} queries with 5 cases, {large} with 50"
