"""The access matrix: every named URL of the project, for every persona and every kind of target.

Deny by default: `test_every_url_is_in_the_matrix` walks the URL configuration and fails for a
named URL the table below does not list, so a new page cannot ship without saying who may open it.

The expectations are written as a policy, not as rows: `POLICY` says what each persona holds
(the households they see and may edit or reveal in, the hierarchy pages they may open, the
townships whose cadres they see and manage), and each page in `PAGES` has a rule that turns that
into a status, following villages/jurisdiction.py: outside the view scope 404, inside it without
the action 403, allowed 200; anonymous 302 to the sign-in page. The parametrisation is generated
from the two tables, and tests/test_privacy.py walks the same table.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from publicity.models import BulletinPrint
from villages.models import IdReveal, Place, Post

# ---------------------------------------------------------------------------------------------
# The policy: what each persona holds.

HOUSEHOLDS = ("g1a", "g1a_other", "g1b", "g2", "g3", "h1")  # keys of world.households
G1_HOUSEHOLDS = {"g1a", "g1a_other", "g1b"}
V1_HOUSEHOLDS = G1_HOUSEHOLDS | {"g2"}
T1_HOUSEHOLDS = V1_HOUSEHOLDS | {"g3"}

TOWNSHIPS, VILLAGES, GRIDS, GROUPS = (
    ("t1", "t2"),
    ("v1", "v2", "w1"),
    ("G1", "G2", "G3", "H1"),
    ("g1a", "g1b", "g2", "g3", "h1"),
)
T1_PLACES = {"t1", "v1", "v2", "G1", "G2", "G3", "g1a", "g1b", "g2", "g3"}
T2_PLACES = {"t2", "w1", "H1", "h1"}

# Cadre targets: the cadre of a persona, in which township, and whether it has a photo.
CADRES = {
    "cadre_t1": ("leader", "t1", True),
    "cadre_t1_bare": ("member", "t1", False),
    "cadre_t2": ("other_township", "t2", True),
}


@dataclass(frozen=True)
class Grants:
    """What one persona holds. Households stand for their residents too."""

    see: frozenset = frozenset()  # households they can open
    edit: frozenset = frozenset()  # households they may change (and move, and add residents to)
    reveal: frozenset = frozenset()  # households whose residents' full ID numbers they may reveal
    places: frozenset = frozenset()  # township, village, grid and group pages they may open
    cadres: frozenset = frozenset()  # townships whose cadres they see (any post there)
    manage: frozenset = frozenset()  # townships whose cadres they may edit
    grids: frozenset = frozenset()  # grids whose enterprises and facilities they may record


def grants(see=(), edit=(), reveal=(), places=(), cadres=(), manage=(), grids=()):
    return Grants(*(frozenset(s) for s in (see, edit, reveal, places, cadres, manage, grids)))


POLICY = {
    "anonymous": None,
    # grid leader of G1: everything in G1 except managing cadres
    "leader": grants(
        see=G1_HOUSEHOLDS,
        edit=G1_HOUSEHOLDS,
        reveal=G1_HOUSEHOLDS,
        places={"t1", "v1", "G1", "g1a", "g1b"},
        cadres={"t1"},
        grids={"G1"},
    ),
    # grid member of G1: sees and edits, may not reveal
    "member": grants(
        see=G1_HOUSEHOLDS, edit=G1_HOUSEHOLDS, places={"t1", "v1", "G1", "g1a", "g1b"}, cadres={"t1"}, grids={"G1"}
    ),
    # grid leader of G2, the neighbouring grid in the same village
    "neighbour": grants(
        see={"g2"}, edit={"g2"}, reveal={"g2"}, places={"t1", "v1", "G2", "g2"}, cadres={"t1"}, grids={"G2"}
    ),
    # village secretary of v1: both of its grids
    "village": grants(
        see=V1_HOUSEHOLDS,
        edit=V1_HOUSEHOLDS,
        reveal=V1_HOUSEHOLDS,
        places={"t1", "v1", "G1", "G2", "g1a", "g1b", "g2"},
        cadres={"t1"},
        grids={"G1", "G2"},
    ),
    # resident township cadre for group 1 of v1 only (g1a); no reveal, no grid-wide records
    "resident_cadre": grants(
        see={"g1a", "g1a_other"},
        edit={"g1a", "g1a_other"},
        places={"t1", "v1", "G1", "g1a"},
        cadres={"t1"},
    ),
    # township centre staff: all of their township, cadres included
    "township": grants(
        see=T1_HOUSEHOLDS,
        edit=T1_HOUSEHOLDS,
        reveal=T1_HOUSEHOLDS,
        places=T1_PLACES,
        cadres={"t1"},
        manage={"t1"},
        grids={"G1", "G2", "G3"},
    ),
    "other_township": grants(
        see={"h1"}, edit={"h1"}, reveal={"h1"}, places=T2_PLACES, cadres={"t2"}, manage={"t2"}, grids={"H1"}
    ),
    # villager representative: their contact household only (not g1a_other), read-only
    "representative": grants(see={"g1a"}, places={"t1", "v1", "G1", "g1a"}, cadres={"t1"}),
    # department officer and volunteer information officer: nothing of the registry, only cadres
    "department": grants(cadres={"t1"}),
    "volunteer": grants(cadres={"t1"}),
    "superuser": grants(
        see=HOUSEHOLDS,
        edit=HOUSEHOLDS,
        reveal=HOUSEHOLDS,
        places=T1_PLACES | T2_PLACES,
        cadres=TOWNSHIPS,
        manage=TOWNSHIPS,
        grids=GRIDS,
    ),
}
PERSONAS = tuple(POLICY)

# Cases (cases/models.py): where each target case stands, and who sees, handles and follows it.
# see: the case page opens (the registry's view over its place, a department it was dispatched
# to, or having reported it); handle: the level holding it or a post above it over the same place;
# follow: anyone on its chain, whatever level holds it (on-site updates, the resident's verdict).
CASE_TARGETS = ("rep", "g1a_grid", "g2_grid", "g1a_village", "g3_township", "g1a_dept", "notice", "h1", "volunteer")
G1_CASES = {"rep", "g1a_grid", "g1a_village", "g1a_dept", "notice"}
T1_CASES = set(CASE_TARGETS) - {"h1"}


@dataclass(frozen=True)
class CaseGrants:
    see: frozenset = frozenset()
    handle: frozenset = frozenset()
    follow: frozenset = frozenset()
    report: bool = True  # may register cases somewhere


def case_grants(see=(), handle=(), follow=(), report=True):
    return CaseGrants(frozenset(see), frozenset(handle), frozenset(handle) | frozenset(follow), report)


CASE_POLICY = {
    "anonymous": None,
    "leader": case_grants(G1_CASES | {"volunteer"}, {"rep", "g1a_grid", "volunteer"}, G1_CASES),
    "member": case_grants(G1_CASES | {"volunteer"}, {"rep", "g1a_grid", "volunteer"}, G1_CASES),
    "neighbour": case_grants({"g2_grid"}, {"g2_grid"}),
    "village": case_grants(
        G1_CASES | {"g2_grid", "volunteer"}, {"rep", "g1a_grid", "g2_grid", "g1a_village", "volunteer"}, G1_CASES
    ),
    # group 1 of v1 only: the volunteer's case names no group, so it is not theirs
    "resident_cadre": case_grants(G1_CASES, {"rep", "g1a_grid", "g1a_village"}, G1_CASES),
    "township": case_grants(T1_CASES, T1_CASES - {"g1a_dept", "notice"}, T1_CASES),
    "other_township": case_grants({"h1"}, {"h1"}),
    "representative": case_grants(G1_CASES, {"rep"}, G1_CASES),
    "department": case_grants({"g1a_dept", "notice"}, {"g1a_dept", "notice"}, report=False),
    "volunteer": case_grants({"volunteer"}),
    "superuser": case_grants(CASE_TARGETS, CASE_TARGETS),
}
# Who approves an extension of the grid-level case g1a_grid: the village level and above.
EXTENSION_APPROVERS = {"village", "resident_cadre", "township", "superuser"}

# ---------------------------------------------------------------------------------------------
# Rules: from a persona's grants and a target to the status of a signed-in request.


def signed_in(g, target):
    return 200


def signs_out(g, target):
    return 302


def edits_anywhere(g, target):
    return 200 if g.edit else 403


def manages_anywhere(g, target):
    return 200 if g.manage else 403


def on_household(action=None):
    def rule(g, target):
        if target not in g.see:
            return 404
        if action and target not in getattr(g, action):
            return 403
        return 200

    return rule


def navigable(g, target):
    return 200 if target in g.places else 404


def on_cadre(action=None, done=200):
    def rule(g, target):
        township = CADRES[target][1]
        if township not in g.cadres:
            return 404
        if action and township not in getattr(g, action):
            return 403
        return done

    return rule


def manages_place(g, target):
    """The hierarchy itself (new villages, grids and groups; renaming; re-gridding): township staff."""
    if target not in g.places:
        return 404
    township = "t1" if target in T1_PLACES else "t2"
    return 200 if township in g.manage else 403


def records_print(g, target):
    """Marking a grid's bulletin as printed: open the grid to see it, answer for the grid to say so."""
    if target not in g.places:
        return 404
    return 302 if target in g.grids else 403


def on_grid_records(g, target):
    """Enterprises and facilities of a grid: open the grid to see them, hold the grid to record them."""
    if target not in g.places:
        return 404
    return 200 if target in g.grids else 403


def on_case(action=None, done=200):
    def rule(g, target, persona=None):
        c = CASE_POLICY[persona]
        if target not in c.see:
            return 404
        if action and target not in getattr(c, action):
            return 403
        return done

    rule.by_persona = True
    return rule


def approves_extension(g, target, persona=None):
    if target not in CASE_POLICY[persona].see:
        return 404
    return 302 if persona in EXTENSION_APPROVERS else 403


approves_extension.by_persona = True


def reports_anywhere(g, target, persona=None):
    return 200 if CASE_POLICY[persona].report else 403


reports_anywhere.by_persona = True


def reports_and_edits_anywhere(g, target, persona=None):
    """A birth or a migrant's arrival adds a resident: for those who may report and edit somewhere."""
    return 200 if CASE_POLICY[persona].report and g.edit else 403


reports_and_edits_anywhere.by_persona = True


# Field work (visits/): who logs visits, patrols, talks; whose patrols, logs and meetings one sees.
# A patrol, a work log and a meeting belong to a grid or a village; they are seen by posts granted
# that place (not by those a grant below it opens: a grid leader opens the village page, not its
# meetings) and by whoever recorded them.
VISITORS = {"leader", "member", "neighbour", "village", "resident_cadre", "township", "other_township"}
VISITORS |= {"representative", "superuser"}
TALKERS = {"village", "resident_cadre", "township", "other_township", "superuser"}  # the two committees up
PATROLLERS = {"leader", "member", "neighbour", "village", "township", "other_township", "superuser"}
MEETINGS = {
    "village": {"v1"},
    "township": {"v1", "v2"},
    "other_township": {"w1"},
    "superuser": set(VILLAGES),
}
VISIT_TARGETS = ("g1a", "g2", "h1")  # a visit to that household, with a photo
PATROL_TARGETS = ("G1", "G2", "G3", "H1")  # a patrol of, and a work log for, that grid
LOG_TARGETS = ("G1", "G2", "H1")
MEETING_TARGETS = ("v1", "v2", "w1")


def persona_in(group):
    def rule(g, target, persona=None):
        return 200 if persona in group else 403

    rule.by_persona = True
    return rule


def on_grid_field_work(g, target):
    """A patrol or a work log: seen by posts granted its grid (404 for the rest)."""
    return 200 if target in g.grids else 404


def on_meetings(done=200):
    def rule(g, target, persona=None):
        if target not in g.places:
            return 404
        return done if target in MEETINGS.get(persona, ()) else 403

    rule.by_persona = True
    return rule


def on_cadre_visit(g, target, persona=None):
    """A cadre's visit: seen where its household is, except by the household's representative,
    who sees their own contact visits only (the targets are routine visits)."""
    return 200 if target in g.see and persona != "representative" else 404


on_cadre_visit.by_persona = True


def on_meeting(g, target, persona=None):
    return 200 if target in MEETINGS.get(persona, ()) else 404


on_meeting.by_persona = True


def cadre_photo(g, target):
    _, township, has_photo = CADRES[target]
    return 200 if township in g.cadres and has_photo else 404


# Assessment (assessments/): a score is seen by its cadre (the "reporter" grant), by the grants on
# its village and on its township, and by nobody else (a grid leader opens their own card, not a
# colleague's; a grid member or a resident cadre posted to some groups sees none of them). Items
# about a cadre are entered by the level above: the township about anyone, a village's committees
# (ASSESS, limited by Score.scope_limits) about its grids' cadres only, never about themselves.
# The township decides them; only the cadre an item is about answers it. Schemes and periods are
# seen wherever the township's pages open, and managed by its staff.
SCORE_TARGETS = ("leader", "neighbour", "resident_cadre")  # whose score: grid, grid, village level
ENTRY_TARGETS = ("leader", "neighbour")  # a pending item about them (by the village, by the township)
ALL_SCORES = frozenset(SCORE_TARGETS)


@dataclass(frozen=True)
class AssessmentGrants:
    see: frozenset = frozenset()  # scores they open (with their evidence and items)
    enter: frozenset = frozenset()  # scores they may enter a reward or deduction about


def assessment_grants(see=(), enter=()):
    return AssessmentGrants(frozenset(see), frozenset(enter))


ASSESSMENT_POLICY = {
    "anonymous": None,
    "leader": assessment_grants(see={"leader"}),
    "member": assessment_grants(),
    "neighbour": assessment_grants(see={"neighbour"}),
    "village": assessment_grants(see=ALL_SCORES, enter={"leader", "neighbour"}),
    "resident_cadre": assessment_grants(see={"resident_cadre"}),
    "township": assessment_grants(see=ALL_SCORES, enter=ALL_SCORES),
    "other_township": assessment_grants(),
    "representative": assessment_grants(),
    "department": assessment_grants(),
    "volunteer": assessment_grants(),
    "superuser": assessment_grants(see=ALL_SCORES, enter=ALL_SCORES),
}


def on_township(action=None, done=200):
    """A scheme or a period of the township `target`: seen where its pages open, managed by its staff."""

    def rule(g, target):
        if target not in g.places:
            return 404
        if action and target not in getattr(g, action):
            return 403
        return done

    return rule


def on_score(action=None):
    def rule(g, target, persona=None):
        a = ASSESSMENT_POLICY[persona]
        if target not in a.see:
            return 404
        if action and target not in getattr(a, action):
            return 403
        return 200

    rule.by_persona = True
    return rule


def decides_entry(g, target, persona=None):
    """An item about `target`'s cadre, waiting in township t1: decided by t1's managers."""
    if target not in ASSESSMENT_POLICY[persona].see:
        return 404
    return 302 if "t1" in g.manage else 403


decides_entry.by_persona = True


def answers_entry(g, target, persona=None):
    if target not in ASSESSMENT_POLICY[persona].see:
        return 404
    return 200 if persona == target else 403


answers_entry.by_persona = True


# Prints (publicity/): a grid's bulletin and its map, a village's network diagram and a township's
# list of bulletins follow the place's page (a grid leader reaches their village's page, so prints
# its network diagram); contact cards and letters are printed for a place ("grids/G1") one may open,
# and hold only the households one sees there (the page check below holds them to that). The wording
# of the prints is the township's to manage. Only G1 has a map picture (see prepare()).
MAPPED_GRIDS = {"G1"}
PRINT_TARGETS = (
    "households/g1a",
    "households/g1a_other",
    "households/h1",
    "groups/g1a",
    "groups/g2",
    "grids/G1",
    "grids/G3",
    "villages/v1",
    "villages/w1",
    "townships/t1",  # not a scope of the prints
)
# The same as a PDF: fewer targets, a PDF takes a tenth of a second or more to make.
PRINT_PDF_TARGETS = ("households/g1a", "villages/v1", "villages/w1")


def on_print_scope(g, target):
    scope, key = target.split("/")
    if scope == "households":
        return on_household()(g, key)
    if scope in ("groups", "grids", "villages"):
        return navigable(g, key)
    return 404


def grid_map(g, target):
    return 200 if target in g.places and target in MAPPED_GRIDS else 404


def on_notice(g, target, persona=None):
    """The public notice of an approval matter in its notice period; any other case has none."""
    return on_case()(g, target, persona=persona) if target == "notice" else 404


on_notice.by_persona = True


# How a target becomes the URL kwargs, and where a successful POST goes.
def household_pk(world, target):
    return {"pk": world.households[target].pk}


def resident_pk(world, target):
    return {"pk": world.residents[target].pk}


def place_pk(world, target):
    return {"pk": world.places[target].pk}


def facility_pk(world, target):
    """An enterprise in grid `target` (made on first use)."""
    place, _ = Place.objects.get_or_create(grid=world.places[target], kind="enterprise", name=f"企业{target}")
    return {"pk": place.pk}


def cadre_pk(world, target):
    return {"pk": world.cadres[CADRES[target][0]].pk}


def post_pk(world, target):
    return {"pk": world.cadres[CADRES[target][0]].posts.get().pk}


def case_pk(world, target):
    return {"pk": case_world(world)[target].pk}


def step_kwargs(world, target):
    return {"pk": case_world(world)[target].pk, "name": "accept"}


def attachment_pk(world, target):
    return {"pk": case_world(world)[target].attachments.get().pk}


def current_version(**data):
    """POST data with the case's current version: the form of someone who has the page open now."""

    def make(world, target):
        return {"version": case_world(world)[target].version, **data}

    return make


def to_case(world, target):
    return case_world(world)[target].get_absolute_url()


def to_notifications(world, target):
    return reverse("cases:notifications")


def case_world(world):
    """The target cases, made once per world through the services, each where CASE_TARGETS says."""
    if getattr(world, "cases", None):
        return world.cases
    from cases import services
    from cases.models import Case

    u, h, p = world.users, world.households, world.places

    def open_(actor, procedure="coordination", **where):
        return services.open_case(
            actor=u[actor],
            case=Case(summary=f"事件{len(made)}{actor}", category="dispute", procedure=procedure, **where),
            files=[ContentFile(jpeg_bytes(), name="photo.jpg")],
        )

    def step(actor, case, name, **kw):
        case.refresh_from_db()
        return services.transition(actor=u[actor], case=case, name=name, version=case.version, **kw)

    made = {}
    made["rep"] = open_("representative", household=h["g1a"])
    made["g1a_grid"] = open_("leader", household=h["g1a"])
    made["g2_grid"] = open_("neighbour", household=h["g2"])
    made["g1a_village"] = open_("village", household=h["g1a"])
    made["g3_township"] = open_("township", household=h["g3"])
    made["h1"] = open_("other_township", household=h["h1"])
    made["volunteer"] = open_("volunteer", grid=p["G1"])
    dept = made["g1a_dept"] = open_("leader", household=h["g1a"])
    step("leader", dept, "escalate", note="村里协调")
    step("village", dept, "accept")
    step("village", dept, "dispatch", note="请民政办", department="民政办")
    notice = made["notice"] = open_("leader", "approval", household=h["g1a"])
    step("leader", notice, "submit_for_verification")
    step("village", notice, "accept")
    step("village", notice, "verify_and_submit", department="民政办")
    step("department", notice, "accept")
    step("department", notice, "decide", note="同意")
    step("department", notice, "publish_notice")
    world.cases = {key: Case.objects.get(pk=case.pk) for key, case in made.items()}
    return world.cases


def visit_world(world):
    """The field-work targets, made once per world through the services."""
    if getattr(world, "visits", None):
        return world.visits
    from visits import services

    u, h, p = world.users, world.households, world.places
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    made = {}
    for key, actor in (("g1a", "leader"), ("g2", "neighbour"), ("h1", "other_township")):
        made[("visit", key)] = services.record_visit(
            actor=u[actor],
            household=h[key],
            visited_on=today,
            kind="routine",
            findings={"needs": f"需求{key}"},
            photo=ContentFile(jpeg_bytes(), name="visit.jpg"),
        )
    for key, actor in (("G1", "leader"), ("G2", "neighbour"), ("G3", "township"), ("H1", "other_township")):
        made[("patrol", key)] = services.record_patrol(
            actor=u[actor],
            grid=p[key],
            patrolled_on=today,
            started_at=datetime.time(8),
            ended_at=datetime.time(9),
            area=f"巡查{key}",
        )
    for key, actor in (("G1", "leader"), ("G2", "neighbour"), ("H1", "other_township")):
        made[("log", key)] = services.save_work_log(
            actor=u[actor], grid=p[key], period="day", starts_on=yesterday, text=f"日志{key}"
        )
    for key, actor in (("v1", "village"), ("v2", "township"), ("w1", "other_township")):
        made[("meeting", key)] = services.record_meeting(
            actor=u[actor], village=p[key], held_on=yesterday, agenda=f"议程{key}"
        )
    world.visits = made
    return made


def field_work_pk(kind):
    def kwargs(world, target):
        return {"pk": visit_world(world)[(kind, target)].pk}

    return kwargs


visit_pk, patrol_pk, log_pk, meeting_pk = (field_work_pk(k) for k in ("visit", "patrol", "log", "meeting"))


def coverage_kwargs(world, target):
    level = "township" if target in TOWNSHIPS else "village" if target in VILLAGES else "grid"
    return {"level": level, "pk": world.places[target].pk}


def month_start(months_back=0):
    """The first day of the month `months_back` months before this one."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months_back):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


ASSESSMENT_ITEMS = (  # 100 points earned from the records, a manual deduction and a manual reward
    {"metric": "visit_coverage", "effect": "earn", "max_points": 60, "zero_at": 50, "full_at": 95},
    {"metric": "patrol_days", "effect": "earn", "max_points": 40, "zero_at": 50, "full_at": 100},
    {"name": "监督检查扣分", "effect": "deduct", "max_points": 20},
    {"name": "表彰奖励", "effect": "reward", "max_points": 5},
)


def assessment_world(world):
    """The assessment targets, made once per world through the services: a scheme in each township
    (t1's assesses grid leaders and resident cadres), this month's period of each, computed, and
    two items waiting for the township's approval in t1."""
    if getattr(world, "assessments", None):
        return world.assessments
    from assessments import services
    from assessments.models import Scheme

    u, c, p = world.users, world.cadres, world.places
    made = {}
    for township, actor, name, roles, items in (
        ("t1", "township", "网格长月度考核", ["grid_leader", "resident_cadre"], ASSESSMENT_ITEMS),
        (
            "t2",
            "other_township",
            "白水网格长考核",
            ["grid_leader"],
            ({"metric": "patrol_days", "effect": "earn", "max_points": 100, "zero_at": 50, "full_at": 100},),
        ),
    ):
        scheme = services.save_scheme(
            actor=u[actor],
            scheme=Scheme(township=p[township], name=name, roles=roles),
            total=100,
            pass_mark=60,
            excellent_at=90,
            items=[{"name": "", "metric": "", **item} for item in items],
        )
        made[("scheme", township)] = scheme
        made[("period", township)] = services.open_period(actor=u[actor], scheme=scheme, day=timezone.localdate())
    version = made[("scheme", "t1")].versions.get()
    items = {item.name or item.metric: item for item in version.items.all()}
    made["coverage"], made["deduct"], made["reward"] = items["visit_coverage"], items["监督检查扣分"], items["表彰奖励"]
    for key in SCORE_TARGETS:
        made[("score", key)] = made[("period", "t1")].scores.get(cadre=c[key])
    for key, actor, item, reason in (
        ("leader", "village", made["deduct"], "群众反映巡查不到位"),
        ("neighbour", "township", made["reward"], "发现隐患及时上报"),
    ):
        made[("entry", key)] = services.enter(
            actor=u[actor], score=made[("score", key)], item=item, points=2, reason=reason, source="superiors"
        )
    for township in TOWNSHIPS:
        made[("period", township)].refresh_from_db()  # open_period's copy does not show its computation
    world.assessments = made
    return made


def township_kwargs(world, target):
    return {"township": world.places[target].pk}


def assessment_pk(kind):
    def kwargs(world, target):
        return {"pk": assessment_world(world)[(kind, target)].pk}

    return kwargs


scheme_pk, period_pk, score_pk, entry_pk = (assessment_pk(k) for k in ("scheme", "period", "score", "entry"))


def evidence_kwargs(world, target):
    made = assessment_world(world)
    return {"pk": made[("score", target)].pk, "item_pk": made["coverage"].pk}


def last_month_period_pk(world, target):
    """Last month's period of t1, open, nothing waiting: a period the township may close."""
    from assessments import services

    made = assessment_world(world)
    if ("last_month", target) not in made:
        made[("last_month", target)] = services.open_period(
            actor=world.users["township"], scheme=made[("scheme", target)], day=month_start(1)
        )
    return {"pk": made[("last_month", target)].pk}


def open_period_data(world, target):
    """A day two months back: a period nobody opened yet."""
    return {"day": month_start(2).isoformat()}


def to_opened_period(world, target):
    from assessments.models import Period

    return Period.objects.get(
        scheme=assessment_world(world)[("scheme", target)], starts_on=month_start(2)
    ).get_absolute_url()


def to_period(world, target):
    return assessment_world(world)[("period", target)].get_absolute_url()


def to_last_month_period(world, target):
    return world.assessments[("last_month", target)].get_absolute_url()


def to_entry_score(world, target):
    return assessment_world(world)[("score", target)].get_absolute_url()


def print_kwargs(world, target):
    scope, key = target.split("/")
    found = world.households[key] if scope == "households" else world.places[key]
    return {"scope": scope, "pk": found.pk}


def bulletin_data(world, target):
    """What the bulletin page's form sends as the browser prints it: the board as shown now."""
    from publicity import content

    return {"size": "A4", "fingerprint": content.board(world.places[target]).fingerprint}


def to_bulletin(world, target):
    return reverse("publicity:bulletin", args=[world.places[target].pk])


def import_run_pk(world, target):
    """A roster checked by t1's township staff, clean and ready to import (made once per world)."""
    if not getattr(world, "import_run", None):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from imports import services
        from tests.factories import next_id_number

        header = "行政村,村民小组,住址,户主姓名,姓名,身份证号码,与户主关系"
        roster = f"{header}\n郑荣村,第1组,郑荣路1号,郑新,郑新,{next_id_number()},户主\n"
        upload = SimpleUploadedFile("roster.csv", roster.encode("utf-8-sig"))
        world.import_run = services.check(actor=world.users["township"], township=world.places["t1"], upload=upload)
    return {"pk": world.import_run.pk}


def sees_import_run(done=200):
    """t1's import runs are seen by its township staff (and by whoever uploaded one: here, the
    staff member); only the uploader imports it — the superuser sees it but did not upload it."""

    def rule(g, target, persona=None):
        if "t1" not in g.manage:
            return 404
        return done if persona == "township" or done == 200 else 403

    rule.by_persona = True
    return rule


def to_import_run(world, target):
    return world.import_run.get_absolute_url()


def no_kwargs(world, target):
    return {}


def to_login(world, target):
    return reverse("accounts:login")


def to_cadre(world, target):
    return world.cadres[CADRES[target][0]].get_absolute_url()


@dataclass(frozen=True)
class Page:
    expect: Callable  # (grants, target) -> status for a signed-in persona
    targets: tuple = (None,)
    kwargs: Callable = no_kwargs
    method: str = "get"
    data: dict | Callable = field(default_factory=dict)  # or (world, target) -> dict
    redirect: Callable = to_login  # where a signed-in 302 goes (anonymous always goes to sign in)


REVEAL_REASON = {"reason": "Checking the identity for a pension application"}

PAGES = {
    "home": Page(signed_in),
    "accounts:logout": Page(signs_out, method="post"),
    "villages:household_list": Page(signed_in),
    "villages:roster_export": Page(signed_in),  # the households one sees: none, for some
    "imports:list": Page(signed_in),
    "imports:template": Page(signed_in),
    "imports:upload": Page(edits_anywhere),
    "imports:run": Page(sees_import_run(), ("t1",), import_run_pk),
    "imports:report": Page(sees_import_run(), ("t1",), import_run_pk),
    "imports:import": Page(sees_import_run(302), ("t1",), import_run_pk, "post", redirect=to_import_run),
    "villages:household_create": Page(edits_anywhere),
    "villages:cadre_list": Page(signed_in),
    "villages:township": Page(navigable, TOWNSHIPS, place_pk),
    "villages:village": Page(navigable, VILLAGES, place_pk),
    "villages:grid": Page(navigable, GRIDS, place_pk),
    "villages:group": Page(navigable, GROUPS, place_pk),
    "villages:household": Page(on_household(), HOUSEHOLDS, household_pk),
    "villages:household_edit": Page(on_household("edit"), HOUSEHOLDS, household_pk),
    "villages:household_move": Page(on_household("edit"), HOUSEHOLDS, household_pk),
    "villages:resident_create": Page(on_household("edit"), HOUSEHOLDS, household_pk),
    "villages:resident": Page(on_household(), HOUSEHOLDS, resident_pk),
    "villages:resident_edit": Page(on_household("edit"), HOUSEHOLDS, resident_pk),
    "villages:resident_reveal": Page(on_household("reveal"), HOUSEHOLDS, resident_pk, "post", REVEAL_REASON),
    "villages:village_create": Page(manages_place, TOWNSHIPS, place_pk),
    "villages:village_edit": Page(manages_place, VILLAGES, place_pk),
    "villages:grid_create": Page(manages_place, VILLAGES, place_pk),
    "villages:group_create": Page(manages_place, VILLAGES, place_pk),
    "villages:grid_edit": Page(manages_place, GRIDS, place_pk),
    "villages:group_edit": Page(manages_place, GROUPS, place_pk),
    "villages:place_create": Page(on_grid_records, GRIDS, place_pk),
    "villages:place_edit": Page(on_grid_records, GRIDS, facility_pk),
    "villages:cadre": Page(on_cadre(), tuple(CADRES), cadre_pk),
    "villages:cadre_edit": Page(on_cadre("manage"), tuple(CADRES), cadre_pk),
    "villages:cadre_photo": Page(cadre_photo, tuple(CADRES), cadre_pk),
    "villages:cadre_create": Page(manages_anywhere),
    "villages:post_create": Page(on_cadre("manage"), tuple(CADRES), cadre_pk),
    "villages:post_end": Page(
        on_cadre("manage", done=302), tuple(CADRES), post_pk, "post", {"ended_on": "2024-06-30"}, to_cadre
    ),
    "cases:list": Page(signed_in),
    "cases:queue": Page(signed_in),
    "cases:inbox": Page(signed_in),
    "cases:emergencies": Page(signed_in),
    "cases:notifications": Page(signed_in),
    "cases:notifications_read": Page(signs_out, method="post", redirect=to_notifications),
    "cases:household_search": Page(signed_in),
    "cases:create": Page(reports_anywhere),
    "cases:report_birth": Page(reports_and_edits_anywhere),
    "cases:report_migrant": Page(reports_and_edits_anywhere),
    "cases:detail": Page(on_case(), CASE_TARGETS, case_pk),
    "cases:attachment": Page(on_case(), ("g1a_grid", "g2_grid", "h1"), attachment_pk),
    "cases:step": Page(on_case("handle", 302), CASE_TARGETS, step_kwargs, "post", current_version(), to_case),
    "cases:assign": Page(on_case("handle", 302), CASE_TARGETS, case_pk, "post", current_version(), to_case),
    "cases:note": Page(
        on_case("follow", 302), CASE_TARGETS, case_pk, "post", current_version(note="到现场查看"), to_case
    ),
    "cases:attach": Page(on_case("follow", 302), CASE_TARGETS, case_pk, "post", {}, to_case),
    "cases:extension_request": Page(
        on_case("handle", 302), CASE_TARGETS, case_pk, "post", current_version(days=2, reason="等材料"), to_case
    ),
    "cases:extension_decision": Page(
        approves_extension, ("g1a_grid",), case_pk, "post", current_version(approve="yes"), to_case
    ),
    "cases:deadlines": Page(manages_place, TOWNSHIPS, place_pk),
    "visits:due": Page(persona_in(VISITORS)),
    "visits:list": Page(signed_in),
    "visits:create": Page(persona_in(VISITORS)),
    "visits:talk_create": Page(persona_in(TALKERS)),
    "visits:detail": Page(on_cadre_visit, VISIT_TARGETS, visit_pk),
    "visits:photo": Page(on_cadre_visit, VISIT_TARGETS, visit_pk),
    "visits:coverage_all": Page(signed_in),
    "visits:coverage": Page(navigable, TOWNSHIPS + VILLAGES + GRIDS, coverage_kwargs),
    "visits:patrol_create": Page(persona_in(PATROLLERS)),
    "visits:patrol": Page(on_grid_field_work, PATROL_TARGETS, patrol_pk),
    "visits:patrol_calendar": Page(on_grid_records, GRIDS, place_pk),
    "visits:logs": Page(signed_in),
    "visits:log_create": Page(persona_in(PATROLLERS)),
    "visits:log": Page(on_grid_field_work, LOG_TARGETS, log_pk),
    "visits:meetings": Page(on_meetings(), VILLAGES, place_pk),
    "visits:meeting_create": Page(on_meetings(), VILLAGES, place_pk),
    "visits:meeting": Page(on_meeting, MEETING_TARGETS, meeting_pk),
    "visits:intervals": Page(manages_place, TOWNSHIPS, place_pk),
    "assessments:index": Page(signed_in),
    "assessments:mine": Page(signed_in),
    "assessments:scheme_create": Page(on_township("manage"), TOWNSHIPS, township_kwargs),
    "assessments:scheme": Page(on_township(), TOWNSHIPS, scheme_pk),
    "assessments:scheme_edit": Page(on_township("manage"), TOWNSHIPS, scheme_pk),
    "assessments:period_open": Page(
        on_township("manage", 302), TOWNSHIPS, scheme_pk, "post", open_period_data, to_opened_period
    ),
    "assessments:failing": Page(on_township(), ("t1",), scheme_pk),
    "assessments:period": Page(on_township(), TOWNSHIPS, period_pk),
    "assessments:period_compute": Page(on_township("manage", 302), TOWNSHIPS, period_pk, "post", {}, to_period),
    "assessments:period_close": Page(
        on_township("manage", 302), ("t1",), last_month_period_pk, "post", {}, to_last_month_period
    ),
    "assessments:score": Page(on_score(), SCORE_TARGETS, score_pk),
    "assessments:evidence": Page(on_score(), ("leader",), evidence_kwargs),
    "assessments:entry_create": Page(on_score("enter"), SCORE_TARGETS, score_pk),
    "assessments:pending": Page(manages_anywhere),
    "assessments:decide": Page(decides_entry, ("leader",), entry_pk, "post", {"approve": "1"}, to_entry_score),
    "assessments:answer": Page(answers_entry, ENTRY_TARGETS, entry_pk),
    "publicity:bulletin": Page(navigable, GRIDS, place_pk),
    "publicity:bulletin_pdf": Page(navigable, ("G1", "G2", "H1"), place_pk),
    "publicity:bulletin_printed": Page(records_print, GRIDS, place_pk, "post", bulletin_data, to_bulletin),
    "publicity:grid_map": Page(grid_map, GRIDS, place_pk),
    "publicity:network": Page(navigable, VILLAGES, place_pk),
    "publicity:network_pdf": Page(navigable, ("v1", "w1"), place_pk),
    "publicity:cards": Page(on_print_scope, PRINT_TARGETS, print_kwargs),
    "publicity:cards_pdf": Page(on_print_scope, PRINT_PDF_TARGETS, print_kwargs),
    "publicity:letters": Page(on_print_scope, PRINT_TARGETS, print_kwargs),
    "publicity:letters_pdf": Page(on_print_scope, PRINT_PDF_TARGETS, print_kwargs),
    "publicity:boards": Page(navigable, TOWNSHIPS, place_pk),
    "publicity:wording": Page(manages_place, TOWNSHIPS, place_pk),
    "publicity:notice": Page(on_notice, ("notice", "g1a_grid"), case_pk),
    "publicity:notice_pdf": Page(on_notice, ("notice",), case_pk),
}
# Open to everyone; checked in test_public_pages_open_to_anyone.
PUBLIC = {"accounts:login", "set_language"}


def expected(persona, name, target):
    if POLICY[persona] is None:
        return 302
    rule = PAGES[name].expect
    if getattr(rule, "by_persona", False):
        return rule(POLICY[persona], target, persona=persona)
    return rule(POLICY[persona], target)


CASES = [(name, persona, target) for name, page in PAGES.items() for target in page.targets for persona in PERSONAS]


def matrix_params(cases):
    for name, persona, target in cases:
        yield pytest.param(name, persona, target, id=f"{name}-{persona}-{target}")


# ---------------------------------------------------------------------------------------------
# Helpers shared with tests/test_privacy.py.


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def prepare(world):
    """Give the cadres that CADRES says have a photo a real JPEG, and the grids of MAPPED_GRIDS a map."""
    for key, _, has_photo in CADRES.values():
        if has_photo:
            world.cadres[key].photo.save(f"{key}.jpg", ContentFile(jpeg_bytes()), save=True)
    for key in MAPPED_GRIDS:
        world.places[key].map.save(f"map-{key}.jpg", ContentFile(jpeg_bytes()), save=True)
    return world


def pdf_text(body):
    """The text layer of a PDF, every page (pypdfium2, a test requirement, is imported here only)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(body)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def is_pdf(response):
    return response.get("Content-Type", "") == "application/pdf"


def fetch(client, world, persona, name, target):
    """Sign in as `persona` (or not, for anonymous) and make the page's request on `target`."""
    if POLICY[persona] is not None:
        client.force_login(world.users[persona])
    page = PAGES[name]
    url = reverse(name, kwargs=page.kwargs(world, target))
    data = page.data(world, target) if callable(page.data) else page.data
    response = getattr(client, page.method)(url, data)
    body = response.getvalue() if response.streaming else response.content
    if response.streaming:
        # Close the served file. Closing a response also sends request_finished, whose
        # close_old_connections would close the test's database connection mid-transaction on
        # PostgreSQL; Django's test client keeps that receiver off while it handles a request.
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)
    return response, body


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def target_names(world, name, target):
    """The names a 404 for this target must not show."""
    kwargs = PAGES[name].kwargs
    if kwargs in (household_pk, resident_pk):
        household = world.households[target]
        return [household.head_name, *(r.name for r in household.residents.all())]
    if kwargs is place_pk:
        return [world.places[target].name]
    if kwargs in (cadre_pk, post_pk):
        return [world.cadres[CADRES[target][0]].name]
    if kwargs in (case_pk, step_kwargs, attachment_pk):
        return [case_world(world)[target].summary]
    if kwargs is visit_pk:
        household = world.households[target]
        return [household.head_name, f"需求{target}"]
    if kwargs in (patrol_pk, log_pk, meeting_pk):
        record = {patrol_pk: "patrol", log_pk: "log", meeting_pk: "meeting"}[kwargs]
        found = visit_world(world)[(record, target)]
        return [getattr(found, "area", None) or getattr(found, "text", None) or found.agenda]
    if kwargs is township_kwargs:
        return [world.places[target].name]
    if kwargs is print_kwargs:
        scope, key = target.split("/")
        if scope == "households":
            household = world.households[key]
            return [household.head_name, *(r.name for r in household.residents.all())]
        return [world.places[key].name]
    if kwargs in (scheme_pk, period_pk, last_month_period_pk):
        return [assessment_world(world)[("scheme", target)].name]
    if kwargs in (score_pk, evidence_kwargs):
        return [world.cadres[target].name]
    if kwargs is entry_pk:
        return [world.cadres[target].name, assessment_world(world)[("entry", target)].reason]
    return []


def unseen_scores(world, persona):
    """The cadres whose scores the persona does not see: no assessment page of theirs may name them."""
    if not getattr(world, "assessments", None):
        return []
    return [world.cadres[key].name for key in SCORE_TARGETS if key not in ASSESSMENT_POLICY[persona].see]


def hidden_names(world, persona):
    """Heads and residents of households outside the persona's view: no page of theirs may show them."""
    seen = set(POLICY[persona].see)
    if getattr(world, "cases", None):  # a case shows whom it concerns to those who see the case
        seen |= {
            key
            for key, household in world.households.items()
            if any(world.cases[c].household_id == household.pk for c in CASE_POLICY[persona].see)
        }
    names = []
    for key, household in world.households.items():
        if key not in seen:
            names += [household.head_name, *(r.name for r in household.residents.all())]
    return names


def named_urls(patterns=None, prefix=""):
    """(name, route) for every URL pattern, names namespaced like "villages:household"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from named_urls(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            yield (f"{prefix}{pattern.name}" if pattern.name else None), str(pattern.pattern)


# ---------------------------------------------------------------------------------------------
# The URL configuration and the table agree.


def test_every_url_is_in_the_matrix():
    found = list(named_urls())
    names = {name for name, _ in found if name}
    assert "admin:index" in names, "the walk did not reach into the admin include"
    assert "villages:household" in names, "the walk did not reach into the villages include"
    unlisted = {n for n in names if not n.startswith("admin:")} - set(PAGES) - PUBLIC
    assert not unlisted, f"URLs missing from the access matrix (say who may open them): {sorted(unlisted)}"
    stale = (set(PAGES) | PUBLIC) - names
    assert not stale, f"the access matrix lists URLs that no longer exist: {sorted(stale)}"


def _is_admin(pattern):
    return isinstance(pattern, URLResolver) and pattern.namespace == "admin"


def test_every_url_outside_the_admin_has_a_name():
    """An unnamed pattern could not be listed in the matrix, so it would escape it."""
    outside_admin = [p for p in get_resolver().url_patterns if not _is_admin(p)]
    unnamed = [route for name, route in named_urls(outside_admin) if name is None]
    assert not unnamed, f"unnamed URL patterns escape the access matrix: {unnamed}"


def test_policy_covers_every_persona(world):
    assert set(POLICY) == {"anonymous", *world.users}


# ---------------------------------------------------------------------------------------------
# The matrix itself.


@pytest.mark.parametrize(("name", "persona", "target"), list(matrix_params(CASES)))
def test_access(world, client, name, persona, target):
    if PAGES[name].kwargs in (cadre_pk, post_pk) or name.startswith("publicity:"):
        prepare(world)
    response, body = fetch(client, world, persona, name, target)
    status = expected(persona, name, target)

    assert response.status_code != 500
    assert response.status_code == status, f"{persona} {PAGES[name].method.upper()} {name} {target}"
    if status == 302:
        goes_to = to_login if persona == "anonymous" else PAGES[name].redirect
        assert response.url.startswith(goes_to(world, target))
    signed_in_and_allowed = persona != "anonymous" and status in (200, 302)
    if name == "villages:resident_reveal":  # a reveal writes its audit row, a refusal writes nothing
        assert IdReveal.objects.count() == (1 if signed_in_and_allowed else 0)
    if name == "villages:post_end":  # ending a post changes it, a refusal leaves it alone
        post = Post.objects.get(**post_pk(world, target))
        assert (post.ended_on is not None) == signed_in_and_allowed
    if name.startswith("assessments:"):
        assessment_effects(world, name, target, signed_in_and_allowed)
    if name in ("publicity:bulletin_pdf", "publicity:bulletin_printed"):  # marked printed: recorded; a PDF: not
        recorded = signed_in_and_allowed and name == "publicity:bulletin_printed"
        assert BulletinPrint.objects.filter(grid=world.places[target]).count() == (1 if recorded else 0)
    if name.endswith("_pdf") and status == 200:
        assert is_pdf(response) and body.startswith(b"%PDF-")
    if status == 404:
        text = body.decode()
        for secret in target_names(world, name, target):
            assert secret not in text, f"the 404 for {target} shows {secret}"
    if status == 200 and (is_html(response) or is_pdf(response)) and persona != "anonymous":
        text = pdf_text(body) if is_pdf(response) else body.decode()
        leaked = [secret for secret in hidden_names(world, persona) if secret in text]
        assert not leaked, f"{name} shows {persona} households outside their view: {leaked}"
        if name.startswith("assessments:"):
            leaked = [secret for secret in unseen_scores(world, persona) if secret in text]
            assert not leaked, f"{name} names to {persona} cadres whose scores they do not see: {leaked}"


def assessment_effects(world, name, target, allowed):
    """A POST that is allowed makes its change; a refused one changes nothing."""
    from assessments.models import Entry, Period

    made = getattr(world, "assessments", None) or {}
    if name == "assessments:decide":
        assert Entry.objects.get(pk=made[("entry", target)].pk).status == ("approved" if allowed else "pending")
    elif name == "assessments:period_open" and made:
        assert Period.objects.filter(scheme=made[("scheme", target)], starts_on=month_start(2)).exists() == allowed
    elif name == "assessments:period_close" and made:
        assert Period.objects.get(pk=made[("last_month", target)].pk).status == ("closed" if allowed else "open")
    elif name == "assessments:period_compute" and made:
        before = made[("period", target)].computed_at
        assert (Period.objects.get(pk=made[("period", target)].pk).computed_at > before) == allowed


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_admin_is_for_superusers_only(world, client, persona):
    client.force_login(world.users[persona])
    response = client.get("/admin/")
    if persona == "superuser":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_admin_sends_anonymous_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_public_pages_open_to_anyone(db, client):
    assert client.get(reverse("accounts:login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"


def test_reveal_answers_only_post(world, client):
    client.force_login(world.users["leader"])
    response = client.get(reverse("villages:resident_reveal", args=[world.residents["g1a"].pk]))
    assert response.status_code == 405
    assert not IdReveal.objects.exists()


def test_ending_a_post_answers_only_post(world, client):
    client.force_login(world.users["township"])
    post = world.cadres["member"].posts.get()
    assert client.get(reverse("villages:post_end", args=[post.pk])).status_code == 405
    post.refresh_from_db()
    assert post.ended_on is None


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("assessments:period_open", "t1"),
        ("assessments:period_compute", "t1"),
        ("assessments:period_close", "t1"),
        ("assessments:decide", "leader"),
    ],
)
def test_assessment_actions_answer_only_post(world, client, name, target):
    client.force_login(world.users["township"])
    url = reverse(name, kwargs=PAGES[name].kwargs(world, target))
    assert client.get(url).status_code == 405
    assessment_effects(world, name, target, allowed=False)


def test_cadre_photo_is_the_jpeg(world, client):
    prepare(world)
    client.force_login(world.users["village"])
    response, body = fetch(client, world, "village", "villages:cadre_photo", "cadre_t1")
    assert response["Content-Type"] == "image/jpeg"
    assert body[:2] == b"\xff\xd8"


def test_an_ended_post_closes_the_scope_on_the_next_request(world, client):
    leader = world.users["leader"]
    client.force_login(leader)
    url = reverse("villages:household", args=[world.households["g1a"].pk])
    assert client.get(url).status_code == 200

    Post.objects.filter(cadre__user=leader).update(ended_on=timezone.localdate() - datetime.timedelta(days=1))

    response = client.get(url)
    assert response.status_code == 404
    assert world.households["g1a"].head_name not in response.content.decode()
    assert client.get(reverse("villages:grid", args=[world.places["G1"].pk])).status_code == 404


def test_a_reassigned_contact_household_closes_on_the_next_request(world, client):
    client.force_login(world.users["representative"])
    household = world.households["g1a"]
    assert client.get(household.get_absolute_url()).status_code == 200

    household.contact_representative = None
    household.save()

    response = client.get(household.get_absolute_url())
    assert response.status_code == 404
    assert household.head_name not in response.content.decode()
    assert client.get(reverse("villages:group", args=[world.places["g1a"].pk])).status_code == 404
