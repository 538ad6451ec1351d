"""The Simplified Chinese catalogue: complete, compiled, and actually shown.

The catalogue is read with a small parser (no polib, no gettext tools: CI may have neither), the
compiled .mo with the standard library. The page checks sign in, ask for zh-hans the way a browser
does, and look for any English msgid of ours left in the visible text of the page.
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(django_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"


# --- the .po file ------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # plural index (0 for a singular entry) -> text
    flags: set = field(default_factory=set)
    line: int = 0

    @property
    def key(self):
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    def __str__(self):
        return f"line {self.line}: {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")\s*$')


def parse_po(path):
    """Entries of a .po file, the header included (msgid ""); obsolete (#~) entries are skipped."""
    entries, entry, target = [], None, None

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if entry is not None and entry.msgstr:
                finish()
            entry = entry or Entry(line=number)
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgstr:
                finish()  # a new entry without a blank line before it
            entry = entry or Entry(line=number)
            if keyword == "msgstr":
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = text
            else:
                target = (keyword, None)
                setattr(entry, keyword, text)
        elif line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: continuation outside an entry"
            text = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += text
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    return entries


ALL_ENTRIES = parse_po(PO_PATH)
HEADER = next(e for e in ALL_ENTRIES if e.msgid == "" and e.msgctxt is None)
ENTRIES = [e for e in ALL_ENTRIES if e is not HEADER]


def test_catalogue_has_entries():
    assert len(ENTRIES) > 100, "makemessages found almost nothing: is the catalogue the right file?"


def test_header():
    lines = [line.split(":", 1) for line in HEADER.msgstr[0].splitlines() if ":" in line]
    header = {key.strip(): value.strip() for key, value in lines}
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in header["Content-Type"]
    assert "gridadmin" in header["Project-Id-Version"]
    assert "gridadmin developers" in header["Language-Team"]
    assert "fuzzy" not in HEADER.flags


# (a) every entry translated, none fuzzy


def test_every_entry_is_translated():
    untranslated = [str(e) for e in ENTRIES if not e.msgstr or not all(text.strip() for text in e.msgstr.values())]
    assert not untranslated, "entries without a translation:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy():
    fuzzy = [str(e) for e in ENTRIES if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_entries_have_the_one_chinese_form():
    wrong = [str(e) for e in ENTRIES if e.msgid_plural is not None and sorted(e.msgstr) != [0]]
    assert not wrong, "zh has nplurals=1: a plural entry takes msgstr[0] only:\n" + "\n".join(wrong)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def test_placeholders_are_kept():
    wrong = []
    for e in ENTRIES:
        if "python-format" not in e.flags:
            continue
        # Chinese has one plural form: msgstr[0] stands for every count, so it follows msgid_plural
        # (a singular msgid may leave the number out: "in the latest closed period").
        wanted = sorted(_PLACEHOLDER.findall(e.msgid_plural if e.msgid_plural is not None else e.msgid))
        for text in e.msgstr.values():
            if sorted(_PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"{e}: {text!r}")
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_no_html_added_in_translations():
    tag = re.compile(r"<[a-zA-Z/!][^>]*>")
    wrong = [str(e) for e in ENTRIES if not tag.search(e.msgid) and any(tag.search(t) for t in e.msgstr.values())]
    assert not wrong, "HTML in a translation whose msgid has none:\n" + "\n".join(wrong)


# (b) the compiled catalogue matches the .po


def test_mo_is_compiled_from_the_current_po():
    """A changed .po without `compilemessages` (or a forgotten django.mo) fails here."""
    assert MO_PATH.exists(), "django.mo is missing: run `make messages` (compilemessages) and commit it"
    with MO_PATH.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = []
    for e in ENTRIES:
        if e.msgid_plural is None:
            got = catalogue.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else catalogue.gettext(e.msgid)
            expected = e.msgstr.get(0)
        else:
            if e.msgctxt is not None:
                got = catalogue.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 2)
            else:
                got = catalogue.ngettext(e.msgid, e.msgid_plural, 2)
            expected = e.msgstr.get(0)
        if got != expected:
            stale.append(f"{e}: .mo has {got!r}, .po has {expected!r}")
    assert not stale, "django.mo is older than django.po; run compilemessages:\n" + "\n".join(stale)


def test_django_serves_our_translations():
    """LOCALE_PATHS is found and our catalogue wins over the apps' catalogues."""
    wrong = []
    with translation.override("zh-hans"):
        for e in ENTRIES:
            if e.msgid_plural is not None:
                got = translation.ngettext(e.msgid, e.msgid_plural, 5)
            elif e.msgctxt is not None:
                got = translation.pgettext(e.msgctxt, e.msgid)
            else:
                got = translation.gettext(e.msgid)
            if got != e.msgstr.get(0):
                wrong.append(f"{e}: Django gives {got!r}")
    assert not wrong, "\n".join(wrong)


# (c) the pages in Chinese show no English of ours


class _VisibleText(HTMLParser):
    """Text a user reads: character data outside script/style, plus the attributes shown or read out."""

    SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
    HIDDEN_ELEMENTS = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden, self.lang = [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN_ELEMENTS:
            self.hidden += 1
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")
        self.parts.extend(value for name, value in attrs if name in self.SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split()), parser.lang


_ENGLISH = re.compile(r"^[A-Za-z0-9 ,.;:!?'’()\-–—/]+$")


def _english_fragments(text):
    """The English pieces of a msgid between its placeholders, longer than 3 characters."""
    for piece in _PLACEHOLDER.split(text):
        piece = " ".join((piece or "").split()).strip(" ,.;:!?()–—-")
        if len(piece) > 3 and _ENGLISH.match(piece) and re.search(r"[A-Za-z]{2}", piece):
            yield piece


def _catalogue_english():
    """(fragment, msgid) for every msgid whose translation differs from it (a proper name may not)."""
    found = {}
    for e in ENTRIES:
        if all(text == e.msgid for text in e.msgstr.values()):
            continue
        for source in filter(None, (e.msgid, e.msgid_plural)):
            for fragment in _english_fragments(source):
                found.setdefault(fragment, e.msgid)
    return found


CATALOGUE_ENGLISH = _catalogue_english()


def english_left_in(text):
    leaks = []
    for fragment, msgid in CATALOGUE_ENGLISH.items():
        if re.search(r"(?<![A-Za-z])" + re.escape(fragment) + r"(?![A-Za-z])", text, re.IGNORECASE):
            leaks.append(f"{fragment!r} (msgid {msgid!r})")
    return leaks


def test_leak_detector_sees_english():
    """The detector itself: it finds an untranslated word and ignores a Chinese page."""
    assert english_left_in("首页 Households 12")
    assert english_left_in("1 households")  # the plural of a count
    assert not english_left_in("首页 住户 12 · 网格化管理平台")


def _pages(world):
    places, households, residents = world.places, world.households, world.residents
    household, resident, cadre = households["g1a"], residents["g1a"], world.cadres["leader"]
    return {
        # the pages of the brief
        "home": reverse("home"),
        "household list": reverse("villages:household_list"),
        "household list, filtered": reverse("villages:household_list") + f"?grid={places['G1'].pk}&q=zz",
        "township": reverse("villages:township", args=[places["t1"].pk]),
        "village": reverse("villages:village", args=[places["v1"].pk]),
        "grid": reverse("villages:grid", args=[places["G1"].pk]),
        "villager group": reverse("villages:group", args=[places["g1a"].pk]),
        "household": reverse("villages:household", args=[household.pk]),
        "resident": reverse("villages:resident", args=[resident.pk]),
        "cadre directory": reverse("villages:cadre_list"),
        "new household": reverse("villages:household_create"),
        "edit household": reverse("villages:household_edit", args=[household.pk]),
        # and the rest of what township staff open
        "cadre directory, no match": reverse("villages:cadre_list") + "?q=zzz",
        "cadre": reverse("villages:cadre", args=[cadre.pk]),
        "edit cadre": reverse("villages:cadre_edit", args=[cadre.pk]),
        "new cadre": reverse("villages:cadre_create"),
        "new post": reverse("villages:post_create", args=[cadre.pk]),
        "move household": reverse("villages:household_move", args=[household.pk]),
        "new resident": reverse("villages:resident_create", args=[household.pk]),
        "edit resident": reverse("villages:resident_edit", args=[resident.pk]),
        # cases
        **_case_pages(world),
        **_visit_pages(world),
        **_assessment_pages(world),
    }


def _assessment_pages(world):
    """tests/test_access_matrix.py's assessment (a scheme of t1, this month's period, two items
    waiting), with a visit counted, last month's period closed and an item approved and answered."""
    from assessments import services
    from tests.test_access_matrix import assessment_world, month_start

    made = assessment_world(world)
    u = world.users
    scheme, period, score = made[("scheme", "t1")], made[("period", "t1")], made[("score", "leader")]
    last = services.open_period(actor=u["township"], scheme=scheme, day=month_start(1))
    services.close(last, actor=u["township"])
    approved = services.enter(
        actor=u["village"], score=score, item=made["reward"], points=3, reason="表彰", source="society"
    )
    services.decide(actor=u["township"], entry=approved, approve=True, note="同意")
    services.answer(actor=u["leader"], entry=made[("entry", "leader")], text="已整改")
    return {
        "assessment": reverse("assessments:index"),
        "my score, not assessed": reverse("assessments:mine"),
        "assessment scheme": reverse("assessments:scheme", args=[scheme.pk]),
        "new assessment scheme": reverse("assessments:scheme_create", args=[world.places["t1"].pk]),
        "edit assessment scheme": reverse("assessments:scheme_edit", args=[scheme.pk]),
        "assessment period, open": reverse("assessments:period", args=[period.pk]),
        "assessment period, closed": reverse("assessments:period", args=[last.pk]),
        "long-term failures": reverse("assessments:failing", args=[scheme.pk]) + "?periods=1",
        "score card": reverse("assessments:score", args=[score.pk]),
        "score card, village level": reverse("assessments:score", args=[made[("score", "resident_cadre")].pk]),
        "evidence, households": reverse("assessments:evidence", args=[score.pk, made["coverage"].pk]),
        "evidence, patrols": reverse(
            "assessments:evidence", args=[score.pk, scheme.versions.get().items.get(metric="patrol_days").pk]
        ),
        "new reward or deduction": reverse("assessments:entry_create", args=[score.pk]),
        "items to approve": reverse("assessments:pending"),
    }


def _visit_pages(world):
    """A visit that opened a case, a patrol, a work log and a meeting, recorded through the services."""
    import datetime

    from django.utils import timezone

    from visits import services

    u, h, p = world.users, world.households, world.places
    today = timezone.localdate()
    visit = services.record_visit(
        actor=u["leader"],
        household=h["g1a"],
        visited_on=today - datetime.timedelta(days=3),
        kind="routine",
        met="户主",
        findings={"needs": "修路", "dangers": "墙体开裂"},
        late_reason="上周下乡未带电脑",
        case_category="infrastructure",
    )
    talk = services.record_visit(
        actor=u["village"], representative=world.cadres["representative"], visited_on=today, kind="talk", notes="谈话"
    )
    patrol = services.record_patrol(
        actor=u["leader"],
        grid=p["G1"],
        patrolled_on=today,
        started_at=datetime.time(8),
        ended_at=datetime.time(9),
        area="一组、二组",
        findings="路灯损坏",
    )
    week = services.save_work_log(
        actor=u["township"],
        grid=p["G1"],
        period="week",
        starts_on=services.week_of(today),
        text="本周走访三户",
    )
    meeting = services.record_meeting(
        actor=u["township"],
        village=p["v1"],
        held_on=today,
        agenda="议程",
        attendees=[world.cadres["village"]],
        cases=[visit.case],
    )
    return {
        "my visits": reverse("visits:due"),
        "my visits, all": reverse("visits:due") + "?standing=all",
        "visit log": reverse("visits:list"),
        "log a visit": reverse("visits:create") + f"?household={h['g1a'].pk}",
        "log a talk": reverse("visits:talk_create"),
        "visit": reverse("visits:detail", args=[visit.pk]),
        "talk": reverse("visits:detail", args=[talk.pk]),
        "coverage": reverse("visits:coverage_all"),
        "coverage of a village": reverse("visits:coverage", args=["village", p["v1"].pk]),
        "coverage of a grid": reverse("visits:coverage", args=["grid", p["G1"].pk]),
        "record a patrol": reverse("visits:patrol_create"),
        "patrol": reverse("visits:patrol", args=[patrol.pk]),
        "patrol calendar": reverse("visits:patrol_calendar", args=[p["G1"].pk]),
        "work logs": reverse("visits:logs"),
        "daily log, drafted": reverse("visits:log_create") + f"?grid={p['G1'].pk}",
        "weekly summary": reverse("visits:log", args=[week.pk]),
        "meetings": reverse("visits:meetings", args=[p["v1"].pk]),
        "record a meeting": reverse("visits:meeting_create", args=[p["v1"].pk]),
        "meeting": reverse("visits:meeting", args=[meeting.pk]),
        "visit intervals": reverse("visits:intervals", args=[p["t1"].pk]),
    }


def _case_pages(world):
    """A coordination case that went to a department and back, and an approval under public
    notice, moved through the services so that their timelines have every kind of line."""
    from cases import services
    from cases.models import Case

    u, h = world.users, world.households
    for key, cadre in world.cadres.items():  # pages name people by their names, not their logins
        u[key].first_name = cadre.name
        u[key].save(update_fields=["first_name"])

    def step(actor, case, name, **kw):
        case.refresh_from_db()
        return services.transition(actor=u[actor], case=case, name=name, version=case.version, **kw)

    coordination = services.open_case(
        actor=u["leader"],
        case=Case(household=h["g1a"], summary="院墙开裂", category="dispute", procedure="coordination"),
    )
    step("leader", coordination, "escalate", note="村里协调")
    step("village", coordination, "accept")
    step("village", coordination, "dispatch", note="请民政办", department="民政办")
    step("department", coordination, "accept")
    step("department", coordination, "resolve", note="已修复")
    approval = services.open_case(
        actor=u["leader"],
        case=Case(household=h["g1b"], summary="低保申请", category="civil_affairs", procedure="approval"),
    )
    step("leader", approval, "submit_for_verification")
    step("village", approval, "accept")
    step("village", approval, "verify_and_submit", department="民政办")
    step("department", approval, "accept")
    step("department", approval, "decide", note="同意")
    step("department", approval, "publish_notice")
    return {
        "case list": reverse("cases:list"),
        "case list, overdue": reverse("cases:list") + "?urgency=red",
        "my queue": reverse("cases:queue"),
        "emergency board": reverse("cases:emergencies"),
        "case, back from a department": reverse("cases:detail", args=[coordination.pk]),
        "case, under public notice": reverse("cases:detail", args=[approval.pk]),
        "public notice": reverse("publicity:notice", args=[approval.pk]),
        "new case": reverse("cases:create"),
        "report a birth": reverse("cases:report_birth"),
        "report a migrant": reverse("cases:report_migrant"),
        "case deadlines": reverse("cases:deadlines", args=[world.places["t1"].pk]),
        "notifications": reverse("cases:notifications"),
    }


PAGES = [
    "home",
    "household list",
    "household list, filtered",
    "township",
    "village",
    "grid",
    "villager group",
    "household",
    "resident",
    "cadre directory",
    "new household",
    "edit household",
    "cadre directory, no match",
    "cadre",
    "edit cadre",
    "new cadre",
    "new post",
    "move household",
    "new resident",
    "edit resident",
    "case list",
    "case list, overdue",
    "my queue",
    "emergency board",
    "case, back from a department",
    "case, under public notice",
    "public notice",
    "new case",
    "report a birth",
    "report a migrant",
    "case deadlines",
    "notifications",
    "my visits",
    "my visits, all",
    "visit log",
    "log a visit",
    "log a talk",
    "visit",
    "talk",
    "coverage",
    "coverage of a village",
    "coverage of a grid",
    "record a patrol",
    "patrol",
    "patrol calendar",
    "work logs",
    "daily log, drafted",
    "weekly summary",
    "meetings",
    "record a meeting",
    "meeting",
    "visit intervals",
]
ASSESSMENT_PAGES = [
    "assessment",
    "my score, not assessed",
    "assessment scheme",
    "new assessment scheme",
    "edit assessment scheme",
    "assessment period, open",
    "assessment period, closed",
    "long-term failures",
    "score card",
    "score card, village level",
    "evidence, households",
    "evidence, patrols",
    "new reward or deduction",
    "items to approve",
]


def _sign_in_as_township_staff(client, world, key="township"):
    user = world.users[key]
    # The navigation bar shows the user's name; a cadre's login carries it (services.create_cadre),
    # the fixture's logins do not, and their user names ("township") are English words.
    user.first_name = world.cadres[key].name
    user.save(update_fields=["first_name"])
    client.force_login(user)


def _assert_chinese(response, page, status=200):
    assert response.status_code == status, f"{page}: HTTP {response.status_code}"
    text, lang = visible_text(response.content.decode())
    assert lang == "zh-hans", f"{page}: <html lang={lang!r}>"
    leaks = english_left_in(text)
    assert not leaks, f"{page} shows English in Chinese:\n" + "\n".join(leaks) + f"\n\nPage text: {text}"
    return text


@pytest.mark.parametrize("page", PAGES + ASSESSMENT_PAGES)
def test_signed_in_pages_are_in_chinese(client, world, page):
    _sign_in_as_township_staff(client, world)
    response = client.get(_pages(world)[page], HTTP_ACCEPT_LANGUAGE="zh-hans")
    _assert_chinese(response, page)


@pytest.mark.parametrize("page", ["my score", "score card", "answer"])
def test_a_grid_leaders_assessment_pages_are_in_chinese(client, world, page):
    """What the cadre assessed sees: their scores and chart, their card, the form to answer an item."""
    made_pages = _pages(world)  # the assessment with its two periods, as township staff see it
    from tests.test_access_matrix import assessment_world

    made = assessment_world(world)
    url = {
        "my score": reverse("assessments:mine"),
        "score card": made_pages["score card"],
        "answer": reverse("assessments:answer", args=[made[("entry", "leader")].pk]),
    }[page]
    _sign_in_as_township_staff(client, world, "leader")
    text = _assert_chinese(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"), page)
    if page != "answer":
        assert "<svg" in client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert world.cadres["leader"].name in text


def test_sign_in_page_is_in_chinese(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    _assert_chinese(response, "sign in")


def test_error_pages_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world, "volunteer")
    response = client.get(reverse("villages:cadre_create"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    _assert_chinese(response, "403", status=403)
    response = client.get(
        reverse("villages:household", args=[world.households["h1"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    _assert_chinese(response, "404", status=404)


# Forms sent back with errors: validators', forms' and services' messages come from the catalogue too.


def test_household_form_errors_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world)
    data = {"group": world.places["g1a"].pk, "head_name": "郑一", "address": "1号", "phone": "0591-1234567"}
    response = client.post(reverse("villages:household_create"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "固定电话" in _assert_chinese(response, "new household with a landline")


def test_resident_form_errors_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world)
    data = {"name": "郑二", "id_number": "123", "relation": "child", "status": "registered"}
    url = reverse("villages:resident_create", args=[world.households["g1a"].pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "身份证号码为18位" in _assert_chinese(response, "new resident with a short ID number")


def test_move_form_errors_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world)
    data = {"to_group": world.places["g1b"].pk, "moved_on": "2999-01-01", "reason": "搬迁"}
    url = reverse("villages:household_move", args=[world.households["g1a"].pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "迁移日期不能晚于今天" in _assert_chinese(response, "move into the future")


def test_post_form_errors_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world)
    data = {"role": "grid_leader", "started_on": "2024-01-01"}
    url = reverse("villages:post_create", args=[world.cadres["leader"].pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "该职务须指定" in _assert_chinese(response, "grid leader without a grid")


def test_scheme_form_errors_are_in_chinese(client, world):
    _sign_in_as_township_staff(client, world)
    data = {
        "name": "网格长考核",
        "cycle": "month",
        "roles": ["grid_leader"],
        "total": 100,
        "pass_mark": 60,
        "excellent_at": 90,
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 30,
        "items-0-metric": "visit_coverage",
        "items-0-effect": "earn",
        "items-0-max_points": 90,
        "items-0-zero_at": 50,
        "items-0-full_at": 95,
    }
    url = reverse("assessments:scheme_create", args=[world.places["t1"].pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "得分项合计 90 分，方案总分为 100 分。" in _assert_chinese(response, "scheme whose items do not add up")


def test_entry_form_errors_are_in_chinese(client, world):
    from tests.test_access_matrix import assessment_world

    made = assessment_world(world)
    _sign_in_as_township_staff(client, world, "village")
    data = {"item": made["deduct"].pk, "points": "30", "source": "masses", "reason": "投诉", "case": "20261104-0"}
    url = reverse("assessments:entry_create", args=[made[("score", "leader")].pk])
    text = _assert_chinese(client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans"), "entry with errors")
    assert "该项最多 20 分。" in text
    assert "没有您可查看的该编号事件。" in text


# (d) English is still there for those who ask for it


def test_home_page_in_english(client, world):
    _sign_in_as_township_staff(client, world)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text, lang = visible_text(response.content.decode())
    assert lang == "en"
    assert "Households" in text
    assert "住户" not in text
