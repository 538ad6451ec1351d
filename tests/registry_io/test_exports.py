"""The exports: the household list (and the other lists) to .xlsx and .csv, and the roster of residents
with ID numbers masked, or in full for a reason and logged; both hold only what the user sees, as
filtered, write no cell a spreadsheet would run, and cost the same queries at any size. An exported
roster with full numbers imports back unchanged."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports import engine
from imports.models import ImportRun
from tests import factories
from tests.cases.test_services import open_case
from tests.test_access_matrix import assessment_world
from villages import identity, roster
from villages.models import CareCategory, Household, IdReveal, Post, Resident

Role = Post.Role
Relation = Resident.Relation
LIST = reverse("villages:household_list")
ROSTER = reverse("villages:roster_export")
BOM = "\ufeff".encode()
HEADERS = [header for header, _aliases, _required in roster.COLUMNS.values()]
FIELDS = list(roster.COLUMNS)
ID, PHONE, ADDRESS = FIELDS.index("id_number"), FIELDS.index("phone"), FIELDS.index("address")
MASKED = re.compile(r"^350521\*{8}\d{3}[\dX]$")
REASON = "核对低保户籍信息"


def workbook_rows(response):
    assert response.status_code == 200, response.status_code
    assert "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    assert response.content.startswith(BOM)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def exported_households(client, export_format, **params):
    response = client.get(LIST, {"_export": export_format, **params})
    rows = workbook_rows(response) if export_format == "xlsx" else csv_rows(response)
    return set(column(rows, "Head of household"))


def roster_rows(response):
    rows = workbook_rows(response) if response["Content-Type"].startswith("application/") else csv_rows(response)
    assert rows[0] == HEADERS
    return rows[1:]


def heads(world, *keys):
    return {world.households[key].head_name for key in keys}


def residents_of(world, *keys):
    return {world.residents[key] for key in keys}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def leader(world, login):
    return login(world.users["leader"])


# --- the household list's export ----------------------------------------------------------------

SEEN = {
    "leader": ("g1a", "g1b", "g1a_other"),
    "neighbour": ("g2",),
    "village": ("g1a", "g1b", "g1a_other", "g2"),
    "township": ("g1a", "g1b", "g1a_other", "g2", "g3"),
    "other_township": ("h1",),
    "representative": ("g1a",),
}


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
@pytest.mark.parametrize("persona", list(SEEN))
def test_the_household_export_holds_only_the_users_households(world, login, persona, export_format):
    client = login(world.users[persona])

    assert exported_households(client, export_format) == heads(world, *SEEN[persona])


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_household_export_follows_the_lists_filter(world, login, export_format):
    township = login(world.users["township"])

    assert exported_households(township, export_format, village=world.places["v2"].pk) == heads(world, "g3")
    assert exported_households(township, export_format, grid=world.places["G2"].pk) == heads(world, "g2")
    assert exported_households(township, export_format, q="户主g1b") == heads(world, "g1b")


def test_a_grid_leaders_filtered_household_export_stays_in_the_grid(world, leader):
    assert exported_households(leader, "xlsx", village=world.places["v1"].pk) == heads(world, "g1a", "g1b", "g1a_other")
    assert exported_households(leader, "xlsx", group=world.places["g1b"].pk) == heads(world, "g1b")
    # a village the leader does not see: the list shows nothing, and so does its export
    assert exported_households(leader, "xlsx", village=world.places["v2"].pk) == set()


def test_the_household_export_names_its_file_and_csv_is_utf8_with_a_bom(world, leader):
    response = leader.get(LIST, {"_export": "csv"})

    assert response.content.startswith(BOM)
    assert response["Content-Type"].startswith("text/csv")
    assert re.search(r'filename="?households-\d{8}\.csv', response["Content-Disposition"])
    assert "户主g1a" in response.content.decode("utf-8-sig")


def test_an_unknown_export_format_shows_the_list_page(world, leader):
    response = leader.get(LIST, {"_export": "json"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# --- the roster: masked ---------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_the_roster_export_masks_every_id_number(world, leader, export_format):
    rows = roster_rows(leader.get(ROSTER, {"format": export_format}))

    residents = residents_of(world, "g1a", "g1b", "g1a_other")
    assert sorted(row[ID] for row in rows) == sorted(identity.mask_id_number(r.id_number) for r in residents)
    assert all(MASKED.match(row[ID]) for row in rows)
    content = " ".join(str(cell) for row in rows for cell in row)
    for resident in Resident.objects.all():
        assert resident.id_number not in content
    assert not IdReveal.objects.exists()


def test_the_masked_roster_writes_id_and_phone_cells_as_text(world, leader):
    response = leader.get(ROSTER, {"format": "xlsx"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4
    for row in range(2, sheet.max_row + 1):
        for index in (ID, PHONE):
            cell = sheet.cell(row=row, column=index + 1)
            assert cell.number_format == "@", (row, index)
            assert cell.value is None or isinstance(cell.value, str)
    heads_phone = sheet.cell(row=2, column=PHONE + 1).value
    assert heads_phone in {r.phone or None for r in Resident.objects.all()}  # the person's own phone


def test_the_roster_export_holds_the_lists_households_as_filtered(world, login):
    township = login(world.users["township"])

    everyone = roster_rows(township.get(ROSTER, {"format": "csv"}))
    in_v2 = roster_rows(township.get(ROSTER, {"format": "csv", "village": world.places["v2"].pk}))

    assert {row[ID] for row in everyone} == {
        identity.mask_id_number(r.id_number) for r in residents_of(world, "g1a", "g1b", "g1a_other", "g2", "g3")
    }
    assert [row[ID] for row in in_v2] == [identity.mask_id_number(world.residents["g3"].id_number)]
    assert {row[0] for row in in_v2} == {"跃进村"}


def test_the_roster_of_a_filter_the_list_refuses_holds_nobody(world, leader):
    """A village the grid leader does not see: the list (and its export) shows no household."""
    params = {"village": world.places["v2"].pk}
    assert exported_households(leader, "csv", **params) == set()

    rows = roster_rows(leader.get(ROSTER, {"format": "csv", **params}))

    assert rows == []


def test_a_full_roster_of_a_filter_the_list_refuses_reveals_nobody(world, leader):
    rows = roster_rows(leader.post(f"{ROSTER}?format=csv&village={world.places['v2'].pk}", {"reason": REASON}))

    assert rows == []
    assert not IdReveal.objects.exists()


def test_the_roster_export_in_an_unknown_format_is_not_found(world, leader):
    assert leader.get(ROSTER, {"format": "pdf"}).status_code == 404


def test_gone_residents_are_not_on_the_roster(world, leader):
    gone = factories.ResidentFactory(household=world.households["g1a"], status=Resident.Status.MOVED_AWAY)

    rows = roster_rows(leader.get(ROSTER, {"format": "csv"}))

    assert identity.mask_id_number(gone.id_number) not in {row[ID] for row in rows}
    assert len(rows) == 3


# --- the roster: full numbers for a reason ----------------------------------------------------------


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_a_grid_leader_exports_full_numbers_for_a_reason_and_each_is_logged(world, leader, export_format):
    response = leader.post(f"{ROSTER}?format={export_format}", {"reason": REASON})

    assert "-full-id." in response["Content-Disposition"]
    rows = roster_rows(response)
    residents = residents_of(world, "g1a", "g1b", "g1a_other")
    assert sorted(row[ID] for row in rows) == sorted(r.id_number for r in residents)
    reveals = list(IdReveal.objects.all())
    assert len(reveals) == len(residents) == 3
    assert {reveal.resident for reveal in reveals} == residents
    assert {(reveal.user, reveal.reason) for reveal in reveals} == {(world.users["leader"], REASON)}


def test_the_full_roster_writes_its_id_cells_as_text(world, leader):
    response = leader.post(f"{ROSTER}?format=xlsx", {"reason": REASON})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=ID + 1)
        assert cell.number_format == "@"
        assert isinstance(cell.value, str) and len(cell.value) == 18


def test_numbers_outside_where_the_user_may_reveal_stay_masked_and_are_not_logged(world, leader):
    """The leader of grid 1 is also a member of grid 2: they see both, and reveal only in grid 1."""
    factories.post(world.cadres["leader"], Role.GRID_MEMBER, grid=world.places["G2"])

    rows = roster_rows(leader.post(f"{ROSTER}?format=csv", {"reason": REASON}))

    numbers = {row[ID] for row in rows}
    mine, theirs = residents_of(world, "g1a", "g1b", "g1a_other"), world.residents["g2"]
    assert numbers == {r.id_number for r in mine} | {identity.mask_id_number(theirs.id_number)}
    assert {reveal.resident for reveal in IdReveal.objects.all()} == mine


def test_the_full_roster_follows_the_filter_and_logs_only_whom_it_gives(world, leader):
    group = world.places["g1b"]

    rows = roster_rows(leader.post(f"{ROSTER}?format=csv&group={group.pk}", {"reason": REASON}))

    assert [row[ID] for row in rows] == [world.residents["g1b"].id_number]
    assert [reveal.resident for reveal in IdReveal.objects.all()] == [world.residents["g1b"]]


@pytest.mark.parametrize("reason", [None, "", "   ", "ab"])
def test_without_a_reason_nothing_is_exported_and_the_list_says_why(world, leader, reason):
    data = {} if reason is None else {"reason": reason}

    response = leader.post(f"{ROSTER}?village={world.places['v1'].pk}&format=xlsx", data)

    assert response.status_code == 302
    assert response.url.startswith(LIST + "?")
    assert f"village={world.places['v1'].pk}" in response.url
    assert "Content-Disposition" not in response
    assert messages_of(response) == ["Give a reason for exporting full ID numbers."]
    assert not IdReveal.objects.exists()


@pytest.mark.parametrize("persona", ["representative", "member", "resident_cadre", "volunteer"])
def test_someone_who_may_reveal_nowhere_gets_403_for_full_numbers(world, login, persona):
    response = login(world.users[persona]).post(f"{ROSTER}?format=xlsx", {"reason": REASON})

    assert response.status_code == 403
    assert not IdReveal.objects.exists()


def test_the_masked_roster_is_open_to_a_representative_for_their_contact_households(world, login):
    rows = roster_rows(login(world.users["representative"]).get(ROSTER, {"format": "csv"}))

    assert [row[ID] for row in rows] == [identity.mask_id_number(world.residents["g1a"].id_number)]


# --- the round trip: exported with full numbers, imported back ----------------------------------------


def make_household(group, head, address, phone="", residence=Household.Residence.REGISTERED, head_phone=None):
    """A household whose head is a resident of the same name (head_phone: the head's own phone,
    by default the household's, as the registry's demo keeps it)."""
    household = factories.HouseholdFactory(
        group=group, head_name=head, address=address, phone=phone, residence=residence
    )
    factories.ResidentFactory(
        household=household, name=head, relation=Relation.HEAD, phone=phone if head_phone is None else head_phone
    )
    return household


def member(household, name, relation, phone=""):
    return factories.ResidentFactory(household=household, name=name, relation=relation, phone=phone)


@pytest.fixture
def round_trip_group(world):
    """A fourth group of grid 1 whose households are each headed by a resident of the head's name,
    with every relation the roster writes."""
    group = factories.VillagerGroupFactory(grid=world.places["G1"], village=world.places["v1"], number=4, name="第4组")
    zheng = make_household(group, "郑大海", "郑荣村4组1号", phone="13905951111")
    member(zheng, "林美", Relation.SPOUSE, phone="13805952222")
    member(zheng, "郑小海", Relation.CHILD)
    member(zheng, "郑老汉", Relation.PARENT)
    member(zheng, "郑孙", Relation.GRANDCHILD)
    chen = make_household(group, "陈平", "郑荣村4组2号", residence=Household.Residence.FLOATING)
    member(chen, "陈祖", Relation.GRANDPARENT)
    member(chen, "陈弟", Relation.SIBLING)
    member(chen, "刘媳", Relation.CHILD_IN_LAW)
    member(chen, "何其", Relation.OTHER)
    return group


def registry_snapshot():
    households = list(
        Household.objects.order_by("pk").values("pk", "group", "head_name", "address", "phone", "residence")
    )
    residents = list(
        Resident.objects.order_by("pk").values("pk", "household", "name", "id_number", "relation", "phone")
    )
    return households, residents


def full_roster(client, group):
    response = client.post(f"{ROSTER}?format=xlsx&group={group.pk}", {"reason": REASON})
    assert response.status_code == 200
    return response.content


def read_back(world, content, actor="township", step=engine.check):
    table = roster.open_table(io.BytesIO(content), "roster.xlsx")
    return step(township=world.places["t1"], actor=world.users[actor], table=table)


def assert_unchanged(outcome, rows):
    assert outcome.problems == []
    assert (outcome.rows, outcome.unchanged) == (rows, rows)
    assert (
        outcome.households_new,
        outcome.households_updated,
        outcome.residents_new,
        outcome.residents_updated,
        outcome.rejected,
    ) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("persona", ["township", "leader"])
def test_a_full_roster_imports_back_with_every_row_unchanged(world, login, round_trip_group, persona):
    content = full_roster(login(world.users[persona]), round_trip_group)
    before = registry_snapshot()

    assert_unchanged(read_back(world, content, actor=persona), 10)
    assert_unchanged(read_back(world, content, actor=persona, step=engine.commit), 10)

    assert registry_snapshot() == before


def test_a_full_roster_uploaded_on_the_import_pages_changes_nothing(world, login, round_trip_group):
    client = login(world.users["township"])
    content = full_roster(client, round_trip_group)
    before = registry_snapshot()
    history = Household.history.count(), Resident.history.count()

    client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("roster.xlsx", content)})
    run = ImportRun.objects.get()
    assert run.problems == []
    assert (run.status, run.rows, run.unchanged) == (ImportRun.Status.CHECKED, 10, 10)
    client.post(reverse("imports:import", args=[run.pk]))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTED
    assert registry_snapshot() == before
    assert (Household.history.count(), Resident.history.count()) == history


def test_a_masked_roster_does_not_import_back(world, login, round_trip_group):
    response = login(world.users["township"]).get(ROSTER, {"format": "xlsx", "group": round_trip_group.pk})

    outcome = read_back(world, response.content)

    assert outcome.problem_count == 10
    assert {problem.message for problem in outcome.problems} == {
        "This ID number is masked. Export the roster with full ID numbers, or type the number."
    }


def test_a_household_whose_head_has_no_phone_of_their_own_imports_back_unchanged(world, login):
    """The household has a phone, its head resident none: the roster writes the household's phone on
    the head's row, and reading it back must not count that as a change."""
    group = factories.VillagerGroupFactory(grid=world.places["G1"], village=world.places["v1"], number=5, name="第5组")
    household = make_household(group, "黄大成", "郑荣村5组1号", phone="13905953333", head_phone="")
    member(household, "黄小成", Relation.CHILD)
    content = full_roster(login(world.users["township"]), group)

    assert_unchanged(read_back(world, content), 2)


# --- formulas are written as text -----------------------------------------------------------------

FORMULAS = ["=1+2", "@SUM(A1)", "+1+1", "-1+1", '=HYPERLINK("http://example.com","点我")']


@pytest.fixture
def formula_households(world):
    made = []
    for index, text in enumerate(FORMULAS):
        household = factories.HouseholdFactory(group=world.places["g1b"], head_name=f"公式户{index}", address=text)
        factories.ResidentFactory(household=household, name=f"公式户{index}", relation=Relation.HEAD)
        made.append(household)
    return made


def test_an_address_that_looks_like_a_formula_is_exported_as_text_in_the_household_xlsx(
    world, leader, formula_households
):
    response = leader.get(LIST, {"_export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    index = header.index("Address") + 1
    cells = [sheet.cell(row=row, column=index) for row in range(2, sheet.max_row + 1)]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert {"'" + text for text in FORMULAS} <= values
    assert not set(FORMULAS) & values


def test_an_address_that_looks_like_a_formula_is_exported_as_text_in_the_household_csv(
    world, leader, formula_households
):
    addresses = column(csv_rows(leader.get(LIST, {"_export": "csv"})), "Address")

    assert {"'" + text for text in FORMULAS} <= set(addresses)
    assert not set(FORMULAS) & set(addresses)


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_an_address_that_looks_like_a_formula_is_text_on_the_roster(world, leader, formula_households, export_format):
    response = leader.get(ROSTER, {"format": export_format, "group": world.places["g1b"].pk})

    addresses = {row[ADDRESS] for row in roster_rows(response)}

    assert {"'" + text for text in FORMULAS} <= addresses
    assert not set(FORMULAS) & addresses
    if export_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_a_case_summary_that_looks_like_a_formula_is_exported_as_text(world, leader, export_format):
    open_case(world, summary="=1+2")
    open_case(world, summary="@SUM(A1)", household="g1b")

    response = leader.get(reverse("cases:list"), {"_export": export_format})

    rows = workbook_rows(response) if export_format == "xlsx" else csv_rows(response)
    assert set(column(rows, "Summary")) == {"'=1+2", "'@SUM(A1)"}
    if export_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_an_id_number_typed_into_a_case_summary_is_masked_in_the_export(world, leader, export_format):
    number = world.residents["g1a"].id_number
    open_case(world, summary=f"核实身份 {number} 的低保申请")

    response = leader.get(reverse("cases:list"), {"_export": export_format})

    rows = workbook_rows(response) if export_format == "xlsx" else csv_rows(response)
    assert column(rows, "Summary") == [f"核实身份 {number[:6]}********{number[-4:]} 的低保申请"]
    assert number not in response.content.decode("utf-8", "replace")


# --- every list's CSV opens in Chinese Excel --------------------------------------------------------


def period_url(world):
    return assessment_world(world)[("period", "t1")].get_absolute_url()


LISTS = {
    "households": ("leader", lambda world: LIST),
    "cases": ("leader", lambda world: reverse("cases:list")),
    "visit log": ("leader", lambda world: reverse("visits:list")),
    "assessment overview": ("township", period_url),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_every_lists_csv_starts_with_a_byte_order_mark(world, login, name):
    persona, url = LISTS[name]
    if name == "cases":
        open_case(world, summary="院墙开裂")

    response = login(world.users[persona]).get(url(world), {"_export": "csv"})

    rows = csv_rows(response)
    assert rows and rows[0]
    assert not rows[0][0].startswith("\ufeff")  # one mark, not two


@pytest.mark.parametrize("name", list(LISTS))
def test_every_lists_xlsx_is_a_real_workbook(world, login, name):
    persona, url = LISTS[name]

    rows = workbook_rows(login(world.users[persona]).get(url(world), {"_export": "xlsx"}))

    assert rows and rows[0]


# --- query counts ---------------------------------------------------------------------------------


def grow(world, total):
    """Households in the grid leader's grid until it holds `total`, each with a head, a child and a
    care category (the world starts with three)."""
    categories = list(CareCategory.objects.order_by("pk"))
    group = world.places["g1b"]
    for n in range(Household.objects.filter(grid=world.places["G1"]).count(), total):
        household = factories.HouseholdFactory(group=group, head_name=f"户主{n:02d}")
        factories.ResidentFactory(household=household, name=f"户主{n:02d}", relation=Relation.HEAD)
        factories.ResidentFactory(household=household, relation=Relation.CHILD)
        if categories:
            household.categories.add(categories[n % len(categories)])
    assert Household.objects.filter(grid=world.places["G1"]).count() == total


def queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, response.status_code
    return len(captured)


EXPORTS = {
    "household xlsx": ("get", f"{LIST}?_export=xlsx"),
    "household csv": ("get", f"{LIST}?_export=csv"),
    "roster xlsx": ("get", f"{ROSTER}?format=xlsx"),
    "roster csv": ("get", f"{ROSTER}?format=csv"),
    "full roster": ("post", f"{ROSTER}?format=xlsx"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_an_export_costs_the_same_queries_for_3_and_for_30_households(world, leader, name):
    method, url = EXPORTS[name]
    data = {"reason": REASON} if method == "post" else None
    queries(leader, method, url, data)  # warm up: caches filled once per process are not counted
    small = queries(leader, method, url, data)

    grow(world, 30)
    large = queries(leader, method, url, data)

    assert large == small, f"{name}: {small} queries with 3 households, {large} with 30"


def test_the_roster_export_of_30_households_lists_all_their_people(world, leader):
    grow(world, 30)

    rows = roster_rows(leader.get(ROSTER, {"format": "csv"}))

    assert len(rows) == 3 + 27 * 2


def test_a_roster_of_many_people_is_written_whole(world, login):
    """Sixty households of two in grid 2: every one of them on the roster, each household's head first."""
    group = world.places["g2"]
    for n in range(60):
        household = make_household(group, f"多户{n:02d}", f"郑荣村3组{n}号", phone=f"1390595{n:04d}")
        member(household, f"多户子{n:02d}", Relation.CHILD)

    rows = roster_rows(login(world.users["neighbour"]).get(ROSTER, {"format": "csv"}))

    assert len(rows) == 1 + 120
    names = [row[FIELDS.index("name")] for row in rows]
    for n in range(60):
        assert names.index(f"多户{n:02d}") + 1 == names.index(f"多户子{n:02d}")
