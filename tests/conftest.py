"""Two townships and the people who work in them: the personas every access test uses.

places:  t1 ─ v1 ─ G1 ─ groups g1a, g1b   (the grid leader's grid)
               │    └ G2 ─ group g2          (the neighbouring grid)
               └ v2 ─ G3 ─ group g3          (another village)
          t2 ─ w1 ─ H1 ─ group h1            (another township)
Each group has one household (keyed like its group) with a head; g1a also has "g1a_other",
which is not the villager representative's contact household.
"""

from dataclasses import dataclass, field

import pytest

from tests import factories
from villages.models import Post

Role = Post.Role


@dataclass
class World:
    places: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    cadres: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    residents: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)  # made on demand by tests/test_access_matrix.py
    visits: dict = field(default_factory=dict)  # so are the visits, patrols, logs and meetings


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    w = World()
    t1 = factories.TownshipFactory(name="青山乡")
    t2 = factories.TownshipFactory(name="白水乡")
    v1 = factories.VillageFactory(township=t1, name="郑荣村")
    v2 = factories.VillageFactory(township=t1, name="跃进村")
    w1 = factories.VillageFactory(township=t2, name="白水村")
    g1 = factories.GridFactory(village=v1, number=1, name="第一网格")
    g2 = factories.GridFactory(village=v1, number=2, name="第二网格")
    g3 = factories.GridFactory(village=v2, number=1, name="第一网格")
    h1 = factories.GridFactory(village=w1, number=1, name="第一网格")
    groups = {
        "g1a": factories.VillagerGroupFactory(grid=g1, village=v1, number=1, name="第1组"),
        "g1b": factories.VillagerGroupFactory(grid=g1, village=v1, number=2, name="第2组"),
        "g2": factories.VillagerGroupFactory(grid=g2, village=v1, number=3, name="第3组"),
        "g3": factories.VillagerGroupFactory(grid=g3, village=v2, number=1, name="第1组"),
        "h1": factories.VillagerGroupFactory(grid=h1, village=w1, number=1, name="第1组"),
    }
    w.places.update(t1=t1, t2=t2, v1=v1, v2=v2, w1=w1, G1=g1, G2=g2, G3=g3, H1=h1, **groups)

    def person(key, role, name, **node):
        cadre = factories.CadreFactory(township=node.get("township") or t1, name=name, user__username=key)
        factories.post(cadre, role, **node)
        w.cadres[key] = cadre
        w.users[key] = cadre.user
        return cadre

    person("township", Role.TOWNSHIP_STAFF, "林秀英", township=t1)
    person("other_township", Role.TOWNSHIP_STAFF, "白玉", township=t2)
    person("department", Role.DEPARTMENT_OFFICER, "民政", township=t1, department="民政办")
    person("village", Role.VILLAGE_SECRETARY, "郑书记", village=v1)
    person("resident_cadre", Role.RESIDENT_CADRE, "刘惠明", village=v1, first_group=1, last_group=1)
    person("leader", Role.GRID_LEADER, "郑章木", grid=g1)
    person("member", Role.GRID_MEMBER, "郑忠兴", grid=g1)
    person("neighbour", Role.GRID_LEADER, "郑玉才", grid=g2)
    rep = person("representative", Role.REPRESENTATIVE, "郑代表", group=groups["g1a"])
    person("volunteer", Role.INFORMATION_OFFICER, "志愿者", grid=g1)

    for key, group in groups.items():
        household = factories.HouseholdFactory(
            group=group, head_name=f"户主{key}", responsible_cadre=w.cadres["leader"]
        )
        w.households[key] = household
        w.residents[key] = factories.ResidentFactory(household=household, name=f"居民{key}", relation="head")
    w.households["g1a"].contact_representative = rep
    w.households["g1a"].save()
    # a second household in the representative's group that is not theirs
    w.households["g1a_other"] = factories.HouseholdFactory(group=groups["g1a"], head_name="户主其他")
    w.residents["g1a_other"] = factories.ResidentFactory(household=w.households["g1a_other"], relation="head")
    w.users["superuser"] = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    return w


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
