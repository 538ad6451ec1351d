"""The record of bulletins printed and the township's list of boards: marking a board as printed
records what it showed (the same printing twice is recorded once; only those who answer for the
grid may; a preview or a PDF records nothing), a print of a page that no longer matches the
registry records nothing, and the list says which boards were never printed, which are up to date
and which are out of date, and what changed on them."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from publicity import content, services
from publicity.models import BulletinPrint, PrintSettings
from tests import factories
from villages.models import Post

Role = Post.Role
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def bulletin_pdf(client, grid, size="A3"):
    response = client.get(reverse("publicity:bulletin_pdf", args=[grid.pk]), {"size": size})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def printed(client, grid, fingerprint, size="A4"):
    return client.post(
        reverse("publicity:bulletin_printed", args=[grid.pk]),
        {"size": size, "fingerprint": fingerprint},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def fingerprint_on_page(client, grid, size="A4"):
    """The fingerprint the bulletin page's print form carries, as the browser would send it."""
    response = client.get(reverse("publicity:bulletin", args=[grid.pk]), {"size": size})
    form = response.context["printed_form"]
    html = response.content.decode()
    fingerprint = form.initial["fingerprint"]
    assert f'name="fingerprint" value="{fingerprint}"' in html
    return fingerprint


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------------------------------------
# Recording a print.


def test_neither_the_page_nor_its_pdf_records_a_print(world, login):
    """A print preview or a PDF downloaded to look at is not a board on the wall."""
    client = login(world.users["leader"])
    assert client.get(reverse("publicity:bulletin", args=[world.places["G1"].pk])).status_code == 200
    bulletin_pdf(client, world.places["G1"], "A4")
    assert not BulletinPrint.objects.exists()


def test_marking_as_printed_records_what_the_board_showed(world, login):
    grid, user = world.places["G1"], world.users["leader"]
    client = login(user)
    printed(client, grid, fingerprint_on_page(client, grid, "A3"), "A3")

    record = BulletinPrint.objects.get()
    board = content.board(grid)
    assert (record.grid, record.size, record.printed_by) == (grid, "A3", user)
    assert record.shown == board.shown
    assert record.fingerprint == board.fingerprint == content.fingerprint(record.shown)
    assert ["郑章木", world.cadres["leader"].phone, "", ""] in record.shown["leaders"]


def test_marking_twice_within_two_minutes_is_the_same_printing(world, login):
    grid = world.places["G1"]
    client = login(world.users["leader"])
    fingerprint = fingerprint_on_page(client, grid)
    printed(client, grid, fingerprint)
    printed(client, grid, fingerprint)
    assert BulletinPrint.objects.count() == 1

    BulletinPrint.objects.update(printed_at=timezone.now() - services.SAME_PRINTING - datetime.timedelta(seconds=5))
    printed(client, grid, fingerprint)
    assert BulletinPrint.objects.count() == 2


def test_another_paper_or_another_person_is_another_printing(world, login):
    grid = world.places["G1"]
    for user, size in (("leader", "A3"), ("leader", "A4"), ("township", "A4")):
        client = login(world.users[user])
        printed(client, grid, fingerprint_on_page(client, grid, size), size)
    assert sorted(BulletinPrint.objects.values_list("size", "printed_by__username")) == [
        ("A3", "leader"),
        ("A4", "leader"),
        ("A4", "township"),
    ]


def test_only_those_who_answer_for_the_grid_record_its_printing(world, login):
    """A villager representative sees the grid's bulletin but does not say it is on the wall."""
    grid = world.places["G1"]
    client = login(world.users["representative"])
    page = client.get(reverse("publicity:bulletin", args=[grid.pk]))
    assert page.status_code == 200
    assert "data-record-print" not in page.content.decode()
    assert printed(client, grid, content.board(grid).fingerprint).status_code == 403
    assert not BulletinPrint.objects.exists()


def test_the_browsers_print_is_recorded_with_the_pages_fingerprint(world, login):
    grid, user = world.places["G1"], world.users["member"]
    client = login(user)
    fingerprint = fingerprint_on_page(client, grid)

    response = printed(client, grid, fingerprint)

    assert response.status_code == 302
    assert response.url == reverse("publicity:bulletin", args=[grid.pk]) + "?size=A4"
    record = BulletinPrint.objects.get()
    assert (record.size, record.printed_by, record.fingerprint) == ("A4", user, fingerprint)
    assert record.shown == content.board(grid).shown
    assert texts(response) == ["Recorded: this grid's bulletin was printed today."]
    assert printed(client, grid, fingerprint).status_code == 302  # the print dialog opened twice
    assert BulletinPrint.objects.count() == 1


def test_a_print_of_a_page_that_no_longer_matches_records_nothing(world, login):
    grid = world.places["G1"]
    client = login(world.users["leader"])
    fingerprint = fingerprint_on_page(client, grid)
    member = world.cadres["member"]
    member.phone = "13900009999"  # changed by the township while the page was open
    member.save()

    response = printed(client, grid, fingerprint)

    assert response.status_code == 302
    assert response.url == reverse("publicity:bulletin", args=[grid.pk]) + "?size=A4"
    assert not BulletinPrint.objects.exists()
    assert texts(response) == ["The bulletin changed after the page was opened; print it again from this page."]
    shown = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "13900009999" in shown  # the page to print again shows the new phone


@pytest.mark.parametrize("data", [{"size": "A5", "fingerprint": "x"}, {"size": "A4"}, {}])
def test_a_malformed_print_notice_records_nothing_and_says_so(world, login, data):
    response = login(world.users["leader"]).post(
        reverse("publicity:bulletin_printed", args=[world.places["G1"].pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert not BulletinPrint.objects.exists()
    assert texts(response) == ["Nothing was recorded: the page was incomplete. Reload it and try again."]


def test_the_print_notice_answers_only_post(world, login):
    response = login(world.users["leader"]).get(reverse("publicity:bulletin_printed", args=[world.places["G1"].pk]))
    assert response.status_code == 405


def test_the_page_says_when_the_board_on_the_wall_is_out_of_date(world, login):
    grid = world.places["G1"]
    client = login(world.users["leader"])
    url = reverse("publicity:bulletin", args=[grid.pk])
    assert "Never printed." in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    printed(client, grid, fingerprint_on_page(client, grid))
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last printed" in html and "out of date" not in html
    PrintSettings.objects.update(service_promise="新的服务承诺")
    assert "The board on the wall is out of date." in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


# ---------------------------------------------------------------------------------------------
# The township's list of boards.


def boards(client, township, **params):
    response = client.get(reverse("publicity:boards", args=[township.pk]), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def states(response):
    """{grid: None (never printed) | [] (up to date) | [what changed]} of the listed boards."""
    return {str(row.grid): row.changed for row in response.context["rows"]}


@pytest.fixture
def walls(world):
    """G1 and G2 printed by the township centre as they are now; G3 never printed."""
    township = world.users["township"]
    for key in ("G1", "G2"):
        services.record_print(content.board(world.places[key]), "A3", township)
    return world


def test_a_township_lists_its_boards_never_printed_and_up_to_date(walls, login):
    response = boards(login(walls.users["township"]), walls.places["t1"])
    assert states(response) == {"郑荣村 第一网格": [], "郑荣村 第二网格": [], "跃进村 第一网格": None}
    html = response.content.decode()
    assert html.count("Up to date") == 2 and html.count("Never printed") == 1
    assert "1 of 3 boards needs printing again." in html


def test_a_new_grid_leader_puts_the_board_out_of_date(walls, login):
    Post.objects.filter(cadre=walls.cadres["leader"], role=Role.GRID_LEADER).update(ended_on=YESTERDAY)
    factories.post(
        factories.CadreFactory(township=walls.places["t1"], name="郑新官"), Role.GRID_LEADER, grid=walls.places["G1"]
    )

    response = boards(login(walls.users["township"]), walls.places["t1"])

    assert states(response) == {"郑荣村 第一网格": ["grid leader"], "郑荣村 第二网格": [], "跃进村 第一网格": None}
    html = response.content.decode()
    assert "Changed: grid leader" in html and "郑新官" in html
    assert "2 of 3 boards need printing again." in html


def test_a_members_new_phone_is_a_change_of_the_grid_members(walls, login):
    member = walls.cadres["member"]
    member.phone = "13900001111"
    member.save()
    assert states(boards(login(walls.users["township"]), walls.places["t1"]))["郑荣村 第一网格"] == ["grid members"]


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ("promise", "service promise"),
        ("supervision", "supervision phone"),
        ("duties", "grid leader"),
        ("village_cadre", "responsible village cadre"),
        ("resident_cadre", "resident township cadre"),
        ("group_name", "villager groups"),
        ("volunteer", "volunteers"),
    ],
)
def test_what_changed_is_named(walls, login, change, label):
    w = walls
    if change == "promise":
        PrintSettings.objects.update(service_promise="新的服务承诺")
    elif change == "supervision":
        w.places["t1"].supervision_phone = "0595-22881199"
        w.places["t1"].save()
    elif change == "duties":
        w.cadres["leader"].duties = "新的职责"
        w.cadres["leader"].save()
    elif change == "village_cadre":
        cadre = factories.CadreFactory(township=w.places["t1"], name="郑委员")
        factories.post(cadre, Role.COMMITTEE_MEMBER, village=w.places["v1"])
        w.places["G1"].village_cadre = cadre
        w.places["G1"].save()
    elif change == "resident_cadre":
        w.cadres["resident_cadre"].phone = "13900002222"
        w.cadres["resident_cadre"].save()
    elif change == "group_name":
        w.places["g1b"].name = "第2组（新村）"
        w.places["g1b"].save()
    elif change == "volunteer":
        Post.objects.filter(cadre=w.cadres["volunteer"]).update(ended_on=YESTERDAY)

    changed = states(boards(login(w.users["township"]), w.places["t1"]))
    assert label in changed["郑荣村 第一网格"]
    if change in ("promise", "supervision"):  # the township's own: every board printed
        assert changed["郑荣村 第二网格"] == [label]
    if change in ("duties", "group_name", "volunteer"):
        assert changed["郑荣村 第二网格"] == []


def test_show_stale_lists_only_the_boards_to_print_again(walls, login):
    member = walls.cadres["member"]
    member.phone = "13900001111"
    member.save()
    client = login(walls.users["township"])

    response = boards(client, walls.places["t1"], show="stale")

    assert states(response) == {"郑荣村 第一网格": ["grid members"], "跃进村 第一网格": None}
    html = response.content.decode()
    assert "Show all" in html and "第二网格" not in html
    assert set(states(boards(client, walls.places["t1"]))) == {"郑荣村 第一网格", "郑荣村 第二网格", "跃进村 第一网格"}


def test_more_households_do_not_make_a_board_stale(walls, login):
    for _ in range(5):
        household = factories.HouseholdFactory(group=walls.places["g2"])
        factories.ResidentFactory(household=household)
    factories.HouseholdFactory(group=walls.places["g1a"])

    response = boards(login(walls.users["township"]), walls.places["t1"])

    assert states(response)["郑荣村 第二网格"] == []
    assert states(response)["郑荣村 第一网格"] == []
    board = content.board(walls.places["G2"])
    assert board.household_count == 6 and board.people_count == 6  # printed, but not what makes it stale


def test_a_reprint_brings_the_board_up_to_date(walls, login):
    member = walls.cadres["member"]
    member.phone = "13900001111"
    member.save()
    client = login(walls.users["township"])
    assert states(boards(client, walls.places["t1"]))["郑荣村 第一网格"] == ["grid members"]

    printed(client, walls.places["G1"], fingerprint_on_page(client, walls.places["G1"]))

    assert states(boards(client, walls.places["t1"]))["郑荣村 第一网格"] == []


def test_each_sees_the_boards_of_the_grids_they_see(walls, login):
    t1 = walls.places["t1"]
    assert set(states(boards(login(walls.users["leader"]), t1))) == {"郑荣村 第一网格"}
    assert set(states(boards(login(walls.users["village"]), t1))) == {"郑荣村 第一网格", "郑荣村 第二网格"}
    assert set(states(boards(login(walls.users["representative"]), t1))) == {"郑荣村 第一网格"}


def test_only_those_who_manage_the_township_are_offered_the_wording(walls, login):
    url = reverse("publicity:wording", args=[walls.places["t1"].pk])
    assert url in boards(login(walls.users["township"]), walls.places["t1"]).content.decode()
    assert url not in boards(login(walls.users["village"]), walls.places["t1"]).content.decode()
