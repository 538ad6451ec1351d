"""Households and residents as a grid leader enters them: through the real pages, with the real forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from tests import factories
from villages import identity, services
from villages.models import CareCategory, Household, HouseholdMove, Resident

# The messages a grid leader must see (villages/identity.py and villages/models.py).
ALREADY_REGISTERED = "A resident with this ID number is already registered."
BAD_CHECK_DIGIT = "The last character of this ID number does not match its check digit; please check each digit."
NOT_A_DATE = "The birth date inside this ID number (digits 7 to 14) is not a real date."
LANDLINE = "This looks like a landline number; enter an 11-digit mobile number."
SECOND_HEAD = "This household already has a head."
NOT_A_CHOICE = "Select a valid choice. That choice is not one of the available choices."
FUTURE_MOVE = "The date of a move cannot be in the future."

XSS = "<script>alert('x')</script>"

NUL_FREE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
JUNK = st.one_of(
    NUL_FREE_TEXT,
    st.just(XSS),
    st.just("x" * 5000),
    st.just("郑" * 400),
    st.just("-1"),
    st.just("99999999999999999999"),
    st.just("' OR 1=1 --"),
)
JUNK_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


def household_data(group, **overrides):
    return {
        "group": group.pk,
        "head_name": "陈新民",
        "address": "郑荣村后山路8号",
        "phone": "13912345678",
        "residence": Household.Residence.REGISTERED,
        **overrides,
    }


def resident_data(**overrides):
    return {
        "name": "陈小红",
        "id_number": identity.make_id_number("350521", datetime.date(1992, 4, 18), 246),
        "phone": "13912345679",
        "relation": Resident.Relation.CHILD,
        "status": Resident.Status.REGISTERED,
        **overrides,
    }


def page(response):
    return response.content.decode()


def form_errors(response):
    return response.context["form"].errors


def scope_keys(household):
    household.refresh_from_db()
    return household.group_id, household.grid_id, household.village_id, household.township_id


# --- households ---------------------------------------------------------------------------------


def test_a_leader_creates_a_household_in_their_group(world, leader):
    g1a = world.places["g1a"]

    response = leader.post(reverse("villages:household_create"), household_data(g1a))

    household = Household.objects.get(head_name="陈新民")
    assert response.status_code == 302
    assert response.url == reverse("villages:household", args=[household.pk])
    assert scope_keys(household) == (g1a.pk, world.places["G1"].pk, world.places["v1"].pk, world.places["t1"].pk)
    assert household.head_initials == "cxm"
    assert leader.get(response.url).status_code == 200


def test_the_phone_is_stored_as_digits(world, leader):
    leader.post(reverse("villages:household_create"), household_data(world.places["g1a"], phone="139 1234 5678"))

    assert Household.objects.get(head_name="陈新民").phone == "13912345678"


def test_a_household_cannot_be_created_in_a_group_of_another_grid(world, leader):
    response = leader.post(reverse("villages:household_create"), household_data(world.places["g2"]))

    assert response.status_code == 200
    assert NOT_A_CHOICE in form_errors(response)["group"]
    assert not Household.objects.filter(head_name="陈新民").exists()


def test_the_group_choices_offer_only_the_leaders_groups(world, leader):
    response = leader.get(reverse("villages:household_create"))

    offered = set(response.context["form"].fields["group"].queryset)
    assert offered == {world.places["g1a"], world.places["g1b"]}


def test_the_service_refuses_a_household_outside_the_actors_places(world):
    household = Household(group=world.places["g2"], head_name="陈新民", address="x")

    with pytest.raises(PermissionDenied):
        services.save_household(actor=world.users["leader"], household=household, categories=[])
    assert not Household.objects.filter(head_name="陈新民").exists()


def test_a_household_landline_is_refused(world, leader):
    response = leader.post(
        reverse("villages:household_create"), household_data(world.places["g1a"], phone="0591-83456789")
    )

    assert response.status_code == 200
    assert LANDLINE in form_errors(response)["phone"]
    assert LANDLINE in page(response)
    assert not Household.objects.filter(head_name="陈新民").exists()


def test_a_leader_edits_a_household(world, leader):
    household = world.households["g1b"]
    needy = CareCategory.objects.get(code=CareCategory.Code.NEEDY)

    response = leader.post(
        reverse("villages:household_edit", args=[household.pk]),
        {
            "head_name": household.head_name,
            "address": "新地址 12号",
            "phone": "13811112222",
            "residence": Household.Residence.FLOATING,
            "categories": [needy.pk],
            "notes": "老屋已拆",
        },
    )

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "新地址 12号"
    assert household.phone == "13811112222"
    assert household.residence == Household.Residence.FLOATING
    assert list(household.categories.all()) == [needy]
    assert household.group == world.places["g1b"]  # editing never moves a household
    assert "新地址 12号" in page(leader.get(household.get_absolute_url()))


def test_the_edit_form_cannot_change_the_group(world, leader):
    household = world.households["g1b"]

    leader.post(
        reverse("villages:household_edit", args=[household.pk]),
        {
            "group": world.places["g2"].pk,
            "head_name": household.head_name,
            "address": household.address,
            "residence": household.residence,
        },
    )

    assert scope_keys(household)[:2] == (world.places["g1b"].pk, world.places["G1"].pk)


def test_a_household_name_with_markup_is_escaped(world, leader):
    leader.post(reverse("villages:household_create"), household_data(world.places["g1a"], head_name=XSS))
    household = Household.objects.get(head_name=XSS)

    for url in (household.get_absolute_url(), reverse("villages:household_list")):
        html = page(leader.get(url))
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(" in html


def test_an_empty_post_shows_the_form_again(world, leader):
    response = leader.post(reverse("villages:household_create"), {})

    assert response.status_code == 200
    assert {"group", "head_name", "address"} <= set(form_errors(response))
    assert Household.objects.count() == len(world.households)


@JUNK_SETTINGS
@given(head_name=JUNK, address=JUNK, phone=JUNK, notes=JUNK, group=st.one_of(JUNK, st.none()))
def test_junk_household_input_never_breaks_the_page(world, leader, head_name, address, phone, notes, group):
    data = {"head_name": head_name, "address": address, "phone": phone, "notes": notes, "residence": "registered"}
    data["group"] = world.places["g1a"].pk if group is None else group

    response = leader.post(reverse("villages:household_create"), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors


# --- residents ----------------------------------------------------------------------------------


def test_a_leader_adds_a_resident(world, leader):
    household = world.households["g1a"]
    data = resident_data(id_number=identity.make_id_number("350521", datetime.date(1992, 4, 18), 245))

    response = leader.post(reverse("villages:resident_create", args=[household.pk]), data)

    assert response.status_code == 302
    assert response.url == household.get_absolute_url()
    resident = Resident.objects.get(name="陈小红")
    assert resident.household == household
    assert resident.birth_date == datetime.date(1992, 4, 18)
    assert resident.sex == Resident.Sex.MALE  # 245 is odd
    assert resident.id_last4 == data["id_number"][-4:]
    assert resident.name_initials == "cxh"
    household.refresh_from_db()
    assert household.head_name == "户主g1a"  # a child does not rename the household


def full_width(text):
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


@pytest.mark.parametrize(
    "typing",
    [
        pytest.param(full_width, id="full-width digits"),
        pytest.param(lambda n: f"{n[:6]} {n[6:14]} {n[14:]}", id="in groups with spaces"),
        pytest.param(lambda n: "\u3000".join(full_width(n)), id="full-width with ideographic spaces"),
    ],
)
def test_an_id_number_typed_with_full_width_digits_or_spaces_is_stored_normalised(world, leader, typing):
    number = identity.make_id_number("350521", datetime.date(1961, 12, 3), 112)
    typed = typing(number)

    response = leader.post(
        reverse("villages:resident_create", args=[world.households["g1a"].pk]), resident_data(id_number=typed)
    )

    assert response.status_code == 302
    resident = Resident.objects.get(name="陈小红")
    assert resident.id_number == number
    assert resident.sex == Resident.Sex.FEMALE
    assert resident.birth_date == datetime.date(1961, 12, 3)


def test_a_new_head_names_the_household(world, leader):
    household = factories.HouseholdFactory(group=world.places["g1b"], head_name="待定")

    response = leader.post(
        reverse("villages:resident_create", args=[household.pk]),
        resident_data(name="郑章木", relation=Resident.Relation.HEAD),
    )

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "郑章木"
    assert household.head_initials == "zzm"


def assert_refused(world, client, data, field, message):
    before = Resident.objects.count()

    response = client.post(reverse("villages:resident_create", args=[world.households["g1a"].pk]), data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert message in errors.get(field, []), errors
    assert message in page(response)
    assert Resident.objects.count() == before


def test_an_id_number_already_registered_is_refused(world, leader):
    taken = world.residents["g2"].id_number  # registered in the neighbour's grid

    before = Resident.objects.count()
    response = leader.post(
        reverse("villages:resident_create", args=[world.households["g1a"].pk]), resident_data(id_number=taken)
    )

    assert response.status_code == 200
    errors = form_errors(response)
    assert ALREADY_REGISTERED in errors.get("id_number", []) + errors.get("__all__", []), errors
    assert ALREADY_REGISTERED in page(response)
    assert Resident.objects.count() == before


def test_an_id_number_already_registered_is_refused_however_it_is_typed(world, leader):
    taken = world.residents["g1b"].id_number
    typed = full_width(taken).lower()

    before = Resident.objects.count()
    response = leader.post(
        reverse("villages:resident_create", args=[world.households["g1a"].pk]), resident_data(id_number=typed)
    )

    assert response.status_code == 200
    assert ALREADY_REGISTERED in page(response)
    assert Resident.objects.count() == before


def test_a_wrong_check_digit_is_refused(world, leader):
    number = identity.make_id_number("350521", datetime.date(1992, 4, 18), 246)
    wrong = "0" if number[-1] != "0" else "1"

    assert_refused(world, leader, resident_data(id_number=number[:-1] + wrong), "id_number", BAD_CHECK_DIGIT)


def test_a_birth_date_that_does_not_exist_is_refused(world, leader):
    body = "35052120230230246"  # 30 February
    number = body + ric.calc_check_digit(body + "0")

    assert_refused(world, leader, resident_data(id_number=number), "id_number", NOT_A_DATE)


def test_a_landline_typed_as_a_mobile_is_refused(world, leader):
    assert_refused(world, leader, resident_data(phone="0591-83456789"), "phone", LANDLINE)


def test_a_second_head_is_refused(world, leader):
    # g1a already has its head (居民g1a)
    data = resident_data(relation=Resident.Relation.HEAD)
    before = Resident.objects.count()

    response = leader.post(reverse("villages:resident_create", args=[world.households["g1a"].pk]), data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert SECOND_HEAD in errors.get("relation", []) + errors.get("__all__", []), errors
    assert SECOND_HEAD in page(response)
    assert Resident.objects.count() == before
    world.households["g1a"].refresh_from_db()
    assert world.households["g1a"].head_name == "户主g1a"


def test_an_empty_resident_post_shows_the_form_again(world, leader):
    before = Resident.objects.count()

    response = leader.post(reverse("villages:resident_create", args=[world.households["g1a"].pk]), {})

    assert response.status_code == 200
    assert {"name", "id_number", "relation"} <= set(form_errors(response))
    assert Resident.objects.count() == before


@JUNK_SETTINGS
@given(name=JUNK, id_number=JUNK, phone=JUNK, relation=st.one_of(JUNK, st.sampled_from(["child", "spouse"])))
def test_junk_resident_input_never_breaks_the_page(world, leader, name, id_number, phone, relation):
    data = {"name": name, "id_number": id_number, "phone": phone, "relation": relation, "status": "registered"}

    response = leader.post(reverse("villages:resident_create", args=[world.households["g1a"].pk]), data)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors


def test_the_edit_form_never_shows_the_full_id_number(world, leader):
    resident = world.residents["g1a"]

    html = page(leader.get(reverse("villages:resident_edit", args=[resident.pk])))

    assert resident.id_number not in html
    assert resident.id_number[6:14] not in html  # nor the birth date inside it
    assert resident.masked_id_number in html


def test_the_edit_form_does_not_echo_the_full_id_number_after_an_error(world, leader):
    resident = world.residents["g1a"]

    response = leader.post(
        reverse("villages:resident_edit", args=[resident.pk]),
        {"name": "", "id_number": "", "relation": resident.relation, "status": resident.status},
    )

    assert response.status_code == 200
    assert resident.id_number not in page(response)


def test_leaving_the_new_id_empty_keeps_the_old_number(world, leader):
    resident = world.residents["g1a"]
    old = resident.id_number

    response = leader.post(
        reverse("villages:resident_edit", args=[resident.pk]),
        {"name": "居民改名", "id_number": "", "phone": "", "relation": resident.relation, "status": "floating"},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.id_number == old
    assert resident.name == "居民改名"
    assert resident.status == Resident.Status.FLOATING


def test_typing_a_new_id_replaces_the_old_number(world, leader):
    resident = world.residents["g1a"]
    new = identity.make_id_number("350521", datetime.date(1950, 7, 1), 902)

    response = leader.post(
        reverse("villages:resident_edit", args=[resident.pk]),
        {"name": resident.name, "id_number": new, "relation": resident.relation, "status": resident.status},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.id_number == new
    assert resident.birth_date == datetime.date(1950, 7, 1)
    assert resident.sex == Resident.Sex.FEMALE


def test_a_resident_name_with_markup_is_escaped_on_the_household_page(world, leader):
    household = world.households["g1a"]
    leader.post(reverse("villages:resident_create", args=[household.pk]), resident_data(name=XSS))
    assert Resident.objects.filter(name=XSS).exists()

    html = page(leader.get(household.get_absolute_url()))

    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


# --- moving a household -------------------------------------------------------------------------


def move(client, household, group, moved_on=None, reason="分户后迁入新居"):
    return client.post(
        reverse("villages:household_move", args=[household.pk]),
        {"to_group": group.pk, "moved_on": (moved_on or timezone.localdate()).isoformat(), "reason": reason},
    )


def test_a_leader_moves_a_household_to_another_group_of_the_grid(world, leader):
    household = world.households["g1a"]
    residents = set(household.residents.values_list("pk", flat=True))

    response = move(leader, household, world.places["g1b"], moved_on=datetime.date(2024, 3, 1))

    assert response.status_code == 302
    assert response.url == household.get_absolute_url()
    assert scope_keys(household) == (
        world.places["g1b"].pk,
        world.places["G1"].pk,
        world.places["v1"].pk,
        world.places["t1"].pk,
    )
    assert set(household.residents.values_list("pk", flat=True)) == residents
    record = HouseholdMove.objects.get(household=household)
    assert (record.from_group, record.to_group) == (world.places["g1a"], world.places["g1b"])
    assert record.moved_on == datetime.date(2024, 3, 1)
    assert record.moved_by == world.users["leader"]
    html = page(leader.get(household.get_absolute_url()))
    assert "第1组 → 第2组" in html
    assert "分户后迁入新居" in html
    assert "Never moved." not in html


def test_a_move_dated_in_the_future_is_refused(world, leader):
    household = world.households["g1a"]

    response = move(leader, household, world.places["g1b"], moved_on=timezone.localdate() + datetime.timedelta(1))

    assert response.status_code == 200
    assert FUTURE_MOVE in form_errors(response)["moved_on"]
    assert scope_keys(household)[0] == world.places["g1a"].pk
    assert not HouseholdMove.objects.exists()


def test_a_leader_cannot_move_a_household_into_the_neighbours_grid(world, leader):
    household = world.households["g1a"]
    before = scope_keys(household)

    response = move(leader, household, world.places["g2"])

    assert response.status_code == 200
    assert NOT_A_CHOICE in form_errors(response)["to_group"]
    assert scope_keys(household) == before
    assert not HouseholdMove.objects.exists()


def test_the_move_service_refuses_a_group_outside_the_actors_places(world):
    household = world.households["g1a"]
    before = scope_keys(household)

    with pytest.raises(PermissionDenied):
        services.move_household(
            actor=world.users["leader"],
            household=household,
            to_group=world.places["g2"],
            moved_on=timezone.localdate(),
            reason="越权",
        )

    assert scope_keys(household) == before
    assert not HouseholdMove.objects.exists()


def test_township_staff_move_a_household_to_another_village(world, login):
    client = login(world.users["township"])
    household = world.households["g1a"]
    residents = household.residents.count()

    response = move(client, household, world.places["g3"])

    assert response.status_code == 302
    assert scope_keys(household) == (
        world.places["g3"].pk,
        world.places["G3"].pk,
        world.places["v2"].pk,
        world.places["t1"].pk,
    )
    assert household.residents.count() == residents
    assert HouseholdMove.objects.filter(household=household, to_group=world.places["g3"]).count() == 1
    # the leader of G1 no longer sees it; the residents went with it
    assert login(world.users["leader"]).get(household.get_absolute_url()).status_code == 404


def test_township_staff_cannot_move_a_household_into_another_township(world, login):
    client = login(world.users["township"])
    household = world.households["g1a"]

    response = move(client, household, world.places["h1"])

    assert response.status_code == 200
    assert NOT_A_CHOICE in form_errors(response)["to_group"]
    assert scope_keys(household)[0] == world.places["g1a"].pk


# --- the model keeps its scope keys -------------------------------------------------------------


def test_saving_a_household_sets_its_scope_keys_from_its_group(world):
    g3 = world.places["g3"]

    household = Household(group=g3, head_name="赵一", address="跃进村1号")
    household.save()

    assert scope_keys(household) == (g3.pk, world.places["G3"].pk, world.places["v2"].pk, world.places["t1"].pk)


@pytest.mark.parametrize("target", ["g1b", "g2", "g3", "h1"])
def test_changing_the_group_and_saving_moves_the_scope_keys(world, target):
    household = world.households["g1a"]
    group = world.places[target]

    household.group = group
    household.save()

    assert scope_keys(household) == (group.pk, group.grid_id, group.village_id, group.village.township_id)


def test_saving_repairs_scope_keys_that_disagree_with_the_group(world):
    household = world.households["g1a"]
    household.village = world.places["w1"]  # stale keys, grid still right
    household.township = world.places["t2"]

    household.save()

    assert scope_keys(household) == (
        world.places["g1a"].pk,
        world.places["G1"].pk,
        world.places["v1"].pk,
        world.places["t1"].pk,
    )


def test_the_cadre_pickers_offer_only_cadres_of_the_households_villages(world, login):
    """A grid leader picks from the cadres of their own village, not the township's hundreds."""
    village2_leader = factories.CadreFactory(township=world.places["t1"], name="跃进网格长")
    factories.post(village2_leader, "grid_leader", grid=world.places["G3"])
    client = login(world.users["leader"])
    for url in (
        reverse("villages:household_create"),
        reverse("villages:household_edit", args=[world.households["g1a"].pk]),
    ):
        form = client.get(url).context["form"]
        responsible = set(form.fields["responsible_cadre"].queryset)
        representatives = set(form.fields["contact_representative"].queryset)
        assert {world.cadres["leader"], world.cadres["member"], world.cadres["village"]} <= responsible
        assert village2_leader not in responsible
        assert world.cadres["township"] not in responsible
        assert representatives == {world.cadres["representative"]}
