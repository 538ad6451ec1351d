"""Factories for the registry. Names, ID numbers and phones are valid by construction."""

import datetime
import itertools

import factory

from accounts.models import User
from villages import identity
from villages.models import Cadre, Grid, Household, Post, Resident, Township, Village, VillagerGroup

_sequence = itertools.count(1)
_phone = itertools.count(13800000001)


def next_id_number(birth=datetime.date(1980, 1, 1), region="350521"):
    """A valid, unique ID number (the day of birth moves on every 1000 numbers)."""
    n = next(_sequence)
    return identity.make_id_number(region, birth + datetime.timedelta(days=n // 1000), n)


def next_phone():
    return str(next(_phone))


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    name = factory.Sequence(lambda n: f"乡镇{n}")
    region_code = "350521"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"村{n}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    village = factory.SubFactory(VillageFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}网格")


class VillagerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VillagerGroup

    grid = factory.SubFactory(GridFactory)
    village = factory.LazyAttribute(lambda o: o.grid.village)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}组")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    group = factory.SubFactory(VillagerGroupFactory)
    head_name = factory.Sequence(lambda n: f"张{'伟芳娜敏静丽强磊军洋'[n % 10]}{'一二三四五六七八九十'[n // 10 % 10]}")
    address = factory.Sequence(lambda n: f"第{n}号")
    phone = factory.LazyFunction(next_phone)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"李{'明华国平'[n % 4]}")
    id_number = factory.LazyFunction(next_id_number)
    relation = Resident.Relation.CHILD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    township = factory.SubFactory(TownshipFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"王{'一二三四五六七八九十'[n % 10]}")
    phone = factory.LazyFunction(next_phone)


def post(cadre, role, **node):
    """Give `cadre` a current post; the township follows from the node."""
    place = node.get("group") or node.get("grid") or node.get("village")
    township = node.pop("township", None) or (
        place.village.township if hasattr(place, "village") else place.township if place else cadre.township
    )
    return Post.objects.create(cadre=cadre, role=role, township=township, started_on=datetime.date(2020, 1, 1), **node)
