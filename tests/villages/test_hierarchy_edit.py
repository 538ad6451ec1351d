"""Township staff keep the hierarchy: new villages, grids and groups, renaming, and re-gridding."""

from django.urls import reverse

from villages.models import Grid, Household, Village, VillagerGroup


def test_township_staff_build_a_village_with_a_grid_and_a_group(world, login):
    client = login(world.users["township"])
    t1 = world.places["t1"]
    response = client.post(reverse("villages:village_create", args=[t1.pk]), {"name": "新建村"})
    village = Village.objects.get(name="新建村")
    assert response.status_code == 302 and village.township == t1
    client.post(reverse("villages:grid_create", args=[village.pk]), {"number": 1, "name": "第一网格"})
    grid = Grid.objects.get(village=village)
    response = client.post(
        reverse("villages:group_create", args=[village.pk]), {"number": 1, "name": "第1组", "grid": grid.pk}
    )
    assert response.status_code == 302
    assert VillagerGroup.objects.get(village=village).grid == grid


def test_a_duplicate_number_or_a_grid_of_another_village_is_refused(world, login):
    client = login(world.users["township"])
    v1 = world.places["v1"]
    duplicate = client.post(reverse("villages:grid_create", args=[v1.pk]), {"number": 1, "name": "重复"})
    assert duplicate.status_code == 200
    assert "already has a grid with that number" in duplicate.content.decode()
    foreign = client.post(
        reverse("villages:group_create", args=[v1.pk]), {"number": 9, "name": "第9组", "grid": world.places["G3"].pk}
    )
    assert foreign.status_code == 200
    assert not VillagerGroup.objects.filter(number=9).exists()


def test_regridding_a_group_moves_its_households_and_the_teams_see_it(world, login):
    g1b = world.places["g1b"]
    client = login(world.users["township"])
    response = client.post(
        reverse("villages:group_edit", args=[g1b.pk]),
        {"number": g1b.number, "name": g1b.name, "grid": world.places["G2"].pk},
    )
    assert response.status_code == 302
    assert Household.objects.get(pk=world.households["g1b"].pk).grid == world.places["G2"]
    household_url = world.households["g1b"].get_absolute_url()
    assert login(world.users["neighbour"]).get(household_url).status_code == 200
    assert login(world.users["leader"]).get(household_url).status_code == 404


def test_only_township_staff_see_the_hierarchy_buttons(world, login):
    village_url = world.places["v1"].get_absolute_url()
    assert (
        reverse("villages:grid_create", args=[world.places["v1"].pk])
        in login(world.users["township"]).get(village_url).content.decode()
    )
    assert (
        reverse("villages:grid_create", args=[world.places["v1"].pk])
        not in login(world.users["village"]).get(village_url).content.decode()
    )


def test_a_groups_number_cannot_be_changed_because_posts_cover_groups_by_number(world, login):
    g1a = world.places["g1a"]
    client = login(world.users["township"])
    client.post(reverse("villages:group_edit", args=[g1a.pk]), {"number": 7, "name": "改名组", "grid": g1a.grid_id})
    g1a.refresh_from_db()
    assert g1a.number == 1 and g1a.name == "改名组"


def test_the_group_page_keeps_its_grid_changes(world, login):
    g1b = world.places["g1b"]
    client = login(world.users["township"])
    client.post(
        reverse("villages:group_edit", args=[g1b.pk]),
        {"number": g1b.number, "name": g1b.name, "grid": world.places["G2"].pk},
    )
    page = client.get(g1b.get_absolute_url()).content.decode()
    assert "Grid changes" in page and "第一网格 → 第二网格" in page
