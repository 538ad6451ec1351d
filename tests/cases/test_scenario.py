"""The issue's own check, through the pages: a grid leader files a coordination case for a household,
the village accepts it and dispatches it to a department, the department officer resolves it, the
grid leader records the resident's satisfaction, and the case closes with a complete timeline. The
leader of another grid gets 404 on the case and on its photo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import Case, CaseEvent, Notification
from cases.workflow import Level, Status


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="JPEG")
    return SimpleUploadedFile("crack.jpg", out.getvalue(), content_type="image/jpeg")


def step(client, case, name, **data):
    case.refresh_from_db()
    return client.post(reverse("cases:step", args=[case.pk, name]), {"version": case.version, **data})


@pytest.mark.django_db(transaction=True)
def test_coordination_case_from_grid_to_department_and_back(world, client):
    household = world.households["g1a"]
    client.force_login(world.users["leader"])
    response = client.post(
        reverse("cases:create"),
        {
            "household": f"{household.head_name} #{household.pk}",
            "summary": "院墙开裂，邻居纠纷",
            "category": "dispute",
            "procedure": "coordination",
            "channel": "visit",
            "files": [jpeg()],
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert (case.level, case.status, case.assignee) == (Level.GRID, Status.ACCEPTED, world.users["leader"])
    photo = case.attachments.get()

    assert step(client, case, "escalate", note="需要村委会协调").status_code == 302
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.VILLAGE, Status.OPEN)
    assert Notification.objects.filter(recipient=world.users["village"], event__case=case).exists()

    client.force_login(world.users["village"])
    step(client, case, "accept")
    step(client, case, "dispatch", note="请民政办处理", department="民政办")
    case.refresh_from_db()
    assert (case.level, case.status, case.department) == (Level.DEPARTMENT, Status.OPEN, "民政办")

    client.force_login(world.users["department"])
    assert client.get(reverse("cases:inbox")).content.decode().count(case.summary) == 1
    step(client, case, "accept")
    step(client, case, "resolve", note="已修复院墙")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED

    client.force_login(world.users["leader"])
    step(client, case, "confirm_satisfied")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.satisfied is True
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "attachment",
        "accept",
        "escalate",
        "accept",
        "dispatch",
        "accept",
        "resolve",
        "confirm_satisfied",
    ] or kinds == [
        "created",
        "accept",
        "attachment",
        "escalate",
        "accept",
        "dispatch",
        "accept",
        "resolve",
        "confirm_satisfied",
    ]
    page = client.get(case.get_absolute_url()).content.decode()
    assert "已修复院墙" in page and "民政办" in page

    client.force_login(world.users["neighbour"])
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(photo.get_absolute_url()).status_code == 404
    client.force_login(world.users["member"])
    assert client.get(photo.get_absolute_url()).status_code == 200


def test_illegal_step_is_refused_with_a_message_and_changes_nothing(world, client):
    client.force_login(world.users["leader"])
    household = world.households["g1a"]
    client.post(
        reverse("cases:create"),
        {
            "household": f"#{household.pk}",
            "summary": "路灯坏了",
            "category": "infrastructure",
            "procedure": "coordination",
            "channel": "patrol",
        },
    )
    case = Case.objects.get()
    before = case.events.count()
    response = step(client, case, "confirm_satisfied")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.events.count() == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("not possible" in m for m in messages)
    assert CaseEvent.objects.count() == before
