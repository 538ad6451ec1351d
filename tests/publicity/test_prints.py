"""The prints as their readers see them: the grid bulletin names who answers for the grid, a contact
card for every household one sees (ten to a sheet, a QR code of the grid leader, the township's
emergency numbers), a letter per household from the township's wording (whose form refuses what it
could not fill in), the three-level public notice of an approval matter, the pages in Chinese — and
no print ever shows a resident's ID number or the household's own phone."""

import base64
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from cases import services as case_services
from cases.models import Case
from publicity import content, qr
from publicity.models import PrintSettings
from tests import factories
from tests.test_access_matrix import pdf_text
from villages import identity
from villages.models import Post

Role = Post.Role
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def page(client, name, *args, status=200, **params):
    response = client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status, (name, args, response.status_code)
    return response


def count(html, css_class):
    """How many elements carry `css_class` (a class attribute's word, not a prefix of another)."""
    return len(re.findall(rf'class="(?:[^"]* )?{re.escape(css_class)}(?: [^"]*)?"', html))


@pytest.fixture
def duties(world):
    """t1 with a supervision phone; the grid leader with duties; a wording of the township's own."""
    t1 = world.places["t1"]
    t1.supervision_phone = "0595-22881100"
    t1.save()
    leader = world.cadres["leader"]
    leader.duties = "负责本网格巡查、走访和矛盾调处"
    leader.save()
    wording = content.print_settings(t1)
    wording.service_promise = "群众反映的问题当天回应，小事不出组。"
    wording.emergency_numbers = "派出所 110\n消防 119\n镇卫生院 0595-22880120"
    wording.save()
    return world


# ---------------------------------------------------------------------------------------------
# The grid bulletin.


def test_the_bulletin_names_who_answers_for_the_grid(duties, login):
    w = duties
    client = login(w.users["leader"])
    response = page(client, "publicity:bulletin", w.places["G1"].pk)
    html = response.content.decode()
    board = response.context["board"]

    assert [p.name for p in board.leaders] == ["郑章木"]
    assert [p.name for p in board.members] == ["郑忠兴"]
    assert [p.name for p in board.volunteers] == ["志愿者"]
    assert board.village_cadre.name == "郑书记"  # no responsible village cadre chosen: the party secretary
    assert [p.name for p in board.resident_cadres] == ["刘惠明"]  # groups 1–1 lie in this grid
    assert [g.name for g in board.groups] == ["第1组", "第2组"]
    c = w.cadres
    for key in ("leader", "member", "village", "resident_cadre"):
        assert c[key].name in html and c[key].phone in html, key
    assert "负责本网格巡查、走访和矛盾调处" in html  # the leader's duties
    assert "群众反映的问题当天回应，小事不出组。" in html  # the township's service promise
    assert "0595-22881100" in html  # the supervision phone
    people = html.split('class="map-box"')[0]  # the network diagram below names every grid's leader
    assert c["neighbour"].name not in people and c["neighbour"].phone not in people  # the other grid's leader


def test_the_grids_own_village_cadre_stands_in_for_the_secretary(duties, login):
    w = duties
    cadre = factories.CadreFactory(township=w.places["t1"], name="郑委员")
    factories.post(cadre, Role.COMMITTEE_MEMBER, village=w.places["v1"])
    grid = w.places["G1"]
    grid.village_cadre = cadre
    grid.save()

    response = page(login(w.users["leader"]), "publicity:bulletin", grid.pk)

    assert response.context["board"].village_cadre.name == "郑委员"
    assert cadre.phone in response.content.decode()
    # the other grid keeps the secretary
    assert content.board(w.places["G2"]).village_cadre.name == "郑书记"


def test_the_resident_cadre_is_the_one_whose_groups_lie_in_the_grid(duties, login):
    w = duties
    other = factories.CadreFactory(township=w.places["t1"], name="刘俊辉")
    factories.post(other, Role.RESIDENT_CADRE, village=w.places["v1"], first_group=3, last_group=3)

    assert [p.name for p in content.board(w.places["G1"]).resident_cadres] == ["刘惠明"]
    assert [p.name for p in content.board(w.places["G2"]).resident_cadres] == ["刘俊辉"]  # group 3 is G2's
    html = page(login(w.users["township"]), "publicity:bulletin", w.places["G2"].pk).content.decode()
    assert "刘俊辉" in html and other.phone in html


def test_every_resident_cadre_of_the_grid_s_groups_is_on_its_board(duties, login):
    w = duties
    second = factories.CadreFactory(township=w.places["t1"], name="刘俊辉")
    factories.post(second, Role.RESIDENT_CADRE, village=w.places["v1"], first_group=2, last_group=2)
    board = content.board(w.places["G1"])
    assert [p.name for p in board.resident_cadres] == ["刘惠明", "刘俊辉"]
    html = page(login(w.users["township"]), "publicity:bulletin", w.places["G1"].pk).content.decode()
    assert "刘惠明" in html and "刘俊辉" in html and second.phone in html


@pytest.mark.parametrize(("asked", "size"), [(None, "A3"), ("A3", "A3"), ("A4", "A4"), ("A5", "A3"), ("a4", "A4")])
def test_the_bulletin_is_a3_or_a4_in_either_case_and_anything_else_is_a3(world, login, asked, size):
    params = {"size": asked} if asked else {}
    response = page(login(world.users["leader"]), "publicity:bulletin", world.places["G1"].pk, **params)
    html = response.content.decode()
    assert response.context["size"] == size
    assert f"sheet-{size.lower()}" in html and f"paper-{size}" in html
    other = "A4" if size == "A3" else "A3"
    assert f"paper-{other}" not in html
    assert f"bulletin.pdf?size={size}" in html  # the PDF link keeps the paper


def test_a_new_grid_leader_is_on_the_next_bulletin(world, login):
    grid = world.places["G1"]
    client = login(world.users["township"])
    assert "郑章木" in page(client, "publicity:bulletin", grid.pk).content.decode()

    Post.objects.filter(cadre=world.cadres["leader"], role=Role.GRID_LEADER).update(ended_on=YESTERDAY)
    successor = factories.CadreFactory(township=world.places["t1"], name="郑新官")
    factories.post(successor, Role.GRID_LEADER, grid=grid)

    response = page(client, "publicity:bulletin", grid.pk)
    assert [p.name for p in response.context["board"].leaders] == ["郑新官"]
    html = response.content.decode()
    assert successor.phone in html
    assert world.cadres["leader"].phone not in html


# ---------------------------------------------------------------------------------------------
# Contact cards.


@pytest.mark.parametrize(
    ("persona", "scope", "key", "heads"),
    [
        ("leader", "grids", "G1", {"户主g1a", "户主g1b", "户主其他"}),
        ("leader", "groups", "g1b", {"户主g1b"}),
        ("leader", "villages", "v1", {"户主g1a", "户主g1b", "户主其他"}),  # only their grid of the village
        ("village", "villages", "v1", {"户主g1a", "户主g1b", "户主其他", "户主g2"}),
        ("township", "grids", "G3", {"户主g3"}),
        ("representative", "grids", "G1", {"户主g1a"}),  # their contact household only
        ("representative", "groups", "g1a", {"户主g1a"}),
        ("resident_cadre", "grids", "G1", {"户主g1a", "户主其他"}),  # group 1 only
    ],
)
def test_a_card_for_each_household_the_user_sees_there(world, login, persona, scope, key, heads):
    response = page(login(world.users[persona]), "publicity:cards", scope, world.places[key].pk)
    html = response.content.decode()
    assert {card.household.head_name for card in response.context["cards"]} == heads
    assert count(html, "contact-card") == len(heads)
    for other in {"户主g1a", "户主g1b", "户主其他", "户主g2", "户主g3", "户主h1"} - heads:
        assert other not in html


@pytest.mark.parametrize("name", ["publicity:cards", "publicity:letters"])
def test_the_print_of_one_household(world, login, name):
    response = login(world.users["leader"]).get(reverse(name, args=["households", world.households["g1a"].pk]))
    assert response.status_code == 200
    assert [card.household.head_name for card in response.context["cards"]] == ["户主g1a"]


def test_cards_come_ten_to_a_sheet(world, login):
    for _ in range(21):
        factories.HouseholdFactory(group=world.places["g1b"])
    response = page(login(world.users["leader"]), "publicity:cards", "grids", world.places["G1"].pk)
    html = response.content.decode()

    assert [len(sheet) for sheet in response.context["sheets"]] == [10, 10, 4]
    assert count(html, "sheet-cards") == 3
    assert count(html, "contact-card") == 24
    assert "24 cards,3 A4 sheets" in html or "24 cards, 3 A4 sheets" in html  # the spacing: see below
    for slot in range(10):  # each card in its own place on the sheet
        assert f"slot-{slot}" in html


def test_the_toolbar_counts_cards_and_sheets_in_words(world, login):
    for _ in range(21):
        factories.HouseholdFactory(group=world.places["g1b"])
    response = page(login(world.users["leader"]), "publicity:cards", "grids", world.places["G1"].pk)
    assert "24 cards, 3 A4 sheets; cut along the marks." in response.content.decode()


def test_a_representatives_cards_follow_their_contact_households(world, login):
    response = page(login(world.users["representative"]), "publicity:cards", "groups", world.places["g1a"].pk)
    assert count(response.content.decode(), "contact-card") == 1
    world.households["g1a"].contact_representative = None
    world.households["g1a"].save()
    factories.post(world.cadres["representative"], Role.REPRESENTATIVE, group=world.places["g1b"])
    world.households["g1b"].contact_representative = world.cadres["representative"]
    world.households["g1b"].save()
    response = page(login(world.users["representative"]), "publicity:cards", "grids", world.places["G1"].pk)
    assert [card.household.head_name for card in response.context["cards"]] == ["户主g1b"]


def test_the_qr_code_is_the_grid_leaders_vcard(world, login):
    household = world.households["g1a"]
    leader = content.cards(type(household).objects.filter(pk=household.pk))[0].leader
    with translation.override("en"):
        vcard = qr.vcard(leader, household)

    lines = vcard.splitlines()
    assert "BEGIN:VCARD" in lines and "END:VCARD" in lines
    assert "N:郑;章木" in lines  # family name first
    assert "FN:郑章木" in lines
    assert f"TEL;TYPE=CELL:{world.cadres['leader'].phone}" in lines
    assert "ORG:郑荣村第一网格" in lines
    assert "TITLE:Grid leader" in lines
    assert household.head_name not in vcard  # the grid leader's card, nothing of the household

    with translation.override("en"):
        uri = qr.vcard_uri(leader, household)
    assert uri.startswith("data:image/png;base64,")
    picture = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert picture.format == "PNG" and picture.width == picture.height >= 200  # 8 pixels a module

    response = page(login(world.users["leader"]), "publicity:cards", "grids", world.places["G1"].pk)
    assert uri in response.content.decode()
    assert {card.qr for card in response.context["cards"]} == {uri}  # one code for the grid's one leader


def test_a_grid_without_a_leader_prints_cards_without_a_code(world, login):
    Post.objects.filter(cadre=world.cadres["neighbour"]).update(ended_on=YESTERDAY)
    response = page(login(world.users["village"]), "publicity:cards", "grids", world.places["G2"].pk)
    (card,) = response.context["cards"]
    assert card.leader is None and card.qr is None
    assert "data:image/png" not in response.content.decode()


def test_the_emergency_numbers_are_the_townships(duties, login):
    response = page(login(duties.users["leader"]), "publicity:cards", "groups", duties.places["g1b"].pk)
    html = response.content.decode()
    assert response.context["cards"][0].emergency == [("派出所", "110"), ("消防", "119"), ("镇卫生院", "0595-22880120")]
    assert "镇卫生院 <b>0595-22880120</b>" in html


def test_the_default_emergency_numbers_carry_the_supervision_phone(world, login):
    t1 = world.places["t1"]
    t1.supervision_phone = "0595-22881100"
    t1.save()
    response = page(login(world.users["leader"]), "publicity:cards", "groups", world.places["g1b"].pk)
    assert response.context["cards"][0].emergency == [
        ("Police", "110"),
        ("Fire", "119"),
        ("Ambulance", "120"),
        ("Township supervision", "0595-22881100"),
    ]
    assert PrintSettings.objects.filter(township=t1).count() == 1


# ---------------------------------------------------------------------------------------------
# Letters and their wording.

LETTER = (
    "{head}同志：\n\n您家位于{address}，属{township}{village}{group}，{grid}网格长{grid_leader}，"
    "电话{grid_leader_phone}；包户干部{responsible_cadre}；联系代表{representative}；"
    "监督电话{supervision_phone}。\n\n{date}"
)


def test_each_letter_is_filled_in_for_its_household(duties, login):
    w = duties
    PrintSettings.objects.filter(township=w.places["t1"]).update(letter_body=LETTER, letter_title="致农户的一封信")
    response = page(login(w.users["leader"]), "publicity:letters", "groups", w.places["g1a"].pk)
    html = response.content.decode()
    letters = {card.household.head_name: card.paragraphs for card in response.context["cards"]}

    leader, rep = w.cadres["leader"], w.cadres["representative"]
    g1a = w.households["g1a"]
    assert letters["户主g1a"] == [
        "户主g1a同志：",
        f"您家位于{g1a.address}，属青山乡郑荣村第1组，第一网格网格长郑章木，电话{leader.phone}；"
        f"包户干部郑章木 {leader.phone}；联系代表郑代表 {rep.phone}；监督电话0595-22881100。",
        timezone.localdate().isoformat(),
    ]
    other = w.households["g1a_other"]
    assert letters["户主其他"][1].startswith(f"您家位于{other.address}，")
    assert "包户干部—；联系代表—；" in letters["户主其他"][1]  # nobody named: a dash
    assert count(html, "letter") == 2
    assert html.count("致农户的一封信") >= 2
    assert "{" not in html.split('<div class="sheet', 1)[1]  # every placeholder filled


def test_the_default_letter_fills_every_placeholder(world, login):
    response = page(login(world.users["village"]), "publicity:letters", "villages", world.places["v1"].pk)
    assert len(response.context["cards"]) == 4
    for card in response.context["cards"]:
        text = "\n".join(card.paragraphs)
        assert "{" not in text and "}" not in text
        assert card.household.head_name in text


def wording_data(**changes):
    data = {
        "service_promise": "当天回应。",
        "emergency_numbers": "派出所 110\n镇卫生院 0595-22880120",
        "letter_title": "一封信",
        "letter_body": "{head}同志：您的网格长是{grid_leader}。",
        "letter_signature": "青山乡人民政府",
    }
    return {**data, **changes}


def post_wording(world, **changes):
    client = world.client
    return client.post(
        reverse("publicity:wording", args=[world.places["t1"].pk]), wording_data(**changes), HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def staff(world, login):
    world.client = login(world.users["township"])
    return world


def test_the_wording_saves_and_a_second_post_makes_no_second_row(staff):
    response = post_wording(staff)
    assert response.status_code == 302
    assert response.url == reverse("publicity:boards", args=[staff.places["t1"].pk])
    assert post_wording(staff).status_code == 302
    (wording,) = PrintSettings.objects.all()
    assert (wording.township, wording.letter_title, wording.service_promise) == (
        staff.places["t1"],
        "一封信",
        "当天回应。",
    )
    assert wording.emergency_lines == [("派出所", "110"), ("镇卫生院", "0595-22880120")]
    page(staff.client, "publicity:wording", staff.places["t1"].pk)
    assert PrintSettings.objects.count() == 1


def test_the_wording_form_offers_the_townships_current_wording(staff):
    content.print_settings(staff.places["t1"])
    PrintSettings.objects.update(letter_title="旧标题")
    response = page(staff.client, "publicity:wording", staff.places["t1"].pk)
    assert response.context["form"].initial["letter_title"] == "旧标题"
    assert "{grid_leader_phone}" in response.content.decode()  # the placeholders are listed


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("{head}同志：您的身份证号是{id_number}。", ["{id_number}"]),
        ("{head} {phone} {foo} {head}", ["{foo}", "{phone}"]),
        ("{Head}同志", ["{Head}"]),
        ("{ head }", ["{ head }"]),
    ],
)
def test_unknown_placeholders_are_refused_by_name(staff, body, named):
    response = post_wording(staff, letter_body=body)
    assert response.status_code == 200
    errors = response.context["form"].errors["letter_body"]
    assert len(errors) == 1 and errors[0].startswith("Unknown placeholders: " + ", ".join(named) + ".")
    assert "{grid_leader}" in errors[0]  # and says which may be used
    assert not PrintSettings.objects.filter(letter_body=body).exists()


@pytest.mark.parametrize("body", ["{head同志", "head}同志", "{head}} 同志", "{{head}", "同志 {"])
def test_stray_braces_are_refused(staff, body):
    response = post_wording(staff, letter_body=body)
    assert response.status_code == 200
    assert response.context["form"].errors["letter_body"] == [
        "A brace is not closed: placeholders are written like {head}."
    ]


@pytest.mark.parametrize(
    ("numbers", "line"), [("派出所 110\n消防", "消防"), ("Police\n", "Police"), ("火警 一一九", "火警 一一九")]
)
def test_an_emergency_line_without_a_number_is_refused(staff, numbers, line):
    response = post_wording(staff, emergency_numbers=numbers)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["emergency_numbers"]
    assert f"“{line}” has no number at its end" in error
    assert not PrintSettings.objects.filter(emergency_numbers=numbers).exists()


def test_more_emergency_numbers_than_a_card_holds_are_refused(staff):
    numbers = "\n".join(f"电话{n} 0595-2288{n:04d}" for n in range(7))
    response = post_wording(staff, emergency_numbers=numbers)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["emergency_numbers"]
    assert error == "A contact card has room for 6 numbers; this has 7."


def test_a_letter_longer_than_a_page_is_refused(staff):
    response = post_wording(staff, letter_body="您好。" * 600)
    assert response.status_code == 200
    assert "letter_body" in response.context["form"].errors


def test_a_number_alone_is_an_emergency_line(staff):
    assert post_wording(staff, emergency_numbers="110\n\n镇政府 0595-22881100").status_code == 302
    assert PrintSettings.objects.get().emergency_lines == [("", "110"), ("镇政府", "0595-22881100")]


# ---------------------------------------------------------------------------------------------
# The public notice of an approval matter.


def approval(world, publish=True):
    """An approval matter about the g1a household, decided by 民政办 and (by default) in its notice."""
    u = world.users
    case = case_services.open_case(
        actor=u["leader"],
        case=Case(summary="低保申请", category="dispute", procedure="approval", household=world.households["g1a"]),
    )

    def step(actor, name, **kw):
        case.refresh_from_db()
        case_services.transition(actor=u[actor], case=case, name=name, version=case.version, **kw)

    step("leader", "submit_for_verification")
    step("village", "accept")
    step("village", "verify_and_submit", department="民政办")
    step("department", "accept")
    step("department", "decide", note="同意纳入低保")
    if publish:
        step("department", "publish_notice")
    case.refresh_from_db()
    return case


def test_the_notice_has_one_sheet_for_each_board(world, login):
    t1 = world.places["t1"]
    t1.supervision_phone = "0595-22881100"
    t1.save()
    case = approval(world)
    response = page(login(world.users["village"]), "publicity:notice", case.pk)
    html = response.content.decode()

    assert count(html, "notice") == 3
    assert response.context["boards"] == [
        "Villager group notice board: 郑荣村 第1组",
        "Village notice board: 郑荣村",
        "Township notice board: 青山乡",
    ]
    assert case.reference in html and "低保申请" in html and "户主g1a" in html
    assert "Village committee: 郑书记, " + world.cadres["village"].phone in html
    assert "0595-22881100" in html
    starts, ends = response.context["starts"], response.context["ends"]
    assert starts.date() <= timezone.localdate() < ends.date()
    assert f"{starts:%Y-%m-%d} — {ends:%Y-%m-%d}" in html


def test_the_notice_names_the_village_committee_s_director_before_the_secretary(world, login):
    director = factories.CadreFactory(township=world.places["t1"], name="郑主任")
    factories.post(director, Role.VILLAGE_DIRECTOR, village=world.places["v1"])
    html = page(login(world.users["village"]), "publicity:notice", approval(world).pk).content.decode()
    assert "Village committee: 郑主任, " + director.phone in html
    assert "Village committee: 郑书记" not in html


def test_an_id_number_typed_into_a_notice_is_masked_on_every_board(world, login):
    number = identity.make_id_number(REGION, BIRTH, 7)
    case = approval(world)
    Case.objects.filter(pk=case.pk).update(summary=f"低保申请 {number}", decision=f"同意（身份证 {number}）")
    html = page(login(world.users["village"]), "publicity:notice", case.pk).content.decode()
    assert number not in html
    assert html.count(identity.mask_id_number(number)) == 2 * 3  # the matter and the decision, on three boards


def test_only_an_approval_in_its_notice_has_a_notice(world, login):
    client = login(world.users["township"])
    undecided = approval(world, publish=False)
    coordination = case_services.open_case(
        actor=world.users["leader"],
        case=Case(summary="邻里纠纷", category="dispute", procedure="coordination", household=world.households["g1a"]),
    )
    for case in (undecided, coordination):
        page(client, "publicity:notice", case.pk, status=404)
        page(client, "publicity:notice_pdf", case.pk, status=404)


# ---------------------------------------------------------------------------------------------
# In Chinese.


@pytest.mark.parametrize(
    ("name", "scope", "expect", "english"),
    [
        ("publicity:bulletin", None, ["网格公示牌", "服务承诺"], ["Grid bulletin", "Our service promise"]),
        ("publicity:cards", "grids", ["网格长服务联系卡", "您的网格长"], ["Your grid leader", "Download PDF"]),
        ("publicity:letters", "grids", ["您的网格长"], ["Your grid leader", "Download PDF"]),
        ("publicity:network", None, [], ["Download PDF", "Grid network diagram"]),
        ("publicity:boards", None, [], ["Grid bulletins", "Never printed"]),
    ],
)
def test_the_prints_are_in_chinese(world, login, name, scope, expect, english):
    place = {"publicity:network": "v1", "publicity:boards": "t1"}.get(name, "G1")
    args = [scope, world.places[place].pk] if scope else [world.places[place].pk]
    response = login(world.users["township"]).get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans"' in html
    for text in expect:
        assert text in html, text
    for text in english:
        assert f">{text}<" not in html and f"> {text}" not in html, text


def test_the_notice_is_in_chinese(world, login):
    case = approval(world)
    response = login(world.users["township"]).get(
        reverse("publicity:notice", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    html = response.content.decode()
    assert "公示" in html and "Public notice" not in html and "Village notice board" not in html


# ---------------------------------------------------------------------------------------------
# Privacy: no print shows an ID number, nor the household's own phone.

# A region, a birth date and sequences whose check digit is X: "…947X" cannot hide inside a phone.
REGION, BIRTH = "110105", datetime.date(1975, 7, 23)


def id_numbers(n):
    found = []
    for sequence in range(1000):
        number = identity.make_id_number(REGION, BIRTH, sequence)
        if number.endswith("X"):
            found.append(number)
        if len(found) == n:
            return found
    raise AssertionError("no sequence gives a check digit X")


def traces(number):
    """What of an ID number a print must not show: all of it, its masked form, its birth date, its tail."""
    return [number, identity.mask_id_number(number), number[6:14], number[:14], number[-4:]]


@pytest.fixture
def known_people(world):
    """The printed households of G1 with residents of known ID numbers and phones, and own phones."""
    numbers = iter(id_numbers(6))
    secrets = []
    for i, key in enumerate(("g1a", "g1a_other", "g1b")):
        household = world.households[key]
        household.phone = f"1391234567{i}"
        household.save()
        secrets.append(household.phone)
        for relation in ("spouse", "child"):
            resident = factories.ResidentFactory(
                household=household, id_number=next(numbers), phone=f"1357654321{i}", relation=relation
            )
            secrets += [*traces(resident.id_number), resident.phone]
    for resident in world.residents.values():
        secrets += [resident.id_number, identity.mask_id_number(resident.id_number), resident.id_number[6:14]]
    return world, secrets


def leaked(text, secrets):
    shown = []
    for secret in secrets:
        pattern = rf"(?<![0-9]){re.escape(secret)}(?![0-9X])" if secret[-1:] == "X" else re.escape(secret)
        if re.search(pattern, text):
            shown.append(secret)
    return shown


def print_urls(world, case):
    g1, v1 = world.places["G1"].pk, world.places["v1"].pk
    return {
        "bulletin": reverse("publicity:bulletin", args=[g1]),
        "cards": reverse("publicity:cards", args=["grids", g1]),
        "cards of the village": reverse("publicity:cards", args=["villages", v1]),
        "letters": reverse("publicity:letters", args=["grids", g1]),
        "network": reverse("publicity:network", args=[v1]),
        "notice": reverse("publicity:notice", args=[case.pk]),
    }


def test_no_print_shows_an_id_number_or_the_households_phone(known_people, login):
    world, secrets = known_people
    case = approval(world)
    client = login(world.users["leader"])
    for what, url in print_urls(world, case).items():
        response = client.get(url)
        assert response.status_code == 200, what
        html = response.content.decode()
        assert not leaked(html, secrets), f"the {what} page shows {leaked(html, secrets)}"
        assert "户主g1a" in html or what in ("bulletin", "network")  # not vacuous: the household is printed


@pytest.mark.parametrize("what", ["cards", "letters", "notice", "bulletin"])
def test_no_pdf_shows_an_id_number_or_the_households_phone(known_people, login, what):
    world, secrets = known_people
    case = approval(world) if what == "notice" else None
    url = {
        "cards": reverse("publicity:cards_pdf", args=["grids", world.places["G1"].pk]),
        "letters": reverse("publicity:letters_pdf", args=["grids", world.places["G1"].pk]),
        "notice": reverse("publicity:notice_pdf", args=[case.pk]) if case else None,
        "bulletin": reverse("publicity:bulletin_pdf", args=[world.places["G1"].pk]),
    }[what]
    response = login(world.users["leader"]).get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert not leaked(text, secrets), f"the {what} PDF shows {leaked(text, secrets)}"
    if what != "bulletin":
        assert "户主g1a" in text  # the text layer is read, so the search is not vacuous
    else:
        assert world.cadres["leader"].phone in text  # cadres' phones are printed by design


def test_the_secrets_are_findable(known_people):
    """The counterpart of the two tests above: each secret would be caught where it showed."""
    world, secrets = known_people
    for secret in secrets:
        assert leaked(f"身份证 {secret} 。", secrets) != []
    assert not leaked("电话 13800001947 日期 2026-11-30", [s for s in secrets if s.endswith("X")])
