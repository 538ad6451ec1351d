"""A township to import into: two villages, three grids, five groups, the township's staff and
the secretary of one village; one household already registered, and one in another township."""

import datetime
from types import SimpleNamespace

import pytest

from tests import factories
from villages.models import Post, Resident

Role = Post.Role


@pytest.fixture
def places(db):
    township = factories.TownshipFactory(name="青山乡")
    zhengrong = factories.VillageFactory(township=township, name="郑荣村")
    yuejin = factories.VillageFactory(township=township, name="跃进村")
    first = factories.GridFactory(village=zhengrong, number=1, name="第一网格")
    second = factories.GridFactory(village=zhengrong, number=2, name="第二网格")
    yuejin_grid = factories.GridFactory(village=yuejin, number=1, name="第一网格")
    groups = {
        1: factories.VillagerGroupFactory(grid=first, village=zhengrong, number=1, name="第1组"),
        2: factories.VillagerGroupFactory(grid=first, village=zhengrong, number=2, name="第2组"),
        3: factories.VillagerGroupFactory(grid=second, village=zhengrong, number=3, name="第3组"),
        12: factories.VillagerGroupFactory(grid=second, village=zhengrong, number=12, name="第12组"),
    }
    yuejin_group = factories.VillagerGroupFactory(grid=yuejin_grid, village=yuejin, number=1, name="第1组")

    def cadre(username, role, **node):
        person = factories.CadreFactory(township=township, user__username=username)
        factories.post(person, role, **node)
        return person.user

    staff = cadre("staff", Role.TOWNSHIP_STAFF, township=township)
    secretary = cadre("secretary", Role.VILLAGE_SECRETARY, village=zhengrong)
    leader = cadre("leader", Role.GRID_LEADER, grid=first)

    # Already registered: a household of 第2组, and a person in another township.
    registered = factories.HouseholdFactory(group=groups[2], head_name="郑玉才", address="郑荣村20号")
    registered_head = factories.ResidentFactory(household=registered, name="郑玉才", relation=Resident.Relation.HEAD)
    registered_child = factories.ResidentFactory(household=registered, name="郑小才", relation=Resident.Relation.CHILD)
    elsewhere = factories.ResidentFactory(
        household__group__grid__village__township=factories.TownshipFactory(name="白水乡"),
        name="白玉",
        relation=Resident.Relation.HEAD,
        id_number=factories.next_id_number(birth=datetime.date(1970, 3, 3)),
    )
    return SimpleNamespace(
        township=township,
        zhengrong=zhengrong,
        yuejin=yuejin,
        first=first,
        second=second,
        yuejin_grid=yuejin_grid,
        groups=groups,
        yuejin_group=yuejin_group,
        staff=staff,
        secretary=secretary,
        leader=leader,
        registered=registered,
        registered_head=registered_head,
        registered_child=registered_child,
        elsewhere=elsewhere,
    )
