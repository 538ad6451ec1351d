"""Privacy by default: no page shows a full ID number, a reveal is a logged POST, and the sensitive
care categories (petitioner, community corrections, stability) stay with the roles that need them."""

import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests import factories
from tests.test_access_matrix import (
    CASES,
    PAGES,
    PERSONAS,
    expected,
    fetch,
    is_html,
    is_pdf,
    pdf_text,
    prepare,
)
from villages.models import CareCategory, IdReveal, Post

FULL_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


# ---------------------------------------------------------------------------------------------
# (a) No page shows a full ID number.


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_no_page_shows_a_full_id_number(world, client, persona):
    prepare(world)
    pages = [
        (name, target)
        for name, who, target in CASES
        if who == persona and PAGES[name].method == "get" and expected(persona, name, target) == 200
    ]
    assert pages, f"the matrix opens no page at all to {persona}"
    shown = []
    for name, target in pages:
        response, body = fetch(client, world, persona, name, target)
        assert response.status_code == 200, (name, target)
        if is_html(response) or is_pdf(response):  # the prints' PDFs by their text layer
            text = pdf_text(body) if is_pdf(response) else body.decode()
            shown += [(name, target, number) for number in FULL_ID_NUMBER.findall(text)]
    assert not shown, f"full ID numbers on pages of {persona}: {shown}"


def test_the_resident_page_shows_the_masked_number(world, login):
    """The counterpart of the test above: the number is there, masked, so the search was not vacuous."""
    resident = world.residents["g1a"]
    body = login(world.users["leader"]).get(resident.get_absolute_url()).content.decode()
    assert resident.masked_id_number in body
    assert resident.id_number[-4:] in body
    assert resident.id_number not in body


# ---------------------------------------------------------------------------------------------
# (b) Revealing a number: a POST with a reason, one audit row, never cached.


def reveal_url(resident):
    return reverse("villages:resident_reveal", args=[resident.pk])


def test_a_reveal_with_a_reason_shows_the_number_and_writes_one_audit_row(world, login):
    resident, leader = world.residents["g1a"], world.users["leader"]
    reason = "Checking the identity for a pension application"

    response = login(leader).post(reveal_url(resident), {"reason": reason}, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    assert resident.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = IdReveal.objects.get()
    assert (reveal.user, reveal.resident, reveal.reason, reveal.ip_address) == (leader, resident, reason, "10.1.2.3")
    for name, value in model_to_dict(reveal).items():
        assert not FULL_ID_NUMBER.search(str(value)), f"the audit row keeps a full ID number in {name}"
    assert resident.id_number not in str(reveal)


def test_each_reveal_writes_its_own_row(world, login):
    client = login(world.users["village"])
    resident = world.residents["g2"]
    for reason in ("Pension application", "Medical insurance renewal"):
        assert client.post(reveal_url(resident), {"reason": reason}).status_code == 200
    assert sorted(IdReveal.objects.values_list("reason", flat=True)) == [
        "Medical insurance renewal",
        "Pension application",
    ]


@pytest.mark.parametrize("reason", ["", "   ", "abc"])
def test_a_reveal_without_a_real_reason_is_refused_and_not_logged(world, login, reason):
    resident = world.residents["g1a"]

    response = login(world.users["leader"]).post(reveal_url(resident), {"reason": reason})

    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body or "Ensure this value has at least 4 characters" in body
    assert 'class="invalid-feedback' in body  # shown as a form error, next to the field
    assert resident.id_number not in body
    assert not FULL_ID_NUMBER.search(body)
    assert "no-store" in response["Cache-Control"]
    assert not IdReveal.objects.exists()


def test_a_grid_member_may_not_reveal(world, login):
    resident = world.residents["g1a"]

    response = login(world.users["member"]).post(reveal_url(resident), {"reason": "Pension application"})

    assert response.status_code == 403
    assert resident.id_number not in response.content.decode()
    assert not IdReveal.objects.exists()


def test_a_reveal_outside_the_scope_is_not_found_and_not_logged(world, login):
    resident = world.residents["g2"]

    response = login(world.users["leader"]).post(reveal_url(resident), {"reason": "Pension application"})

    assert response.status_code == 404
    assert resident.id_number not in response.content.decode()
    assert not IdReveal.objects.exists()


# ---------------------------------------------------------------------------------------------
# (c) Sensitive care categories.

SENSITIVE = sorted(CareCategory.SENSITIVE)
PLAIN = CareCategory.Code.NEEDY


def labels(codes):
    return [str(CareCategory.Code(code).label) for code in codes]


def badge(label):
    return f'<span class="badge text-bg-light border">{label}</span>'


@pytest.fixture
def flagged(world):
    """The g1a household and its head carry every sensitive category and one plain one."""
    categories = CareCategory.objects.filter(code__in=[*SENSITIVE, PLAIN])
    world.households["g1a"].categories.set(categories)
    world.residents["g1a"].categories.set(categories)
    return world


def category_pages(world):
    return {
        "household list": reverse("villages:household_list"),
        "household": world.households["g1a"].get_absolute_url(),
        "resident": world.residents["g1a"].get_absolute_url(),
    }


def test_the_grid_leader_sees_the_sensitive_categories(flagged, login):
    client = login(flagged.users["leader"])
    for page, url in category_pages(flagged).items():
        body = client.get(url).content.decode()
        for label in [*labels(SENSITIVE), CareCategory.Code(PLAIN).label]:
            assert badge(label) in body, f"{page} hides {label} from the grid leader"


@pytest.mark.parametrize("persona", ["member", "representative"])
def test_others_do_not_see_the_sensitive_categories(flagged, login, persona):
    client = login(flagged.users[persona])
    for page, url in category_pages(flagged).items():
        response = client.get(url)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert badge(CareCategory.Code(PLAIN).label) in body, f"{page} should still show the plain category"
        for label in labels(SENSITIVE):
            assert label not in body, f"{page} shows {label} to the {persona}"


def test_a_member_editing_a_household_keeps_the_categories_they_cannot_see(flagged, login):
    household = flagged.households["g1a"]
    client = login(flagged.users["member"])
    url = reverse("villages:household_edit", args=[household.pk])
    form = client.get(url).context["form"]
    assert not set(form.fields["categories"].queryset.values_list("code", flat=True)) & set(SENSITIVE)

    low_income = CareCategory.objects.get(code=CareCategory.Code.LOW_INCOME)
    response = client.post(
        url,
        {
            "head_name": household.head_name,
            "address": "新地址 8 号",
            "phone": household.phone,
            "residence": household.residence,
            "responsible_cadre": household.responsible_cadre_id,
            "contact_representative": household.contact_representative_id,
            "categories": [low_income.pk],  # the member drops "needy" and adds "low income"
            "notes": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    household.refresh_from_db()
    assert household.address == "新地址 8 号"
    assert set(household.categories.values_list("code", flat=True)) == {*SENSITIVE, CareCategory.Code.LOW_INCOME}


def test_a_member_editing_a_resident_keeps_the_categories_they_cannot_see(flagged, login):
    resident = flagged.residents["g1a"]
    client = login(flagged.users["member"])
    response = client.post(
        reverse("villages:resident_edit", args=[resident.pk]),
        {
            "name": resident.name,
            "id_number": "",  # empty keeps the number
            "phone": "",
            "relation": resident.relation,
            "status": resident.status,
            "categories": [],
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    resident.refresh_from_db()
    assert set(resident.categories.values_list("code", flat=True)) == set(SENSITIVE)


@pytest.fixture
def two_posts(world, login):
    """A two-committee member of v1 (no sensitive categories) who also leads grid G1 (sensitive
    categories there): common in a village, and the case where "anywhere" is not "here".
    Petitioners: the g1a household (in G1) and the g2 household (in G2, outside the leadership)."""
    petitioner = CareCategory.objects.get(code=CareCategory.Code.PETITIONER)
    world.households["g1a"].categories.add(petitioner)
    world.households["g2"].categories.add(petitioner)
    cadre = factories.CadreFactory(township=world.places["t1"], name="郑两委", user__username="two_posts")
    factories.post(cadre, Post.Role.COMMITTEE_MEMBER, village=world.places["v1"])
    factories.post(cadre, Post.Role.GRID_LEADER, grid=world.places["G1"])
    return world, login(cadre.user), petitioner


def test_two_posts_see_a_sensitive_category_only_in_the_grid_they_lead(two_posts):
    world, client, _ = two_posts
    label = str(CareCategory.Code.PETITIONER.label)
    assert badge(label) in client.get(world.households["g1a"].get_absolute_url()).content.decode()
    g2 = client.get(world.households["g2"].get_absolute_url())
    assert g2.status_code == 200
    assert label not in g2.content.decode()


def test_the_category_filter_does_not_find_sensitive_households_where_they_are_hidden(two_posts):
    world, client, petitioner = two_posts

    listed = client.get(reverse("villages:household_list"), {"category": petitioner.pk})

    assert listed.status_code == 200
    heads = {household.head_name for household in listed.context["table"].data}
    assert world.households["g1a"].head_name in heads
    assert world.households["g2"].head_name not in heads, "the filter tells that g2 is a petitioner household"


def test_the_dashboard_counts_sensitive_households_only_where_they_are_visible(two_posts):
    _, client, _ = two_posts

    counts = dict(client.get(reverse("home")).context["registry"]["categories"])

    petitioner = next(c for c in counts if c.code == CareCategory.Code.PETITIONER)
    assert counts[petitioner] == 1, "the dashboard counts the hidden petitioner household in G2"
