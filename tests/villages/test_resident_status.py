"""A death or a move away is recorded on the resident, who then no longer counts among the people."""

from django.urls import reverse

from tests import factories
from villages.models import Grid, Resident


def edit_status(client, resident, status):
    data = {"name": resident.name, "id_number": "", "phone": "", "relation": resident.relation, "status": status}
    return client.post(reverse("villages:resident_edit", args=[resident.pk]), data)


def test_a_deceased_resident_stays_on_record_but_leaves_the_counts(world, login):
    household = world.households["g1b"]
    spouse = factories.ResidentFactory(household=household, relation="spouse")
    client = login(world.users["leader"])
    people_before = Grid.objects.with_size().get(pk=world.places["G1"].pk).people_count

    assert edit_status(client, spouse, Resident.Status.DECEASED).status_code == 302

    spouse.refresh_from_db()
    assert spouse.status == Resident.Status.DECEASED
    assert Grid.objects.with_size().get(pk=world.places["G1"].pk).people_count == people_before - 1
    listed = client.get(reverse("villages:household_list"), {"q": household.head_name}).context["table"]
    assert [row.record.resident_count for row in listed.rows] == [1]
    page = client.get(household.get_absolute_url()).content.decode()
    assert spouse.name in page and "Deceased" in page
    home = client.get(reverse("home")).context["registry"]
    assert home["residents"] == Resident.objects.for_user(world.users["leader"]).present().count()
    assert not Resident.objects.present().filter(pk=spouse.pk).exists()


def test_a_deceased_residents_care_category_no_longer_counts(world, login):
    from villages.models import CareCategory

    disabled = CareCategory.objects.get(code="disabled")
    resident = factories.ResidentFactory(household=world.households["g1b"], relation="parent")
    resident.categories.add(disabled)
    client = login(world.users["leader"])

    def disabled_count():
        return {c.code: n for c, n in client.get(reverse("home")).context["registry"]["categories"]}["disabled"]

    assert disabled_count() == 1
    edit_status(client, resident, Resident.Status.DECEASED)
    assert disabled_count() == 0
    listed = client.get(reverse("villages:household_list"), {"category": disabled.pk}).context["table"]
    assert listed.paginator.count == 0
