"""A clean roster, as an .xlsx with a title above the headers or as a CSV in UTF-8 or GBK:
previewed without writing, imported whole, and imported again without changing anything; a
changed roster updates the people and households it changes."""

import datetime
import io

import openpyxl
import pytest

from villages import identity
from villages.models import Household, Resident

from .rosters import commit as commit_file
from .rosters import person, preview, roster_file, xlsx

KINDS = ["xlsx", "utf-8", "utf-8-sig", "gb18030"]

ZHENG = identity.make_id_number("350521", datetime.date(1968, 4, 12), 131)  # odd: a man
LIN = identity.make_id_number("350521", datetime.date(1970, 9, 30), 242)  # even: a woman
XIAOMING = identity.make_id_number("350521", datetime.date(1995, 1, 2), 351)
CHEN = identity.make_id_number("350521", datetime.date(1975, 6, 1), 462)
XIAOHONG = identity.make_id_number("350521", datetime.date(2001, 12, 31), 582)
CHEN_ADDRESS = '郑荣村8号（陈厝, "老屋"）'  # a comma and quotes, as COPY and CSV must carry them
WANG = identity.make_id_number("350521", datetime.date(1950, 2, 28), 613)


def clean_rows():
    return [
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑章木", ZHENG, "户主", "13905951234", "户籍"),
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "林秀英", LIN, "妻子", "13805950001"),
        person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑小明", XIAOMING, "子"),
        # A member above the head; the group written as its number in Chinese.
        person("郑荣村", "第二网格", "三组", CHEN_ADDRESS, "陈美玲", "陈小红", XIAOHONG, "女", "", "流动"),
        person("郑荣村", "第二网格", "三组", CHEN_ADDRESS, "陈美玲", "陈美玲", CHEN, "本人", "13705950002", "流动"),
        # No grid given: the group says where the household is.
        person("跃进村", "", "第1组", "跃进村2号", "王建国", "王建国", WANG, "户主"),
    ]


def counts():
    return (
        Household.objects.count(),
        Resident.objects.count(),
        Household.history.count(),
        Resident.history.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_preview_of_a_clean_roster_counts_every_row_and_writes_nothing(places, kind):
    before = counts()
    outcome = preview(places, places.staff, *roster_file(kind, clean_rows()))
    assert outcome.problems == []
    assert outcome.notes == []  # 序号 is read past quietly
    assert (outcome.rows, outcome.households_new, outcome.residents_new) == (6, 3, 6)
    assert (outcome.households_updated, outcome.residents_updated, outcome.unchanged, outcome.rejected) == (0, 0, 0, 0)
    assert outcome.clean
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_clean_roster_is_imported_with_its_places_names_births_and_phones(places, kind):
    households, residents = Household.objects.count(), Resident.objects.count()
    outcome = commit_file(places, places.staff, *roster_file(kind, clean_rows()))
    assert outcome.problems == []
    assert (outcome.rows, outcome.households_new, outcome.residents_new) == (6, 3, 6)
    assert Household.objects.count() == households + 3
    assert Resident.objects.count() == residents + 6

    zheng = Household.objects.get(head_name="郑章木")
    assert (zheng.township, zheng.village, zheng.grid, zheng.group) == (
        places.township,
        places.zhengrong,
        places.first,
        places.groups[1],
    )
    assert (zheng.address, zheng.phone, zheng.residence) == ("郑荣村1号", "13905951234", Household.Residence.REGISTERED)
    assert (zheng.head_pinyin, zheng.head_initials) == ("zhengzhangmu", "zzm")
    assert sorted(zheng.residents.values_list("name", "relation")) == [
        ("林秀英", Resident.Relation.SPOUSE),
        ("郑小明", Resident.Relation.CHILD),
        ("郑章木", Resident.Relation.HEAD),
    ]

    lin = Resident.objects.get(id_number=LIN)
    assert lin.household == zheng
    assert (lin.birth_date, lin.sex, lin.id_last4) == (datetime.date(1970, 9, 30), "F", LIN[-4:])
    assert (lin.name_pinyin, lin.name_initials, lin.phone) == ("linxiuying", "lxy", "13805950001")
    head = Resident.objects.get(id_number=ZHENG)
    assert (head.birth_date, head.sex, head.phone) == (datetime.date(1968, 4, 12), "M", "13905951234")
    assert Resident.objects.get(id_number=XIAOMING).phone == ""

    chen = Household.objects.get(head_name="陈美玲")
    assert (chen.township, chen.village, chen.grid, chen.group) == (
        places.township,
        places.zhengrong,
        places.second,
        places.groups[3],
    )
    assert (chen.address, chen.phone, chen.residence) == (CHEN_ADDRESS, "13705950002", Household.Residence.FLOATING)
    assert set(chen.residents.values_list("status", flat=True)) == {Resident.Status.FLOATING}
    assert Resident.objects.get(id_number=XIAOHONG).relation == Resident.Relation.CHILD

    wang = Household.objects.get(head_name="王建国")
    assert (wang.village, wang.grid, wang.group) == (places.yuejin, places.yuejin_grid, places.yuejin_group)
    assert (wang.phone, wang.residence) == ("", Household.Residence.REGISTERED)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_importing_the_same_roster_again_changes_nothing(places, kind):
    commit_file(places, places.staff, *roster_file(kind, clean_rows()))
    before = counts()
    stamps = dict(Household.objects.values_list("pk", "updated_at"))
    outcome = commit_file(places, places.staff, *roster_file(kind, clean_rows()))
    assert outcome.problems == []
    assert (outcome.rows, outcome.unchanged) == (6, 6)
    assert (outcome.households_new, outcome.households_updated) == (0, 0)
    assert (outcome.residents_new, outcome.residents_updated, outcome.rejected) == (0, 0, 0)
    assert counts() == before
    assert dict(Household.objects.values_list("pk", "updated_at")) == stamps


@pytest.mark.django_db
@pytest.mark.parametrize("moved", ["on every row of the household", "on the head's row only"])
def test_a_changed_phone_a_new_member_and_a_new_address_are_what_a_second_import_changes(places, moved):
    commit_file(places, places.staff, *roster_file("xlsx", clean_rows()))
    chen = Household.objects.get(head_name="陈美玲")
    born = identity.make_id_number("350521", datetime.date(2020, 8, 8), 771)
    rows = clean_rows()
    rows[1][8] = "13805959999"  # 林秀英's new phone
    rows.insert(3, person("郑荣村", "第一网格", "第1组", "郑荣村1号", "郑章木", "郑小芳", born, "孙女"))
    chen_rows = [4, 5] if moved == "on every row of the household" else [5]
    for index in chen_rows:  # 陈美玲's household moved house (the head's row is index 5 now)
        rows[index][3] = "郑荣村18号"
    households = Household.objects.count()
    history = Household.history.count()

    outcome = commit_file(places, places.staff, *roster_file("xlsx", rows))
    assert outcome.problems == []
    assert (outcome.rows, outcome.residents_new, outcome.residents_updated) == (7, 1, 1)
    assert (outcome.households_new, outcome.households_updated, outcome.unchanged) == (0, 1, 5)
    assert Household.objects.count() == households
    assert Resident.objects.get(id_number=LIN).phone == "13805959999"
    granddaughter = Resident.objects.get(id_number=born)
    assert (granddaughter.household.head_name, granddaughter.relation) == ("郑章木", Resident.Relation.GRANDCHILD)
    chen.refresh_from_db()  # the same household, at its new address
    assert chen.address == "郑荣村18号"
    assert Household.history.count() == history + 1
    assert Resident.history.filter(history_type="~").count() == 1


@pytest.mark.django_db
def test_a_column_that_is_not_read_is_noted_and_stops_nothing(places):
    headers = ["行政村", "村民小组", "住址", "户主姓名", "姓名", "身份证号码", "与户主关系", "籍贯"]
    row = ["郑荣村", "第1组", "郑荣村1号", "郑章木", "郑章木", ZHENG, "户主", "福建永春"]
    data, name = roster_file("utf-8", [row], headers=headers, numbered=False, title="")
    outcome = preview(places, places.staff, data, name)
    assert outcome.notes == ["The column “籍贯” is not one the registry keeps; its cells are passed over."]
    assert outcome.problems == []
    assert (outcome.rows, outcome.residents_new) == (1, 1)


@pytest.mark.django_db
def test_a_workbook_is_read_as_one_whatever_its_name_and_from_its_first_visible_sheet(places):
    data = xlsx(clean_rows())
    book = openpyxl.load_workbook(data)
    notes = book.create_sheet("填表说明", 0)  # an instructions sheet in front, hidden
    notes.append(["身份证号码请设置为文本格式"])
    notes.sheet_state = "hidden"
    data = io.BytesIO()
    book.save(data)
    outcome = preview(places, places.staff, data, "花名册.csv")
    assert outcome.problems == []
    assert (outcome.rows, outcome.residents_new) == (6, 6)
