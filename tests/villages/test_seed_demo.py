"""`manage.py seed_demo`: the demo township holds the seed's own people in their posts, valid
identity data, a mix of grid sizes, and the command is safe to rerun and refuses production."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q

from villages import demo, identity, pinyin
from villages.jurisdiction import Action
from villages.models import (
    Cadre,
    CareCategory,
    Grid,
    Household,
    HouseholdMove,
    Place,
    Post,
    Resident,
    Township,
    Village,
    VillagerGroup,
)

pytestmark = pytest.mark.django_db

SMALL = 400
Role = Post.Role
Code = CareCategory.Code


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _debug(settings):
    """pytest-django runs tests with DEBUG off; the command needs it on (or --force)."""
    settings.DEBUG = True


@pytest.fixture
def seeded():
    return seed(households=SMALL)


def holders(role, **node):
    return sorted(Post.objects.current().filter(role=role, **node).values_list("cadre__name", flat=True))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Township,
            Village,
            Grid,
            VillagerGroup,
            Cadre,
            Post,
            Household,
            Resident,
            Place,
            HouseholdMove,
            get_user_model(),
            Household.categories.through,
            Resident.categories.through,
        )
    }


def test_township_of_nine_villages_with_the_requested_number_of_households(seeded):
    township = Township.objects.get(name="青山乡")
    assert (township.region_code, township.supervision_phone) == ("350521", "0595-87654321")
    names = set(Village.objects.filter(township=township).values_list("name", flat=True))
    assert len(names) == 9
    assert {"郑荣村", "跃进村"} <= names
    assert Household.objects.filter(township=township).count() == SMALL
    sizes = Household.objects.annotate(
        n=Count("residents"), heads=Count("residents", filter=Q(residents__relation="head"))
    )
    assert all(1 <= h.n <= 6 and h.heads == 1 for h in sizes)


def test_zheng_rong_grids_are_the_seeds_grids(seeded):
    village = Village.objects.get(name="郑荣村")
    groups = VillagerGroup.objects.filter(village=village).order_by("number")
    assert [(g.number, g.name) for g in groups] == [(n, f"第{n}组") for n in range(1, 14)]

    grid1 = Grid.objects.get(village=village, number=1)
    assert grid1.name == "第一网格"
    assert list(grid1.groups.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert holders(Role.GRID_LEADER, grid=grid1) == ["郑章木"]
    assert set(holders(Role.GRID_MEMBER, grid=grid1)) == {"郑忠兴", "郑敏鸽", "陈贤兰"}

    grid2 = Grid.objects.get(village=village, number=2)
    assert grid2.name == "第二网格"
    assert list(grid2.groups.order_by("number").values_list("number", flat=True)) == list(range(7, 14))
    assert holders(Role.GRID_LEADER, grid=grid2) == ["郑玉才"]
    assert set(holders(Role.GRID_MEMBER, grid=grid2)) == {"郑建海", "郑淑琼"}
    assert Grid.objects.filter(village=village).count() == 2


def test_zheng_rong_area_chief_and_resident_cadres(seeded):
    village = Village.objects.get(name="郑荣村")
    assert holders(Role.AREA_CHIEF, village=village) == ["庄金鸿"]
    ranges = {
        post.cadre.name: (post.first_group, post.last_group)
        for post in Post.objects.current().filter(role=Role.RESIDENT_CADRE, village=village).select_related("cadre")
    }
    assert ranges == {"刘惠明": (1, 4), "刘俊辉": (5, 6), "郑惠坚": (7, 10), "连晓芳": (11, 13)}


def test_township_staff_and_departments(seeded):
    township = Township.objects.get(name="青山乡")
    assert Post.objects.filter(township=township, role=Role.TOWNSHIP_STAFF).count() == 2
    departments = Post.objects.filter(role=Role.DEPARTMENT_OFFICER).values_list("department", flat=True)
    assert sorted(departments) == sorted(["民政办", "派出所"])


def test_every_village_has_its_leaders_grids_and_representatives(seeded):
    for village in Village.objects.all():
        assert holders(Role.VILLAGE_SECRETARY, village=village), village
        assert holders(Role.VILLAGE_DIRECTOR, village=village), village
        grids = list(Grid.objects.filter(village=village))
        assert 2 <= len(grids) <= 4
        for grid in grids:
            n_groups = grid.groups.count()
            if village.name != "郑荣村":
                assert 3 <= n_groups <= 6, grid
            assert len(holders(Role.GRID_LEADER, grid=grid)) == 1, grid
            assert 1 <= len(holders(Role.GRID_MEMBER, grid=grid)) <= 3, grid
    assert Post.objects.filter(role__in=[Role.INFORMATION_OFFICER, Role.SUPERVISOR]).exists()

    for group in VillagerGroup.objects.annotate(n=Count("households")):
        posts = Post.objects.current().filter(role=Role.REPRESENTATIVE, group=group)
        assert posts.count() == 1, group
        contacts = Household.objects.filter(contact_representative=posts.get().cadre)
        assert not contacts.exclude(group=group).exists()
        assert min(group.n, 10) <= contacts.count() <= 40


def test_households_sit_in_their_groups_with_a_carer_from_their_grid(seeded):
    carers = {}
    for post in Post.objects.filter(role__in=[Role.GRID_LEADER, Role.GRID_MEMBER]):
        carers.setdefault(post.grid_id, set()).add(post.cadre_id)
    for household in Household.objects.select_related("group__village"):
        group = household.group
        assert (household.grid_id, household.village_id, household.township_id) == (
            group.grid_id,
            group.village_id,
            group.village.township_id,
        )
        assert household.address.startswith(f"{group.village.name}{group.name}")
        assert household.head_pinyin == pinyin.name_pinyin(household.head_name)
        assert household.head_initials == pinyin.name_initials(household.head_name)
        assert household.responsible_cadre_id in carers[household.grid_id]
    for move in HouseholdMove.objects.select_related("household"):
        assert move.household.group_id == move.to_group_id != move.from_group_id


def test_identity_numbers_and_phones_are_valid_and_derived_fields_match(seeded):
    residents = list(Resident.objects.select_related("household"))
    assert len({r.id_number for r in residents}) == len(residents)
    for r in residents:
        identity.validate_id_number(r.id_number)
        assert r.birth_date == identity.birth_date_from_id(r.id_number)
        assert r.sex == identity.sex_from_id(r.id_number)
        assert r.id_last4 == r.id_number[-4:]
        assert (r.name_pinyin, r.name_initials) == (pinyin.name_pinyin(r.name), pinyin.name_initials(r.name))
        if r.phone:
            identity.validate_mobile(r.phone)
    phones = [*Household.objects.exclude(phone="").values_list("phone", flat=True)]
    phones += Cadre.objects.values_list("phone", flat=True)
    assert len(phones) > SMALL
    for phone in phones:
        identity.validate_mobile(phone)


def test_birth_dates_are_plausible_for_the_relation(seeded):
    heads = {r.household_id: r for r in Resident.objects.filter(relation="head")}
    for r in Resident.objects.exclude(relation="head"):
        head = heads[r.household_id]
        if r.relation in ("child", "grandchild"):
            assert r.birth_date > head.birth_date, r
        if r.relation == "parent":
            assert r.birth_date < head.birth_date, r
        if r.relation == "spouse":
            assert r.sex != head.sex
            assert abs((r.birth_date - head.birth_date).days) < 10 * 366
    assert Resident.objects.filter(birth_date__gt=demo.REFERENCE_DATE).count() == 0


def test_care_categories_follow_the_household(seeded):
    migrant = Household.objects.filter(categories__code=Code.MIGRANT)
    floating = Household.objects.filter(residence=Household.Residence.FLOATING)
    assert set(migrant) == set(floating)
    assert Household.objects.filter(categories__code=Code.LOW_INCOME).exists()
    resident_codes = set(Resident.categories.through.objects.values_list("carecategory__code", flat=True))
    assert resident_codes <= {Code.DISABLED, Code.ELDERLY_ALONE}
    for resident in Resident.objects.filter(categories__code=Code.ELDERLY_ALONE):
        assert resident.household.categories.filter(code=Code.ELDERLY_ALONE).exists()
        assert resident.birth_date.year <= demo.REFERENCE_DATE.year - 60
    statuses = set(Resident.objects.values_list("status", flat=True))
    assert {"registered", "floating"} <= statuses


def test_every_cadre_can_sign_in_with_the_demo_password(seeded):
    cadres = Cadre.objects.select_related("user")
    assert cadres.count() > 100
    for cadre in cadres:
        user = cadre.user
        assert user is not None, cadre
        assert re.fullmatch(re.escape(cadre.name_pinyin) + r"\d*", user.username), (cadre, user)
        assert user.first_name == cadre.name
        assert not user.is_staff and not user.is_superuser
        assert cadre.duties
    leader = get_user_model().objects.get(username="zhengzhangmu")
    assert leader.check_password(demo.DEMO_PASSWORD)
    assert leader.cadre.name == "郑章木"
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(demo.DEMO_PASSWORD)

    assert demo.DEMO_PASSWORD in seeded
    rows = [line.split() for line in seeded.splitlines()]
    assert ["Grid", "leader", "郑章木", "zhengzhangmu", "郑荣村", "第一网格"] in rows
    assert any(row[-4:] == ["liuhuiming", "郑荣村", "groups", "1–4"] for row in rows)


def test_rerun_changes_nothing_and_prints_the_same_logins(seeded):
    before = counts()
    again = seed(households=SMALL * 2)
    assert counts() == before
    assert "already exists; nothing was changed" in again
    table = seeded[seeded.index("Password for every login") :]
    assert again[again.index("Password for every login") :] == table


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        seed(households=SMALL)
    assert not Township.objects.exists()
    seed(households=SMALL, force=True)
    assert Township.objects.filter(name="青山乡").exists()


def test_if_empty_leaves_a_database_with_other_townships_alone():
    Township.objects.create(name="白水乡")
    output = seed(households=SMALL, if_empty=True)
    assert "adds no demo township" in output
    assert not Township.objects.filter(name="青山乡").exists()
    seed(households=SMALL)
    assert Township.objects.filter(name="青山乡").exists()


def test_same_seed_same_registry():
    def snapshot():
        return (
            list(Household.objects.order_by("address").values_list("address", "head_name", "phone", "residence")),
            sorted(Resident.objects.values_list("id_number", "name", "relation", "status")),
            sorted(Cadre.objects.values_list("name", "phone", "user__username")),
        )

    class Rollback(Exception):
        pass

    snapshots = []
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            demo.build_demo_township(households=SMALL)
            snapshots.append(snapshot())
            raise Rollback
    assert snapshots[0] == snapshots[1]
    demo.build_demo_township(households=SMALL, seed=1)
    assert snapshot() != snapshots[0]


def test_at_small_size_every_grid_is_flagged_as_too_small(seeded):
    # Guaranteed: the largest grid gets 330 of every 3000 households, 44 of 400.
    grids = Grid.objects.with_size()
    assert all(grid.household_count < 100 and grid.size_warnings for grid in grids)
    assert sum(grid.household_count for grid in grids) == SMALL


@pytest.mark.slow
def test_full_size_has_three_grids_out_of_range_and_zheng_rong_in_range():
    output = seed()
    grids = {(g.village.name, g.number): g for g in Grid.objects.with_size().select_related("village")}
    assert sum(g.household_count for g in grids.values()) == demo.DEFAULT_HOUSEHOLDS
    flagged = {key for key, grid in grids.items() if grid.size_warnings}
    assert flagged == {("东岭村", 1), ("前埔村", 1), ("山腰村", 1)}
    assert grids[("东岭村", 1)].household_count < 100
    assert grids[("前埔村", 1)].household_count > 300
    assert grids[("山腰村", 1)].people_count > 1000
    for number in (1, 2):
        grid = grids[("郑荣村", number)]
        assert 100 <= grid.household_count <= 300 and 300 <= grid.people_count <= 1000
    assert output.count("Out of range:") == 3
    uncovered = Household.objects.filter(contact_representative__isnull=True).count()
    assert uncovered < demo.DEFAULT_HOUSEHOLDS * 0.15


def test_rows_pass_model_validation(seeded):
    for obj in [*Cadre.objects.all(), *Post.objects.all(), *Place.objects.all()]:
        obj.full_clean()
    for household in Household.objects.order_by("id")[:40]:
        household.full_clean()
        for resident in household.residents.all():
            resident.full_clean()


def test_the_seeds_people_see_their_part_of_the_registry(seeded):
    def seen(username, action=Action.VIEW):
        user = get_user_model().objects.get(username=username)
        return Household.objects.for_user(user, action)

    zheng_rong = Household.objects.filter(village__name="郑荣村")
    assert set(seen("zhengzhangmu")) == set(zheng_rong.filter(group__number__lte=6))
    assert set(seen("zhengyucai")) == set(zheng_rong.filter(group__number__gte=7))
    assert set(seen("liuhuiming")) == set(zheng_rong.filter(group__number__lte=4))
    assert set(seen("zhuangjinhong")) == set(zheng_rong)
    assert not seen("zhengzhongxing", Action.REVEAL).exists()
    assert seen("huangzhiqiang").count() == SMALL
