"""Through the pages, as the township and the cadres use them: the scheme editor, the period
overview (sorted, exported to Excel), the score card with its evidence and chart, "my score",
manual items (entered, sent twice, approved, answered), closing and computing a period, and the
long-term-failure list. The world is tests/conftest.py's; the assessment is
tests/test_access_matrix.py's (a scheme of t1 for its grid leaders and resident cadres, this
month's period computed, an item about the grid-1 leader entered by the village and one about the
grid-2 leader entered by the township, both waiting)."""

import datetime
import io
import re
import uuid
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Entry, Item, Line, Period, Scheme, Score
from cases import services as case_services
from cases.models import Case
from tests import factories
from tests.test_access_matrix import assessment_world, month_start
from villages.models import Post
from visits import services as visit_services

D = Decimal
COVERAGE = "Households visited within their interval (share)"
PATROLS = "Days with a patrol (share of the required days)"


@pytest.fixture
def made(world):
    return assessment_world(world)


def today():
    return timezone.localdate()


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def page_text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def visit(world, *keys, actor="leader"):
    """The leader (or `actor`) visits these households today."""
    for key in keys:
        visit_services.record_visit(
            actor=world.users[actor],
            household=world.households[key],
            visited_on=today(),
            kind="routine",
            findings={"needs": "无"},
        )


def line(score, item):
    return Line.objects.get(score=score, item=item)


class _Form(HTMLParser):
    """The fields a browser sends for each <form> of a page: [(name, value)] per form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None or "name" not in attrs and tag in ("input", "select", "textarea"):
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.append((attrs["name"], attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.current.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or ([] if self.select["multiple"] else [self.select["first"] or ""])
            self.current.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current.append(tuple(self.textarea))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


def browser_form(html, field):
    """{name: [values]} of the page's form holding `field`, as a browser would send it untouched."""
    parser = _Form()
    parser.feed(html)
    for form in parser.forms:
        if any(name == field for name, _ in form):
            data = {}
            for name, value in form:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with {field} on the page")


# --- the scheme editor ----------------------------------------------------------------------------


def scheme_data(*items, name="村干部月度考核", total=100, blank_rows=1, **fields):
    """The editor's POST: the scheme's fields, the formset's management form and its rows (plus
    `blank_rows` untouched extra rows, as the browser sends them), and a fresh submission token."""
    data = {
        "name": name,
        "cycle": "month",
        "roles": ["grid_leader", "grid_member"],
        "total": total,
        "pass_mark": 60,
        "excellent_at": 90,
        "items-TOTAL_FORMS": len(items) + blank_rows,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 30,
        "submission": str(uuid.uuid4()),
        **fields,
    }
    rows = [*items, *({} for _ in range(blank_rows))]
    for number, item in enumerate(rows):
        row = {"metric": "", "name": "", "effect": "earn", "max_points": "", "zero_at": "", "full_at": ""}
        row["points_each"] = ""
        row.update(item)
        data.update({f"items-{number}-{key}": value for key, value in row.items()})
    return data


COVERAGE_ROW = {"metric": "visit_coverage", "max_points": 70, "zero_at": 50, "full_at": 95}
PATROL_ROW = {"metric": "patrol_days", "max_points": 30, "zero_at": 40, "full_at": 90}
DEDUCT_ROW = {"name": "群众投诉", "effect": "deduct", "max_points": 10}
ESCALATION_ROW = {"metric": "overdue_escalations", "effect": "deduct", "max_points": 15, "points_each": "2.5"}


def test_township_staff_create_a_scheme_with_its_items_through_the_editor(world, login):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    assert 'name="items-TOTAL_FORMS"' in page_text(client.get(url))

    response = client.post(url, scheme_data(COVERAGE_ROW, PATROL_ROW, DEDUCT_ROW, ESCALATION_ROW))

    scheme = Scheme.objects.get(name="村干部月度考核")
    assert response.status_code == 302 and response.url == scheme.get_absolute_url()
    assert (scheme.township, scheme.cycle, scheme.roles) == (
        world.places["t1"],
        "month",
        ["grid_leader", "grid_member"],
    )
    version = scheme.versions.get()
    assert (version.number, version.total, version.pass_mark, version.excellent_at) == (1, 100, 60, 90)
    assert version.created_by == world.users["township"]
    items = list(version.items.order_by("position"))
    assert [(i.metric, i.name, i.effect, i.max_points) for i in items] == [
        ("visit_coverage", "", "earn", 70),
        ("patrol_days", "", "earn", 30),
        ("", "群众投诉", "deduct", 10),
        ("overdue_escalations", "", "deduct", 15),
    ]
    assert (items[0].zero_at, items[0].full_at) == (D(50), D(95))
    assert items[3].points_each == D("2.5")
    detail = page_text(client.get(scheme.get_absolute_url()))
    for label in (COVERAGE, PATROLS, "群众投诉"):
        assert label in detail


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ((COVERAGE_ROW, {**PATROL_ROW, "max_points": 20}), "The items that earn points add up to 90; the scheme"),
        ((COVERAGE_ROW, PATROL_ROW, {"effect": "deduct", "max_points": 5}), "Name every manual item."),
        ((COVERAGE_ROW, {**PATROL_ROW, "zero_at": ""}), "Give “Days with a patrol"),
        ((COVERAGE_ROW, {**PATROL_ROW, "metric": "visit_coverage"}), "Each measure of the work can be used by one"),
    ],
    ids=["items-do-not-add-up", "manual-without-name", "automatic-without-thresholds", "metric-twice"],
)
def test_an_invalid_scheme_shows_the_error_and_saves_nothing(world, login, rows, error):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])

    response = client.post(url, scheme_data(*rows))

    text = page_text(response)
    assert 'data-testid="form-errors"' in text
    assert error in text.replace("&#x27;", "'")
    assert not Scheme.objects.exists() and not Item.objects.exists()
    # corrected, the same form is saved
    assert client.post(url, scheme_data(COVERAGE_ROW, PATROL_ROW)).status_code == 302
    assert Scheme.objects.get().versions.get().items.count() == 2


def test_a_row_the_formset_refuses_is_shown_and_sending_it_again_shows_it_again(world, login):
    client = login(world.users["township"])
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    data = scheme_data(COVERAGE_ROW, {**PATROL_ROW, "max_points": "0"})

    first = client.post(url, data)
    again = client.post(url, data)  # a double click, or the same form sent once more

    assert "Ensure this value is greater than or equal to 1." in page_text(first)
    assert not Scheme.objects.exists()
    assert again.status_code == 200, f"the second send went to {again.get('Location')}"


def test_an_edited_scheme_makes_a_new_version_and_its_open_period_follows(world, login, made):
    client = login(world.users["township"])
    scheme, period = made[("scheme", "t1")], made[("period", "t1")]
    url = reverse("assessments:scheme_edit", args=[scheme.pk])
    data = browser_form(page_text(client.get(url)), "items-TOTAL_FORMS")
    assert data["name"] == [scheme.name] and sorted(data["roles"]) == sorted(scheme.roles)
    assert [data[f"items-{n}-max_points"] for n in range(4)] == [["60"], ["40"], ["20"], ["5"]]
    assert data["items-2-name"] == ["监督检查扣分"]

    # the coverage earns all 100 points, the patrol item goes, the deduction may take 30
    data.update({"items-0-max_points": "100", "items-1-DELETE": "on", "items-2-max_points": "30"})
    response = client.post(url, data)

    assert response.status_code == 302 and response.url == scheme.get_absolute_url()
    period.refresh_from_db()
    assert [v.number for v in scheme.versions.all()] == [2, 1]
    assert period.version.number == 2
    assert [(i.metric, i.name, i.max_points) for i in period.version.items.all()] == [
        ("visit_coverage", "", 100),
        ("", "监督检查扣分", 30),
        ("", "表彰奖励", 5),
    ]
    assert made["coverage"].version.items.count() == 4  # the first version stays as it was
    entry = Entry.objects.get(pk=made[("entry", "leader")].pk)
    assert (entry.item.version, entry.item.name) == (period.version, "监督检查扣分")
    assert not Line.objects.filter(score__period=period).exclude(item__version=period.version).exists()
    assert Line.objects.filter(score__period=period).count() == 3 * 3


def new_scheme_as_the_browser_sends_it(client, world, name="村干部月度考核"):
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    data = browser_form(page_text(client.get(url)), "items-TOTAL_FORMS")
    data.update({"name": name, "roles": ["grid_leader"]})
    for number, row in enumerate((COVERAGE_ROW, PATROL_ROW)):
        data.update({f"items-{number}-{key}": str(value) for key, value in row.items()})
    return url, data


def test_the_new_scheme_form_sent_twice_is_taken_to_the_saved_scheme(world, login):
    client = login(world.users["township"])
    url, data = new_scheme_as_the_browser_sends_it(client, world)

    first = client.post(url, data)
    second = client.post(url, data)  # a double click on "Save"

    assert first.status_code == 302
    assert Scheme.objects.count() == 1
    # taken to what the first send saved, not shown "the township already has a scheme of this name"
    assert second.status_code == 302 and second.url == first.url


def test_the_edited_scheme_sent_twice_makes_one_new_version(world, login, made):
    client = login(world.users["township"])
    scheme = made[("scheme", "t1")]
    url = reverse("assessments:scheme_edit", args=[scheme.pk])
    data = browser_form(page_text(client.get(url)), "items-TOTAL_FORMS")
    data.update({"items-2-max_points": "30"})

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302 and second.status_code == 302
    assert [v.number for v in scheme.versions.all()] == [2, 1]


def test_a_scheme_named_like_another_of_the_township_is_a_form_error(world, login, made):
    client = login(world.users["township"])
    client.raise_request_exception = False

    response = client.post(
        reverse("assessments:scheme_create", args=[world.places["t1"].pk]),
        scheme_data(COVERAGE_ROW, PATROL_ROW, name=made[("scheme", "t1")].name),
    )

    assert response.status_code == 200
    assert Scheme.objects.filter(township=world.places["t1"]).count() == 1


# --- the period overview --------------------------------------------------------------------------


def decided(made, world):
    """The two waiting items approved: the leader −2 (deduction), the neighbour +2 (reward)."""
    services.decide(actor=world.users["township"], entry=made[("entry", "leader")], approve=True)
    services.decide(actor=world.users["superuser"], entry=made[("entry", "neighbour")], approve=True)


def overview_rows(response):
    """(cadre name, {column name: value}) for each row of the overview table."""
    table = response.context["table"]
    rows = []
    for row in table.page.object_list if getattr(table, "page", None) else table.rows:
        rows.append((row.record.cadre.name, {column.name: row.get_cell_value(column.name) for column in table.columns}))
    return rows


@pytest.mark.parametrize(
    ("persona", "seen"),
    [("township", ["leader", "neighbour", "resident_cadre"]), ("village", ["leader", "neighbour", "resident_cadre"])]
    + [("leader", ["leader"]), ("member", [])],
)
def test_the_overview_lists_one_row_per_cadre_the_user_sees_with_each_items_points(world, login, made, persona, seen):
    visit(world, "g1a", "g1b")
    decided(made, world)
    period = made[("period", "t1")]
    items = list(period.version.items.all())

    response = login(world.users[persona]).get(period.get_absolute_url())

    rows = dict(overview_rows(response))
    assert sorted(rows) == sorted(world.cadres[key].name for key in seen)
    for key in seen:
        score = Score.objects.get(period=period, cadre=world.cadres[key])
        cells = rows[world.cadres[key].name]
        assert D(str(cells["total"])) == score.total
        for item in items:
            assert D(str(cells[f"item_{item.pk}"])) == line(score, item).points, item.label
    text = page_text(response)
    for item in items:
        assert str(item.short_label) in text
    assert text.count('data-passed="') == len(seen)


def test_the_overview_sorts_by_an_item_column(world, login, made):
    decided(made, world)
    period = made[("period", "t1")]
    client = login(world.users["township"])
    leader, neighbour = world.cadres["leader"].name, world.cadres["neighbour"].name

    def order(sort):
        return [name for name, _ in overview_rows(client.get(period.get_absolute_url() + f"?sort={sort}"))]

    deduct, reward = made["deduct"].pk, made["reward"].pk
    assert order(f"item_{deduct}")[0] == leader  # −2 before the zeros
    assert order(f"-item_{deduct}")[-1] == leader
    assert order(f"item_{reward}")[-1] == neighbour  # +2 after the zeros
    assert order(f"-item_{reward}")[0] == neighbour
    assert order("-total")[-1] == leader
    assert client.get(period.get_absolute_url() + "?sort=item_999999").status_code == 200
    assert client.get(period.get_absolute_url() + "?sort=grid").status_code == 200


def test_the_overview_exports_a_real_xlsx_with_the_items_and_the_totals(world, login, made):
    visit(world, "g1a", "g1b")
    decided(made, world)
    period = made[("period", "t1")]

    response = login(world.users["township"]).get(period.get_absolute_url() + "?_export=xlsx")

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert f"assessment-{period.scheme_id}-{period.label}.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    for item in made[("period", "t1")].version.items.all():
        assert str(item.short_label) in header
    for label in ("监督检查扣分", "表彰奖励", "Total", "Cadre", "Village", "Grid"):
        assert label in header
    by_name = {row[header.index("Cadre")]: row for row in rows}
    scores = Score.objects.filter(period=period).select_related("cadre")
    assert sorted(by_name) == sorted(score.cadre.name for score in scores)
    for score in scores:
        row = by_name[score.cadre.name]
        assert D(str(row[header.index("Total")])) == score.total
        assert D(str(row[header.index("监督检查扣分")])) == line(score, made["deduct"]).points
        assert (row[header.index("Grid")] or "") == (score.grid.name if score.grid else "")


def test_the_overview_lists_every_cadre_not_a_page_of_them(world, login, made):
    """The overview is one table of the whole township (the view sets `table_pagination = False`)."""
    village = world.places["v2"]
    for number in range(30):
        grid = factories.GridFactory(village=village, number=10 + number)
        cadre = factories.CadreFactory(township=world.places["t1"], name=f"网格长{number:02d}")
        factories.post(cadre, Post.Role.GRID_LEADER, grid=grid)
    period = made[("period", "t1")]
    services.compute(period, actor=world.users["township"])

    response = login(world.users["township"]).get(period.get_absolute_url())

    assert Score.objects.filter(period=period).count() == 33
    assert page_text(response).count('data-passed="') == 33


# --- the score card and its evidence --------------------------------------------------------------


def test_the_score_card_shows_each_items_measured_value_and_points(world, login, made):
    visit(world, "g1a", "g1b")  # two of grid 1's three households
    period, score = made[("period", "t1")], made[("score", "leader")]
    services.compute(period, actor=world.users["township"])

    response = login(world.users["leader"]).get(score.get_absolute_url())

    text = page_text(response)
    coverage = line(score, made["coverage"])
    assert (coverage.value, coverage.counted, coverage.out_of) == (D("66.7"), 2, 3)
    assert coverage.points == D("22.3")  # (66.7 − 50) / (95 − 50) × 60
    lines = {row.item_id: row for row in response.context["lines"]}
    assert set(lines) == {item.pk for item in period.version.items.all()}
    assert "66.7%" in text and "(2 / 3)" in text
    assert "<strong>22.3</strong> / 60" in text
    for item in period.version.items.all():
        assert str(item.label) in text
    assert reverse("assessments:evidence", args=[score.pk, made["coverage"].pk]) in text
    assert "群众反映巡查不到位" in text  # the waiting deduction, with its reason


def test_the_evidence_page_lists_the_records_counted(world, login, made):
    visit(world, "g1a", "g1b")
    services.compute(made[("period", "t1")], actor=world.users["township"])
    score, item = made[("score", "leader")], made["coverage"]

    response = login(world.users["village"]).get(reverse("assessments:evidence", args=[score.pk, item.pk]))

    text = page_text(response)
    rows = response.context["rows"]
    assert sorted(row["text"].split(" · ")[0] for row in rows) == sorted(
        world.households[key].head_name for key in ("g1a", "g1a_other", "g1b")
    )
    assert sorted(row["ok"] for row in rows) == [False, True, True]
    for key in ("g1a", "g1b", "g1a_other"):
        assert world.households[key].head_name in text
        assert world.households[key].get_absolute_url() in text
    assert "66.7%" in text


def test_an_item_of_another_scheme_or_a_manual_item_has_no_evidence_page(world, login, made):
    client = login(world.users["township"])
    score = made[("score", "leader")]
    other = made[("scheme", "t2")].versions.get().items.get()
    assert client.get(reverse("assessments:evidence", args=[score.pk, other.pk])).status_code == 404
    assert client.get(reverse("assessments:evidence", args=[score.pk, made["deduct"].pk])).status_code == 404


def test_a_grid_leader_opening_a_colleagues_score_card_is_not_found(world, login, made):
    client = login(world.users["leader"])
    colleague = made[("score", "neighbour")]

    response = client.get(colleague.get_absolute_url())

    assert response.status_code == 404
    assert world.cadres["neighbour"].name not in response.content.decode()
    assert client.get(made[("score", "leader")].get_absolute_url()).status_code == 200
    evidence = reverse("assessments:evidence", args=[colleague.pk, made["coverage"].pk])
    assert client.get(evidence).status_code == 404


# --- charts ---------------------------------------------------------------------------------------


def two_periods(world, made):
    """Last month's period too, the leader with a deduction approved in it: two different totals."""
    township = world.users["township"]
    last = services.open_period(actor=township, scheme=made[("scheme", "t1")], day=month_start(1))
    score = last.scores.get(cadre=world.cadres["leader"])
    entry = services.enter(
        actor=world.users["village"],
        score=score,
        item=made["deduct"],
        points=D(7),
        reason="月度检查",
        source="superiors",
    )
    services.decide(actor=township, entry=entry, approve=True)
    return Score.objects.get(pk=score.pk), Score.objects.get(pk=made[("score", "leader")].pk)


def svg_of(text):
    found = re.search(r"<svg.*?</svg>", text, re.S)
    assert found, "no <svg> chart on the page"
    return found.group(0)


def test_the_score_card_draws_the_totals_over_the_periods(world, login, made):
    earlier, now = two_periods(world, made)
    assert earlier.total != now.total

    svg = svg_of(page_text(login(world.users["leader"]).get(now.get_absolute_url())))

    assert svg.count("<circle") == 2
    for score in (earlier, now):
        assert f">{score.total.normalize():f}</text>" in svg
        assert score.period.label in svg


def test_my_score_draws_my_totals(world, login, made):
    earlier, now = two_periods(world, made)

    text = page_text(login(world.users["leader"]).get(reverse("assessments:mine")))

    svg = svg_of(text)
    for score in (earlier, now):
        assert f">{score.total.normalize():f}</text>" in svg
    assert made[("scheme", "t1")].name in svg
    assert text.count(now.get_absolute_url()) == 1 and earlier.get_absolute_url() in text


def test_my_score_of_someone_not_assessed_says_so(world, login, made):
    text = page_text(login(world.users["member"]).get(reverse("assessments:mine")))
    assert "You are not assessed by any scheme yet." in text
    assert "<svg" not in text


# --- manual items ---------------------------------------------------------------------------------


def entry_data(made, **fields):
    return {
        "item": made["deduct"].pk,
        "points": "3",
        "source": "masses",
        "reason": "群众投诉走访不及时",
        "case": "",
        "visit": "",
        "evidence": "",
        "submission": str(uuid.uuid4()),
        **fields,
    }


def a_case(world, key="g1a", actor="leader"):
    return case_services.open_case(
        actor=world.users[actor],
        case=Case(household=world.households[key], summary="走访不及时", category="dispute", procedure="coordination"),
    )


def test_the_village_enters_a_deduction_with_a_case_it_can_see(world, login, made):
    case = a_case(world)
    client = login(world.users["village"])
    score = made[("score", "leader")]
    url = reverse("assessments:entry_create", args=[score.pk])
    assert 'name="submission"' in page_text(client.get(url))

    response = client.post(url, entry_data(made, case=case.reference, evidence="电话投诉 11月3日"))

    assert response.status_code == 302 and response.url == score.get_absolute_url()
    entry = Entry.objects.exclude(pk__in=[made[("entry", "leader")].pk]).get(score=score)
    assert (entry.item, entry.points, entry.source, entry.case) == (made["deduct"], D(3), "masses", case)
    assert (entry.entered_by, entry.status, entry.evidence) == (world.users["village"], "pending", "电话投诉 11月3日")
    card = page_text(client.get(score.get_absolute_url()))
    assert case.reference in card and case.get_absolute_url() in card
    assert "群众投诉走访不及时" in card


@pytest.mark.parametrize(
    "number",
    ["20261104-999999", "abc", "20261104-", "２０２６-１", "h1"],
    ids=["unknown", "letters", "no-row", "full-width", "another-township"],
)
def test_a_case_number_the_user_cannot_see_is_a_form_error(world, login, made, number):
    if number == "h1":
        number = a_case(world, "h1", "other_township").reference
    client = login(world.users["village"])
    before = Entry.objects.count()

    response = client.post(
        reverse("assessments:entry_create", args=[made[("score", "leader")].pk]), entry_data(made, case=number)
    )

    assert "No case with this number that you can see." in page_text(response)
    assert Entry.objects.count() == before


def test_a_visit_number_the_user_cannot_see_is_a_form_error(world, login, made):
    client = login(world.users["village"])
    url = reverse("assessments:entry_create", args=[made[("score", "leader")].pk])
    response = client.post(url, entry_data(made, visit="999999"))
    assert "No visit with this number that you can see." in page_text(response)


def test_a_huge_visit_number_is_a_form_error_not_a_server_error(world, login, made):
    client = login(world.users["village"])
    url = reverse("assessments:entry_create", args=[made[("score", "leader")].pk])
    client.raise_request_exception = False

    response = client.post(url, entry_data(made, visit="99999999999999999999"))

    assert response.status_code == 200
    assert Entry.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"points": "30"}, "At most 20 points for this item."),
        ({"points": "0.2"}, "Ensure this value is greater than or equal to 0.5."),
        ({"reason": "   "}, "This field is required."),
        ({"item": "coverage"}, "Select a valid choice."),
    ],
    ids=["over-the-maximum", "too-little", "no-reason", "automatic-item"],
)
def test_an_entry_the_form_refuses_shows_why(world, login, made, fields, error):
    if fields.get("item") == "coverage":
        fields = {"item": made["coverage"].pk}
    client = login(world.users["village"])
    url = reverse("assessments:entry_create", args=[made[("score", "leader")].pk])

    response = client.post(url, entry_data(made, **fields))

    assert error in page_text(response)
    assert Entry.objects.count() == 2


def test_the_entry_form_sent_twice_enters_one_item(world, login, made):
    client = login(world.users["township"])
    score = made[("score", "resident_cadre")]
    url = reverse("assessments:entry_create", args=[score.pk])
    data = entry_data(made, item=made["reward"].pk, points="2", source="level_above")

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302 and first.url == score.get_absolute_url()
    assert second.status_code == 302 and second.url == first.url
    assert Entry.objects.filter(score=score).count() == 1
    assert "This form was already sent; here is what it saved." in messages_of(second)
    # the same contents with a new token (the page loaded again): a second item, on purpose
    assert client.post(url, {**data, "submission": str(uuid.uuid4())}).status_code == 302
    assert Entry.objects.filter(score=score).count() == 2


def test_the_village_may_not_enter_items_about_a_village_cadre(world, login, made):
    client = login(world.users["village"])
    score = made[("score", "resident_cadre")]
    url = reverse("assessments:entry_create", args=[score.pk])

    assert client.get(score.get_absolute_url()).status_code == 200
    assert url not in page_text(client.get(score.get_absolute_url()))
    assert client.post(url, entry_data(made)).status_code == 403
    assert not Entry.objects.filter(score=score).exists()


# --- deciding and answering -----------------------------------------------------------------------


def test_the_township_approves_from_the_pending_page_and_the_score_follows(world, login, made):
    client = login(world.users["township"])
    entry, score = made[("entry", "leader")], made[("score", "leader")]
    before = Score.objects.get(pk=score.pk).total
    pending = page_text(client.get(reverse("assessments:pending")))
    assert "群众反映巡查不到位" in pending and "发现隐患及时上报" in pending
    assert reverse("assessments:decide", args=[entry.pk]) in pending
    # the township entered the neighbour's item itself: someone else decides it
    assert reverse("assessments:decide", args=[made[("entry", "neighbour")].pk]) not in pending
    assert "Someone else at the township decides this one." in pending

    response = client.post(
        reverse("assessments:decide", args=[entry.pk]), {"approve": "1", "note": "属实", "next": "pending"}
    )

    assert response.status_code == 302 and response.url == reverse("assessments:pending")
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by, entry.decision_note) == ("approved", world.users["township"], "属实")
    assert line(score, made["deduct"]).points == D(-2)
    assert Score.objects.get(pk=score.pk).total == max(D(0), before - 2)
    after = page_text(client.get(reverse("assessments:pending")))
    assert "群众反映巡查不到位" not in after


def test_refusing_an_item_leaves_the_score_alone(world, login, made):
    client = login(world.users["township"])
    entry = made[("entry", "leader")]

    response = client.post(reverse("assessments:decide", args=[entry.pk]), {"approve": "0", "note": "证据不足"})

    assert response.status_code == 302 and response.url == made[("score", "leader")].get_absolute_url()
    entry.refresh_from_db()
    assert entry.status == "rejected"
    assert line(made[("score", "leader")], made["deduct"]).points == 0


def test_deciding_ones_own_item_is_refused_with_a_message(world, login, made):
    client = login(world.users["township"])
    entry = made[("entry", "neighbour")]

    response = client.post(reverse("assessments:decide", args=[entry.pk]), {"approve": "1"}, follow=True)

    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == "pending"
    assert "Someone else at the township decides an item you entered or one about you." in response.content.decode()


def test_the_cadre_answers_an_item_about_them(world, login, made):
    client = login(world.users["leader"])
    entry, score = made[("entry", "leader")], made[("score", "leader")]
    url = reverse("assessments:answer", args=[entry.pk])
    assert url in page_text(client.get(score.get_absolute_url()))
    assert "群众反映巡查不到位" in page_text(client.get(url))

    response = client.post(url, {"answer": "当天因暴雨无法巡查，已补巡"})

    assert response.status_code == 302 and response.url == score.get_absolute_url()
    entry.refresh_from_db()
    assert entry.answer == "当天因暴雨无法巡查，已补巡" and entry.answered_at is not None
    assert "当天因暴雨无法巡查，已补巡" in page_text(client.get(score.get_absolute_url()))
    # the township sees the answer where it decides
    assert "当天因暴雨无法巡查，已补巡" in page_text(login(world.users["township"]).get(reverse("assessments:pending")))


def test_an_empty_answer_is_refused(world, login, made):
    client = login(world.users["leader"])
    response = client.post(reverse("assessments:answer", args=[made[("entry", "leader")].pk]), {"answer": "  "})
    assert "This field is required." in page_text(response)
    assert Entry.objects.get(pk=made[("entry", "leader")].pk).answer == ""


def test_others_who_see_an_item_may_not_answer_it(world, login, made):
    url = reverse("assessments:answer", args=[made[("entry", "leader")].pk])
    assert login(world.users["village"]).post(url, {"answer": "代答"}).status_code == 403
    assert login(world.users["neighbour"]).post(url, {"answer": "代答"}).status_code == 404
    assert Entry.objects.get(pk=made[("entry", "leader")].pk).answer == ""


# --- closing and computing ------------------------------------------------------------------------


def last_month(world, made):
    return services.open_period(actor=world.users["township"], scheme=made[("scheme", "t1")], day=month_start(1))


def test_the_township_closes_a_past_period_with_the_button(world, login, made):
    period = last_month(world, made)
    client = login(world.users["township"])
    page = page_text(client.get(period.get_absolute_url()))
    close = reverse("assessments:period_close", args=[period.pk])
    assert close in page

    response = client.post(close)

    assert response.status_code == 302 and response.url == period.get_absolute_url()
    assert "Period closed: its scores are final." in messages_of(response)
    period.refresh_from_db()
    assert (period.status, period.closed_by) == ("closed", world.users["township"])
    closed = page_text(client.get(period.get_absolute_url()))
    assert close not in closed and "the scores are final" in closed


def test_closing_a_running_period_or_one_with_items_waiting_is_refused_with_a_message(world, login, made):
    client = login(world.users["township"])
    running = made[("period", "t1")]
    response = client.post(reverse("assessments:period_close", args=[running.pk]))
    assert response.status_code == 302
    assert any("close it after that" in message for message in messages_of(response))

    period = last_month(world, made)
    services.enter(
        actor=world.users["village"],
        score=period.scores.get(cadre=world.cadres["leader"]),
        item=made["deduct"],
        points=D(1),
        reason="补录",
        source="superiors",
    )
    response = client.post(reverse("assessments:period_close", args=[period.pk]))
    assert "1 manual item waits for a decision; decide it before closing." in messages_of(response)
    for each in (running, period):
        each.refresh_from_db()
        assert each.status == "open"


def test_computing_a_closed_period_says_so(world, login, made):
    period = last_month(world, made)
    services.close(period, actor=world.users["township"])
    client = login(world.users["township"])

    response = client.post(reverse("assessments:period_compute", args=[period.pk]), follow=True)

    assert response.status_code == 200
    assert "This period is closed; its scores are final." in response.content.decode()
    assert Period.objects.get(pk=period.pk).status == "closed"


def test_computing_follows_new_records(world, login, made):
    period, score = made[("period", "t1")], made[("score", "leader")]
    assert line(score, made["coverage"]).counted == 0
    visit(world, "g1a")
    client = login(world.users["township"])

    response = client.post(reverse("assessments:period_compute", args=[period.pk]))

    assert response.status_code == 302
    assert "Scores computed from the records." in messages_of(response)
    assert line(score, made["coverage"]).counted == 1


def test_opening_a_period_through_the_scheme_page(world, login, made):
    client = login(world.users["township"])
    scheme = made[("scheme", "t1")]
    url = reverse("assessments:period_open", args=[scheme.pk])
    assert url in page_text(client.get(scheme.get_absolute_url()))

    response = client.post(url, {"day": month_start(1).isoformat()})

    period = Period.objects.get(scheme=scheme, starts_on=month_start(1))
    assert response.status_code == 302 and response.url == period.get_absolute_url()
    assert period.scores.count() == 3
    future = (today() + datetime.timedelta(days=40)).isoformat()
    for day in (future, "2026-13-01", "abc"):
        response = client.post(url, {"day": day})
        assert response.status_code == 302 and response.url == scheme.get_absolute_url()
        assert messages_of(response)
    assert scheme.periods.count() == 2


# --- the long-term-failure list -------------------------------------------------------------------


def failing_months(world, made, months=3):
    """The last `months` months closed, the neighbour under the pass mark in each (a deduction)."""
    township, village = world.users["township"], world.users["village"]
    for back in range(months, 0, -1):
        period = services.open_period(actor=township, scheme=made[("scheme", "t1")], day=month_start(back))
        entry = services.enter(
            actor=village,
            score=period.scores.get(cadre=world.cadres["neighbour"]),
            item=made["deduct"],
            points=D(15),
            reason="长期不巡查",
            source="superiors",
        )
        services.decide(actor=township, entry=entry, approve=True)
        services.close(period, actor=township)


def test_the_failing_list_names_those_under_the_pass_mark_in_a_row(world, login, made):
    failing_months(world, made)
    url = reverse("assessments:failing", args=[made[("scheme", "t1")].pk])

    response = login(world.users["township"]).get(url)

    failing = response.context["failing"]
    assert [(cadre, streak) for cadre, streak, _ in failing] == [(world.cadres["neighbour"], 3)]
    assert world.cadres["neighbour"].name in page_text(response)
    # a grid leader sees only their own line, and is not on it
    assert login(world.users["leader"]).get(url).context["failing"] == []


@pytest.mark.parametrize("periods", ["abc", "", "-3", "0", "99999999999999999999999", "2.5", "１"])
def test_the_failing_list_takes_any_number_of_periods(world, login, made, periods):
    failing_months(world, made, months=1)
    url = reverse("assessments:failing", args=[made[("scheme", "t1")].pk])

    response = login(world.users["township"]).get(url, {"periods": periods})

    assert response.status_code == 200
    assert 1 <= response.context["periods"] <= 24


# --- once a period is closed -----------------------------------------------------------------------


def test_a_closed_period_takes_no_more_items_answers_or_decisions(world, login, made):
    period = last_month(world, made)
    score = period.scores.get(cadre=world.cadres["leader"])
    entry = services.enter(
        actor=world.users["village"],
        score=score,
        item=made["deduct"],
        points=D(4),
        reason="上月巡查缺勤",
        source="inside",
    )
    services.decide(actor=world.users["township"], entry=entry, approve=True)
    services.close(period, actor=world.users["township"])

    leader = login(world.users["leader"])
    card = page_text(leader.get(score.get_absolute_url()))
    assert "上月巡查缺勤" in card and reverse("assessments:answer", args=[entry.pk]) not in card
    assert leader.post(reverse("assessments:answer", args=[entry.pk]), {"answer": "补充说明"}).status_code == 403
    village = login(world.users["village"])
    assert reverse("assessments:entry_create", args=[score.pk]) not in page_text(village.get(score.get_absolute_url()))
    assert village.post(reverse("assessments:entry_create", args=[score.pk]), entry_data(made)).status_code == 403
    entry.refresh_from_db()
    assert (entry.answer, Entry.objects.filter(score=score).count()) == ("", 1)


def test_editing_a_scheme_leaves_its_closed_periods_as_they_were_scored(world, login, made):
    period = last_month(world, made)
    services.close(period, actor=world.users["township"])
    closed_lines = sorted(Line.objects.filter(score__period=period).values_list("item_id", "points"))
    client = login(world.users["township"])
    url = reverse("assessments:scheme_edit", args=[made[("scheme", "t1")].pk])
    data = browser_form(page_text(client.get(url)), "items-TOTAL_FORMS")
    data.update({"items-0-max_points": "50", "items-1-max_points": "50"})

    assert client.post(url, data).status_code == 302

    period.refresh_from_db()
    assert period.version.number == 1
    assert sorted(Line.objects.filter(score__period=period).values_list("item_id", "points")) == closed_lines
    assert Period.objects.get(pk=made[("period", "t1")].pk).version.number == 2


def test_an_edit_dropping_the_manual_item_an_open_period_uses_is_refused(world, login, made):
    client = login(world.users["township"])
    scheme = made[("scheme", "t1")]
    url = reverse("assessments:scheme_edit", args=[scheme.pk])
    data = browser_form(page_text(client.get(url)), "items-TOTAL_FORMS")
    data.update({"items-2-DELETE": "on"})  # the deduction the village entered about the leader

    response = client.post(url, data)

    assert "监督检查扣分" in page_text(response)
    assert 'data-testid="form-errors"' in response.content.decode()
    assert scheme.versions.count() == 1
    assert Entry.objects.get(pk=made[("entry", "leader")].pk).item == made["deduct"]


def test_a_grid_leaders_export_holds_their_own_row_only(world, login, made):
    period = made[("period", "t1")]
    for persona, names in (("leader", ["leader"]), ("neighbour", ["neighbour"])):
        response = login(world.users[persona]).get(period.get_absolute_url() + "?_export=xlsx")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        header, *rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.values]
        assert [row[header.index("Cadre")] for row in rows] == [world.cadres[key].name for key in names]
    csv = login(world.users["leader"]).get(period.get_absolute_url() + "?_export=csv")
    text = (b"".join(csv.streaming_content) if csv.streaming else csv.content).decode("utf-8-sig")
    assert world.cadres["leader"].name in text and world.cadres["neighbour"].name not in text
