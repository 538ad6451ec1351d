"""Township staff register cadres, give them posts and end them; everyone finds them in the directory."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from villages.jurisdiction import REGISTRY_LEVELS, jurisdiction_for
from villages.models import Cadre, Post

STRONG_PASSWORD = "a-long-pass-phrase-9"


def new_cadre(client, township, **extra):
    data = {"township": township.pk, "name": "新干部", "phone": "13712345678", "duties": "走访群众", **extra}
    return client.post(reverse("villages:cadre_create"), data)


def test_township_staff_register_a_cadre_with_a_login(world, login):
    client = login(world.users["township"])
    response = new_cadre(client, world.places["t1"], username="xinganbu", password=STRONG_PASSWORD)
    cadre = Cadre.objects.get(name="新干部")
    assert response.status_code == 302
    assert response["Location"] == reverse("villages:post_create", args=[cadre.pk])
    assert cadre.user.username == "xinganbu"
    assert cadre.user.check_password(STRONG_PASSWORD)
    assert cadre.township == world.places["t1"]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"phone": "0591-83456789"}, "phone", "landline"),
        ({"username": "leader", "password": STRONG_PASSWORD}, "username", "This user name is taken."),
        ({"username": "someone"}, "password", "Give an initial password"),
        ({"username": "someone", "password": "123"}, "password", "too short"),
    ],
)
def test_a_bad_cadre_form_says_why_and_writes_nothing(world, login, extra, field, message):
    client = login(world.users["township"])
    before = Cadre.objects.count()
    response = new_cadre(client, world.places["t1"], **extra)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cadre.objects.count() == before


def test_a_cadre_cannot_be_registered_in_another_township(world, login):
    client = login(world.users["township"])
    response = new_cadre(client, world.places["t2"])
    assert response.status_code == 200
    assert not Cadre.objects.filter(name="新干部").exists()


def test_a_grid_post_keeps_only_its_grid_and_gives_the_grid(world, login):
    cadre = world.cadres["member"]
    client = login(world.users["township"])
    response = client.post(
        reverse("villages:post_create", args=[cadre.pk]),
        {
            "role": "grid_leader",
            "grid": world.places["G2"].pk,
            "village": world.places["v1"].pk,
            "started_on": "2026-01-01",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(cadre=cadre, role="grid_leader")
    assert post.grid == world.places["G2"]
    assert post.village is None
    assert post.township == world.places["t1"]


def test_a_post_outside_the_township_or_without_its_place_is_refused(world, login):
    cadre = world.cadres["member"]
    client = login(world.users["township"])
    url = reverse("villages:post_create", args=[cadre.pk])
    other_township = client.post(
        url, {"role": "grid_leader", "grid": world.places["H1"].pk, "started_on": "2026-01-01"}
    )
    no_place = client.post(url, {"role": "grid_leader", "started_on": "2026-01-01"})
    half_range = client.post(
        url, {"role": "resident_cadre", "village": world.places["v1"].pk, "first_group": 2, "started_on": "2026-01-01"}
    )
    assert other_township.status_code == no_place.status_code == half_range.status_code == 200
    assert "This role is posted to a grid" in no_place.content.decode()
    assert "Give both ends of the group range" in half_range.content.decode()
    assert not Post.objects.filter(cadre=cadre).exclude(role="grid_member").exists()


def test_ending_a_post_ends_its_access_and_keeps_its_history(world, login, client):
    post = Post.objects.get(cadre=world.cadres["leader"])
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    login(world.users["township"])
    response = client.post(reverse("villages:post_end", args=[post.pk]), {"ended_on": yesterday.isoformat()})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.ended_on == yesterday
    leader = User.objects.get(pk=world.users["leader"].pk)  # a fresh request's user
    assert not jurisdiction_for(leader).has_any("view", REGISTRY_LEVELS)
    page = client.get(reverse("villages:cadre", args=[world.cadres["leader"].pk])).content.decode()
    assert "Grid leader" in page  # the ended post stays in the cadre's history


def test_ending_a_post_twice_or_before_it_started_is_refused(world, login):
    post = Post.objects.get(cadre=world.cadres["leader"])
    client = login(world.users["township"])
    url = reverse("villages:post_end", args=[post.pk])
    client.post(url, {"ended_on": "2019-01-01"}, follow=True)
    post.refresh_from_db()
    assert post.ended_on is None
    client.post(url, {"ended_on": "2021-01-01"})
    response = client.post(url, {"ended_on": "2022-01-01"}, follow=True)
    post.refresh_from_db()
    assert post.ended_on == datetime.date(2021, 1, 1)
    assert "already ended" in response.content.decode()


def test_only_township_staff_manage_cadres(world, login):
    post = Post.objects.get(cadre=world.cadres["member"])
    for persona in ("leader", "village", "representative"):
        client = login(world.users[persona])
        assert client.get(reverse("villages:cadre_create")).status_code == 403
        assert client.get(reverse("villages:post_create", args=[world.cadres["member"].pk])).status_code == 403
        assert client.post(reverse("villages:post_end", args=[post.pk]), {"ended_on": "2026-01-01"}).status_code == 403
    post.refresh_from_db()
    assert post.ended_on is None


def test_the_directory_filters_by_village_role_and_pinyin(world, login):
    client = login(world.users["township"])
    url = reverse("villages:cadre_list")
    by_role = client.get(url, {"role": "grid_leader"}).content.decode()
    assert "郑章木" in by_role and "郑玉才" in by_role and "郑忠兴" not in by_role
    by_village = client.get(url, {"village": world.places["v1"].pk}).content.decode()
    assert "郑章木" in by_village and "林秀英" not in by_village
    by_pinyin = client.get(url, {"q": "zhengzhang"}).content.decode()
    assert "郑章木" in by_pinyin and "郑玉才" not in by_pinyin


def test_the_directory_shows_only_the_users_townships(world, login):
    page = login(world.users["department"]).get(reverse("villages:cadre_list")).content.decode()
    assert "郑章木" in page
    assert "白玉" not in page
