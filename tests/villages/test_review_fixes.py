"""The review fixes, through the pages where a user meets them: moves and re-gridding, the ID number kept
out of change history, notes for editors only, phone input, the cadre pickers, the head's name,
duplicate posts, scoped counts, categories recorded on residents, search by phone tail, the cadre
directory, the group page's "New household", photo replacement and the locked-out page."""

import datetime
import html
import io
import re
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests import factories
from villages import identity, services
from villages.models import Cadre, CareCategory, GroupRegrid, Household, HouseholdMove, Post, Resident

Role = Post.Role

# The messages the users must see (villages/views.py, forms.py, services.py, identity.py, templates).
MOVED = "The household was moved; its earlier group is kept in its history."
OTHER_VILLAGE_WARNING = "It is now in another village: choose its responsible cadre and contact representative there."
NOTES_HELP = "Seen by the cadres who may edit this household. Record no sensitive matters here"
MOBILE_INVALID = "Enter an 11-digit mobile number, for example 13912345678."
CADRE_NOT_IN_VILLAGE = "The responsible cadre must hold a post in this household's village."
REPRESENTATIVE_NOT_IN_VILLAGE = "The contact representative must represent a group of this village."
HEAD_NAME_HELP = "Follows the name of the resident who is head of household."
ALREADY_HOLDS = "already holds this post"
NO_CURRENT_POST = "No current post"
GROUP_IN_OTHER_VILLAGE = "A villager group belongs to a grid of its own village."

ID_NUMBER_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def page(response):
    return response.content.decode()


def text(response):
    """The page as a reader sees it: entities unescaped, and the no-break space Django puts in
    "15 minutes" read as a space."""
    return html.unescape(page(response)).replace("\xa0", " ")


def form_data(form, **overrides):
    """What a browser sends for `form` as rendered: every enabled field with its shown value."""
    data = {}
    for field in form:
        if field.field.disabled:
            continue  # a browser does not send a disabled input
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, (list, tuple)):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def edit_form(client, household):
    response = client.get(reverse("villages:household_edit", args=[household.pk]))
    assert response.status_code == 200
    return response.context["form"]


def post_household_edit(client, household, **overrides):
    form = edit_form(client, household)
    return client.post(reverse("villages:household_edit", args=[household.pk]), form_data(form, **overrides))


def listed(response):
    """Head names of the households on the list page."""
    assert response.status_code == 200
    return [row.record.head_name for row in response.context["table"].page.object_list]


def category_table(client):
    """The home dashboard's "Households by care category" table: {code: count}."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {category.code: count for category, count in response.context["registry"]["categories"]}


def category(code):
    return CareCategory.objects.get(code=code)


def cadre_with_post(world, name, role, **node):
    cadre = factories.CadreFactory(township=world.places["t1"], name=name, user=None)
    factories.post(cadre, role, **node)
    return cadre


def jpeg(colour):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


# 1. Moving a household -------------------------------------------------------------------------


def move(client, household, to_group, reason="搬迁"):
    return client.post(
        reverse("villages:household_move", args=[household.pk]),
        {"to_group": to_group.pk, "moved_on": timezone.localdate().isoformat(), "reason": reason},
        follow=True,
    )


def test_a_move_to_another_village_clears_its_cadres_and_says_so(world, login):
    household = world.households["g1a"]
    assert household.responsible_cadre == world.cadres["leader"]
    assert household.contact_representative == world.cadres["representative"]
    client = login(world.users["township"])

    response = move(client, household, world.places["g3"])

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("villages:household", args=[household.pk])
    assert MOVED in text(response)
    assert OTHER_VILLAGE_WARNING in text(response)
    household.refresh_from_db()
    assert (household.group, household.grid, household.village) == (
        world.places["g3"],
        world.places["G3"],
        world.places["v2"],
    )
    assert household.responsible_cadre is None
    assert household.contact_representative is None
    assert HouseholdMove.objects.filter(household=household, to_group=world.places["g3"]).count() == 1

    # the representative's access followed their contact household: it is gone
    representative = login(world.users["representative"])
    assert representative.get(reverse("villages:household", args=[household.pk])).status_code == 404


def test_a_move_within_the_village_keeps_its_cadres(world, login):
    household = world.households["g1a"]
    client = login(world.users["township"])

    response = move(client, household, world.places["g1b"])

    assert response.status_code == 200
    assert MOVED in text(response)
    assert OTHER_VILLAGE_WARNING not in text(response)
    household.refresh_from_db()
    assert household.group == world.places["g1b"]
    assert household.responsible_cadre == world.cadres["leader"]
    assert household.contact_representative == world.cadres["representative"]

    representative = login(world.users["representative"])
    assert representative.get(reverse("villages:household", args=[household.pk])).status_code == 200


# 2. Re-gridding a villager group ---------------------------------------------------------------


def household_page_status(client, household):
    return client.get(reverse("villages:household", args=[household.pk])).status_code


@pytest.mark.parametrize("actor", ["township", "superuser"])
def test_regridding_a_group_moves_its_households_set_based(world, login, actor):
    g1b, grid2 = world.places["g1b"], world.places["G2"]
    second = factories.HouseholdFactory(group=g1b)
    household = world.households["g1b"]
    assert login(world.users["leader"]).get(reverse("villages:household", args=[household.pk])).status_code == 200

    table = Household._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        g1b.grid = grid2
        services.save_node(actor=world.users[actor], node=g1b)

    household_updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and f'"{table}"' in q["sql"]
    ]
    # set-based, whatever the number of households: the grid, and the old grid's responsible cadre
    assert len(household_updates) == 2
    assert Household.objects.get(pk=household.pk).responsible_cadre is None  # the G1 leader no longer answers
    assert GroupRegrid.objects.get(group=g1b).households == 2
    g1b.refresh_from_db()
    assert g1b.grid == grid2
    assert set(Household.objects.filter(group=g1b).values_list("grid_id", flat=True)) == {grid2.pk}
    second.refresh_from_db()
    assert second.grid == grid2

    assert household_page_status(login(world.users["leader"]), household) == 404
    assert household_page_status(login(world.users["neighbour"]), household) == 200
    assert household_page_status(login(world.users["neighbour"]), second) == 200


def test_reassigning_a_group_to_another_villages_grid_is_refused(world):
    g1b = world.places["g1b"]
    g1b.grid = world.places["G3"]
    with pytest.raises(ValidationError) as refused:
        services.save_node(actor=world.users["superuser"], node=g1b)
    assert GROUP_IN_OTHER_VILLAGE in refused.value.messages

    g1b.refresh_from_db()
    assert g1b.grid == world.places["G1"]
    assert Household.objects.get(pk=world.households["g1b"].pk).grid == world.places["G1"]


def admin_group_change(client, group, grid):
    url = reverse("admin:villages_villagergroup_change", args=[group.pk])
    assert url == f"/admin/villages/villagergroup/{group.pk}/change/"
    form = client.get(url).context["adminform"].form
    return client.post(url, form_data(form, grid=grid.pk, _save="Save"))


def test_the_admin_regrids_a_group_with_its_households(world, login):
    g1b = world.places["g1b"]
    household = world.households["g1b"]
    admin = login(world.users["superuser"])

    response = admin_group_change(admin, g1b, world.places["G2"])

    assert response.status_code == 302, response.context["adminform"].form.errors
    g1b.refresh_from_db()
    assert g1b.grid == world.places["G2"]
    household.refresh_from_db()
    assert household.grid == world.places["G2"]
    assert household_page_status(login(world.users["leader"]), household) == 404
    assert household_page_status(login(world.users["neighbour"]), household) == 200


def test_the_admin_refuses_a_grid_of_another_village(world, login):
    g1b = world.places["g1b"]
    admin = login(world.users["superuser"])

    response = admin_group_change(admin, g1b, world.places["G3"])

    assert response.status_code == 200
    assert GROUP_IN_OTHER_VILLAGE in text(response)
    g1b.refresh_from_db()
    assert g1b.grid == world.places["G1"]
    assert Household.objects.get(pk=world.households["g1b"].pk).grid == world.places["G1"]


# 3. No ID number in a resident's change history ------------------------------------------------


def test_resident_history_never_stores_the_id_number(world, login):
    resident = world.residents["g1b"]
    old_number = resident.id_number
    new_number = identity.make_id_number("350521", datetime.date(1975, 3, 9), 321)
    leader = login(world.users["leader"])
    url = reverse("villages:resident_edit", args=[resident.pk])
    form = leader.get(url).context["form"]

    response = leader.post(url, form_data(form, name="居民改名", id_number=new_number, phone="13912345670"))

    assert response.status_code == 302, response.context["form"].errors
    resident.refresh_from_db()
    assert resident.name == "居民改名"
    assert resident.id_number == new_number

    HistoricalResident = Resident.history.model
    assert "id_number" not in {f.name for f in HistoricalResident._meta.get_fields()}
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, HistoricalResident._meta.db_table)
        }
    assert not {"id_number", "birth_date"} & columns
    rows = list(resident.history.all())
    assert len(rows) >= 2  # created by the factory, changed through the page
    assert rows[0].name == "居民改名"
    for row in rows:
        assert not hasattr(row, "id_number")

    admin = login(world.users["superuser"])
    history = admin.get(f"/admin/villages/resident/{resident.pk}/history/")
    assert history.status_code == 200
    assert "居民改名" in page(history)  # the history is really shown
    assert ID_NUMBER_PATTERN.findall(page(history)) == []
    assert old_number not in page(history) and new_number not in page(history)


# 4. Household notes are for those who may edit --------------------------------------------------


def test_notes_are_shown_to_an_editor_and_not_to_the_representative(world, login):
    household = world.households["g1a"]
    household.notes = "钥匙放在隔壁王家"
    household.save()
    url = reverse("villages:household", args=[household.pk])

    member = login(world.users["member"]).get(url)
    assert member.status_code == 200 and member.context["can_edit"]
    assert "钥匙放在隔壁王家" in page(member)

    representative = login(world.users["representative"]).get(url)
    assert representative.status_code == 200 and not representative.context["can_edit"]
    assert "钥匙放在隔壁王家" not in page(representative)


def test_the_household_form_says_who_sees_the_notes(world, login):
    client = login(world.users["member"])
    response = client.get(reverse("villages:household_edit", args=[world.households["g1a"].pk]))
    assert response.status_code == 200
    assert NOTES_HELP in text(response)


# 5. Phone input ---------------------------------------------------------------------------------

FULL_WIDTH = "１３９１２３４５６７８"


def phone_edit(world, login, where, phone):
    """Send `phone` through one of the forms that take a mobile number; (response, stored phone)."""
    if where == "household":
        client = login(world.users["leader"])
        household = world.households["g1b"]
        response = post_household_edit(client, household, phone=phone)
        stored = lambda: Household.objects.get(pk=household.pk).phone  # noqa: E731
    elif where == "resident":
        client = login(world.users["leader"])
        resident = world.residents["g1b"]
        url = reverse("villages:resident_edit", args=[resident.pk])
        response = client.post(url, form_data(client.get(url).context["form"], phone=phone))
        stored = lambda: Resident.objects.get(pk=resident.pk).phone  # noqa: E731
    else:
        client = login(world.users["township"])
        cadre = world.cadres["member"]
        url = reverse("villages:cadre_edit", args=[cadre.pk])
        response = client.post(url, form_data(client.get(url).context["form"], phone=phone))
        stored = lambda: Cadre.objects.get(pk=cadre.pk).phone  # noqa: E731
    return response, stored()


@pytest.mark.parametrize("where", ["household", "resident", "cadre"])
@pytest.mark.parametrize("phone", ["13+12345678", "++"])
def test_a_malformed_phone_is_refused_with_the_mobile_message(world, login, where, phone):
    response, stored = phone_edit(world, login, where, phone)
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [MOBILE_INVALID]
    assert stored != identity.normalize_mobile(phone)


@pytest.mark.parametrize("where", ["household", "resident", "cadre"])
def test_a_full_width_phone_is_stored_in_ascii_digits(world, login, where):
    response, stored = phone_edit(world, login, where, FULL_WIDTH)
    assert response.status_code == 302
    assert stored == "13912345678"


# 6. The responsible cadre on the household form ------------------------------------------------


def test_a_cadre_whose_post_ended_stays_on_a_household_edited_for_something_else(world, login):
    retired = factories.CadreFactory(township=world.places["t1"], name="郑退休", user=None)
    Post.objects.create(
        cadre=retired,
        role=Role.GRID_MEMBER,
        township=world.places["t1"],
        grid=world.places["G1"],
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2024, 1, 1),
    )
    household = world.households["g1b"]
    household.responsible_cadre = retired
    household.save()
    client = login(world.users["leader"])

    form = edit_form(client, household)
    assert retired in form.fields["responsible_cadre"].queryset
    assert str(form["responsible_cadre"].value()) == str(retired.pk)
    assert re.search(rf'<option value="{retired.pk}" selected>郑退休</option>', str(form["responsible_cadre"]))

    response = client.post(
        reverse("villages:household_edit", args=[household.pk]), form_data(form, address="郑荣村新路1号")
    )

    assert response.status_code == 302, response.context["form"].errors
    household.refresh_from_db()
    assert household.address == "郑荣村新路1号"
    assert household.responsible_cadre == retired


def test_a_responsible_cadre_of_another_village_is_refused(world, login):
    other = cadre_with_post(world, "跃进组长", Role.GRID_LEADER, grid=world.places["G3"])
    client = login(world.users["township"])
    before = Household.objects.count()

    response = client.post(
        reverse("villages:household_create"),
        {
            "group": world.places["g1a"].pk,
            "head_name": "陈新民",
            "address": "郑荣村后山路8号",
            "phone": "13912345678",
            "residence": Household.Residence.REGISTERED,
            "responsible_cadre": other.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["responsible_cadre"] == [CADRE_NOT_IN_VILLAGE]
    assert CADRE_NOT_IN_VILLAGE in text(response)
    assert Household.objects.count() == before


def test_a_contact_representative_of_another_village_is_refused(world, login):
    client = login(world.users["township"])
    before = Household.objects.count()

    response = client.post(
        reverse("villages:household_create"),
        {
            "group": world.places["g3"].pk,
            "head_name": "陈新民",
            "address": "跃进村8号",
            "residence": Household.Residence.REGISTERED,
            "contact_representative": world.cadres["representative"].pk,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["contact_representative"] == [REPRESENTATIVE_NOT_IN_VILLAGE]
    assert Household.objects.count() == before


def test_an_existing_household_cannot_be_given_a_cadre_of_another_village(world, login):
    other = cadre_with_post(world, "跃进组长", Role.GRID_LEADER, grid=world.places["G3"])
    household = world.households["g1b"]
    client = login(world.users["township"])

    assert other not in edit_form(client, household).fields["responsible_cadre"].queryset
    response = post_household_edit(client, household, responsible_cadre=other.pk)

    assert response.status_code == 200
    assert response.context["form"].errors["responsible_cadre"]
    household.refresh_from_db()
    assert household.responsible_cadre == world.cadres["leader"]


# 7. The head's name follows the head resident --------------------------------------------------


def test_head_name_is_disabled_when_a_resident_is_head(world, login):
    household = world.households["g1a"]
    client = login(world.users["leader"])

    form = edit_form(client, household)
    assert form.fields["head_name"].disabled
    assert re.search(r'<input[^>]*name="head_name"[^>]*disabled', str(form["head_name"]))
    assert HEAD_NAME_HELP in client.get(reverse("villages:household_edit", args=[household.pk])).content.decode()

    # a crafted request sends the disabled field anyway
    response = client.post(
        reverse("villages:household_edit", args=[household.pk]),
        form_data(form, head_name="冒名顶替", address="郑荣村新路2号"),
    )

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "郑荣村新路2号"
    assert household.head_name == "户主g1a"


def test_head_name_can_be_edited_without_a_head_resident(world, login):
    household = factories.HouseholdFactory(group=world.places["g1b"], head_name="陈无户主")
    client = login(world.users["leader"])

    form = edit_form(client, household)
    assert not form.fields["head_name"].disabled
    response = client.post(reverse("villages:household_edit", args=[household.pk]), form_data(form, head_name="陈新名"))

    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "陈新名"


# 8. The same post twice --------------------------------------------------------------------------


def test_the_same_current_post_twice_is_refused(world, login):
    cadre = factories.CadreFactory(township=world.places["t1"], name="郑新人", user=None)
    client = login(world.users["township"])
    url = reverse("villages:post_create", args=[cadre.pk])

    def add():
        data = {
            "role": Role.GRID_MEMBER,
            "grid": world.places["G2"].pk,
            "started_on": "2024-03-01",
            "submission": str(uuid.uuid4()),  # the form opened anew each time
        }
        return client.post(url, data)

    first = add()
    assert first.status_code == 302
    assert Post.objects.filter(cadre=cadre).count() == 1

    second = add()

    assert second.status_code == 200
    assert ALREADY_HOLDS in text(second)
    assert Post.objects.filter(cadre=cadre).count() == 1


# 9. The township page counts what the user sees ------------------------------------------------


def test_the_township_page_counts_only_what_the_grid_leader_sees(world, login):
    client = login(world.users["leader"])

    response = client.get(reverse("villages:township", args=[world.places["t1"].pk]))

    assert response.status_code == 200
    rows = {village.name: (village.grid_total, village.household_total) for village in response.context["villages"]}
    # v1 has two grids and four households; the leader sees G1 with g1a, g1a_other and g1b
    assert rows == {"郑荣村": (1, 3)}
    assert re.search(r'郑荣村</a></td><td class="text-end">1</td><td class="text-end">3</td>', page(response))

    township = login(world.users["township"]).get(reverse("villages:township", args=[world.places["t1"].pk]))
    rows = {village.name: (village.grid_total, village.household_total) for village in township.context["villages"]}
    assert rows == {"郑荣村": (2, 4), "跃进村": (1, 1)}


# 10. Care categories recorded on residents ----------------------------------------------------


def test_a_category_on_a_resident_counts_and_filters(world, login):
    needy = category(CareCategory.Code.NEEDY)
    world.residents["g1b"].categories.add(needy)
    # recorded on both the household and its resident: still one household
    world.households["g1a"].categories.add(needy)
    world.residents["g1a"].categories.add(needy)
    client = login(world.users["leader"])

    assert category_table(client)[CareCategory.Code.NEEDY] == 2
    found = listed(client.get(reverse("villages:household_list"), {"category": needy.pk}))
    assert sorted(found) == ["户主g1a", "户主g1b"]


def test_a_sensitive_category_on_a_resident_is_counted_only_where_allowed(world, login):
    petitioner = category(CareCategory.Code.PETITIONER)
    world.residents["g1a"].categories.add(petitioner)
    list_url = reverse("villages:household_list")

    # the leader may see sensitive categories in G1: it counts and filters
    leader = login(world.users["leader"])
    assert category_table(leader)[CareCategory.Code.PETITIONER] == 1
    assert listed(leader.get(list_url, {"category": petitioner.pk})) == ["户主g1a"]

    # the grid member sees the household but not its sensitive categories
    member = login(world.users["member"])
    assert "户主g1a" in listed(member.get(list_url))
    assert category_table(member).get(CareCategory.Code.PETITIONER, 0) == 0
    assert "户主g1a" not in listed(member.get(list_url, {"category": petitioner.pk}))


def test_a_sensitive_category_elsewhere_does_not_open_this_household(world, login):
    """The neighbour may see sensitive categories in G2 and, as a grid member of G1 too, sees g1a."""
    factories.post(world.cadres["neighbour"], Role.GRID_MEMBER, grid=world.places["G1"])
    petitioner = category(CareCategory.Code.PETITIONER)
    world.residents["g1a"].categories.add(petitioner)
    world.residents["g2"].categories.add(petitioner)
    list_url = reverse("villages:household_list")
    client = login(world.users["neighbour"])

    assert "户主g1a" in listed(client.get(list_url))
    assert category_table(client)[CareCategory.Code.PETITIONER] == 1  # g2's only
    assert listed(client.get(list_url, {"category": petitioner.pk})) == ["户主g2"]


# 11. Search by phone tail --------------------------------------------------------------------


def test_full_width_digits_find_a_household_by_its_phone_tail(world, login):
    household = world.households["g1b"]
    household.phone = "13955501234"
    household.save()
    client = login(world.users["leader"])
    list_url = reverse("villages:household_list")

    assert listed(client.get(list_url, {"q": "５５０１２３４"})) == ["户主g1b"]
    assert listed(client.get(list_url, {"q": "５５０　１２３４"})) == ["户主g1b"]  # with an ideographic space


def test_a_residents_own_mobile_tail_finds_their_household(world, login):
    resident = world.residents["g1a_other"]
    resident.phone = "13766668888"
    resident.save()
    assert not Household.objects.get(pk=world.households["g1a_other"].pk).phone.endswith("66668888")
    client = login(world.users["leader"])
    list_url = reverse("villages:household_list")

    assert listed(client.get(list_url, {"q": "66668888"})) == ["户主其他"]
    assert listed(client.get(list_url, {"q": "６６６６８８８８"})) == ["户主其他"]


# 12. The cadre directory ----------------------------------------------------------------------


def test_the_directory_shows_township_staff_the_cadres_without_a_current_post(world, login):
    fresh = factories.CadreFactory(township=world.places["t1"], name="郑新来", user=None)
    between = factories.CadreFactory(township=world.places["t1"], name="郑待岗", user=None)
    Post.objects.create(
        cadre=between,
        role=Role.GRID_MEMBER,
        township=world.places["t1"],
        grid=world.places["G2"],
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2023, 1, 1),
    )
    url = reverse("villages:cadre_list")

    staff = login(world.users["township"]).get(url)
    assert staff.status_code == 200
    shown = {cadre.pk: cadre for cadre in staff.context["cadres"]}
    for cadre in (fresh, between):
        assert cadre.pk in shown and shown[cadre.pk].current_posts == []
        row = re.search(rf"<tr>\s*<td><a [^>]*>{cadre.name}</a>.*?</tr>", page(staff), re.S)
        assert row and NO_CURRENT_POST in row.group(0)

    leader = login(world.users["leader"]).get(url)
    assert leader.status_code == 200
    assert not {fresh.pk, between.pk} & {cadre.pk for cadre in leader.context["cadres"]}
    assert "郑新来" not in page(leader) and "郑待岗" not in page(leader)
    assert world.cadres["neighbour"].name in page(leader)  # cadres with a post are listed

    elsewhere = login(world.users["other_township"]).get(url)
    assert "郑新来" not in page(elsewhere)


# 13. "New household" on the group page ----------------------------------------------------


def test_the_group_page_offers_a_new_household_in_the_group_to_the_leader_only(world, login):
    group = world.places["g1a"]
    url = reverse("villages:group", args=[group.pk])
    link = f"{reverse('villages:household_create')}?group={group.pk}"

    leader = login(world.users["leader"])
    response = leader.get(url)
    assert response.status_code == 200
    assert f'href="{link}"' in page(response)

    form = leader.get(link).context["form"]
    assert str(form["group"].value()) == str(group.pk)
    assert re.search(rf'<option value="{group.pk}" selected>', str(form["group"]))

    representative = login(world.users["representative"]).get(url)
    assert representative.status_code == 200
    assert link not in page(representative)
    assert reverse("villages:household_create") not in page(representative)


# 14. Replacing a cadre's photo -------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_replacing_a_photo_deletes_the_old_file(world, login, media, django_capture_on_commit_callbacks):
    cadre = world.cadres["leader"]
    client = login(world.users["township"])
    url = reverse("villages:cadre_edit", args=[cadre.pk])

    def upload(colour):
        data = form_data(client.get(url).context["form"], photo=jpeg(colour))
        data.pop("photo-clear", None)
        return client.post(url, data)

    assert upload((255, 0, 0)).status_code == 302
    cadre.refresh_from_db()
    first = cadre.photo.name
    assert first and default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        assert upload((0, 0, 255)).status_code == 302

    cadre.refresh_from_db()
    second = cadre.photo.name
    assert second and second != first
    assert default_storage.exists(second)
    assert not default_storage.exists(first)


# 15. The locked-out page says how long to wait ----------------------------------------------


def test_the_locked_out_page_says_how_long_to_wait(db):
    factories.UserFactory(username="zhengzhangmu")
    login_url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(login_url, {"username": "zhengzhangmu", "password": "wrong-horse-battery"})

    client = Client()
    locked = client.post(login_url, {"username": "zhengzhangmu", "password": "correct-horse-battery"})

    assert locked.status_code == 429
    assert "Wait 15 minutes and try again" in text(locked)
    assert "_auth_user_id" not in client.session
