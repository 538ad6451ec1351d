"""Enterprises and facilities recorded on the grid they lie in."""

from django.urls import reverse

from villages.models import Place


def test_a_grid_leader_records_a_facility_on_their_grid(world, login):
    client = login(world.users["leader"])
    grid = world.places["G1"]
    data = {
        "kind": "well",
        "name": "村口古井",
        "address": "第1组",
        "contact_name": "郑伯",
        "contact_phone": "0595-87654321",
    }
    response = client.post(reverse("villages:place_create", args=[grid.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == grid.get_absolute_url()
    place = Place.objects.get(name="村口古井")
    assert place.grid == grid
    page = client.get(grid.get_absolute_url()).content.decode()
    assert "村口古井" in page and reverse("villages:place_edit", args=[place.pk]) in page


def test_a_bad_contact_phone_is_refused_with_a_message(world, login):
    client = login(world.users["leader"])
    data = {"kind": "clinic", "name": "卫生室", "contact_phone": "12345"}
    response = client.post(reverse("villages:place_create", args=[world.places["G1"].pk]), data)
    assert response.status_code == 200
    assert "landline with its area code" in response.content.decode()
    assert not Place.objects.exists()


def test_editing_keeps_the_place_in_its_grid(world, login):
    place = Place.objects.create(grid=world.places["G1"], kind="enterprise", name="石雕厂")
    client = login(world.users["member"])
    data = {"kind": "enterprise", "name": "石雕厂（新）", "grid": world.places["G2"].pk}
    response = client.post(reverse("villages:place_edit", args=[place.pk]), data)
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "石雕厂（新）"
    assert place.grid == world.places["G1"]


def test_those_who_only_open_the_grid_see_its_places_but_cannot_record_them(world, login):
    Place.objects.create(grid=world.places["G1"], kind="school", name="郑荣小学")
    client = login(world.users["representative"])
    assert "郑荣小学" in client.get(world.places["G1"].get_absolute_url()).content.decode()
    assert client.get(reverse("villages:place_create", args=[world.places["G1"].pk])).status_code == 403
    assert not Place.objects.for_user(world.users["neighbour"]).exists()
