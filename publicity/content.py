"""What each print shows, read from the registry as it is today, a fixed number of queries for any
number of grids or households.

A bulletin's `shown` snapshot holds what a reader of the board relies on (who is on duty, their
phones, photos and duties, the groups, the promise and the supervision phone); comparing it with the
snapshot of the last print says whether the board on the wall is out of date, and what changed.
Household and people counts are printed but move every week, so they do not make a board stale.
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from villages.models import Grid, Household, Post, VillagerGroup

from .models import PrintSettings

Role = Post.Role


@dataclass(frozen=True)
class OnDuty:
    """A cadre as a print shows them: public by design (name, phone, photo, duties)."""

    cadre_id: int
    name: str
    phone: str
    role: str
    duties: str = ""
    photo: str = ""  # the stored file's name, empty when there is none
    post_role: str = ""  # the post's code (Post.Role), the same in every language

    @classmethod
    def of(cls, post, role=None):
        return cls.of_cadre(post.cadre, role or post.get_role_display(), post.role)

    @classmethod
    def of_cadre(cls, cadre, role, post_role=""):
        return cls(cadre.pk, cadre.name, cadre.phone, role, cadre.duties, cadre.photo.name or "", post_role)

    @property
    def surname(self):
        return self.name[:1]


@dataclass
class Board:
    """A grid's bulletin (网格公示牌)."""

    grid: Grid
    groups: list
    leaders: list
    members: list
    volunteers: list
    village_cadre: OnDuty | None
    resident_cadres: list
    settings: PrintSettings
    household_count: int = 0
    people_count: int = 0

    @property
    def township(self):
        return self.grid.village.township

    @property
    def village(self):
        return self.grid.village

    @property
    def member_columns(self):
        """Members sit three to a row, four when there are more than three."""
        return 3 if len(self.members) <= 3 else 4

    @property
    def member_rows(self):
        return _rows(self.members, self.member_columns)

    @property
    def responsible(self):
        """The responsible village cadre, then every resident township cadre of the grid's groups."""
        return ([self.village_cadre] if self.village_cadre else []) + self.resident_cadres

    @property
    def responsible_columns(self):
        return 2 if len(self.responsible) <= 2 else 3

    @property
    def responsible_rows(self):
        return _rows(self.responsible, self.responsible_columns)

    @property
    def crowded(self):
        """More than one row of members or of responsible cadres: the map gets less room."""
        return len(self.member_rows) > 1 or len(self.responsible_rows) > 1

    @property
    def leader(self):
        return self.leaders[0] if self.leaders else None

    @cached_property
    def shown(self):
        """What the board tells its readers, as plain data (the snapshot a print keeps): names, phones,
        duties and codes, never a translated word, so a print compares alike in every language."""

        def people(cadres):
            return [[c.name, c.phone, c.photo, c.duties] for c in cadres]

        return {
            "grid": [self.village.name, self.grid.name, self.grid.description, self.grid.map.name or ""],
            "groups": [g.name for g in self.groups],
            "leaders": people(self.leaders),
            "members": people(self.members),
            "volunteers": [[c.name, c.post_role] for c in self.volunteers],  # codes: the snapshot has no language
            "village_cadre": people([self.village_cadre] if self.village_cadre else []),
            "resident_cadres": people(self.resident_cadres),
            "promise": self.settings.service_promise,
            "supervision_phone": self.township.supervision_phone,
        }

    @property
    def fingerprint(self):
        return fingerprint(self.shown)


def _rows(people, columns):
    return [people[i : i + columns] for i in range(0, len(people), columns)]


def fingerprint(shown):
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# What a reader would call each part of the snapshot, to say what changed on a board.
SHOWN_LABELS = {
    "grid": lambda: _("grid name, area or map"),
    "groups": lambda: _("villager groups"),
    "leaders": lambda: _("grid leader"),
    "members": lambda: _("grid members"),
    "volunteers": lambda: _("volunteers"),
    "village_cadre": lambda: _("responsible village cadre"),
    "resident_cadres": lambda: _("resident township cadre"),
    "promise": lambda: _("service promise"),
    "supervision_phone": lambda: _("supervision phone"),
}


def changes(old, new):
    """Labels of the parts of a board that differ between two snapshots."""
    return [label() for key, label in SHOWN_LABELS.items() if old.get(key) != new.get(key)]


def print_settings(township):
    """The township's wording, made the first time with defaults in the portal's own language (what
    hangs on a village wall does not depend on the browser of whoever printed first)."""
    found = PrintSettings.objects.filter(township=township).first()
    if found:
        return found
    with translation.override(settings.LANGUAGE_CODE):
        defaults = default_wording(township)
    return PrintSettings.objects.get_or_create(township=township, defaults=defaults)[0]


def default_wording(township):
    return {
        "service_promise": _(
            "Problems reported are answered the same day; general matters are settled on the spot, "
            "others are taken up the chain until solved, and you are told the result."
        ),
        "emergency_numbers": "\n".join(
            [_("Police") + " 110", _("Fire") + " 119", _("Ambulance") + " 120"]
            + ([_("Township supervision") + " " + township.supervision_phone] if township.supervision_phone else [])
        ),
        "letter_title": _("A letter to every household"),
        "letter_body": _(
            "Dear {head},\n\n"
            "Your household at {address} belongs to {village} {grid}. Your grid leader is {grid_leader} "
            "(phone {grid_leader_phone}); the cadre responsible for your household is {responsible_cadre}, and "
            "your villager representative is {representative}.\n\n"
            "Whenever you meet a difficulty, a dispute or a hidden danger, call your grid leader. "
            "Matters are settled on the spot where they can be, and taken up to the village and the township "
            "where they cannot; you will be told the result.\n\n"
            "To comment on our work, call the township's supervision phone {supervision_phone}."
        ),
        "letter_signature": _("%(township)s People's Government") % {"township": township.name},
    }


def _current_posts(**where):
    return Post.objects.current().filter(**where).select_related("cadre").order_by("cadre__name_pinyin", "pk")


def _covers(post, group_numbers):
    """Whether a village post covers any of these groups (a post without a range covers all)."""
    if post.first_group is None:
        return True
    return any(post.first_group <= n <= post.last_group for n in group_numbers)


def boards(grids):
    """The bulletin of each grid of `grids` (a queryset), in its order: seven queries for any number."""
    grids = list(grids.with_size().select_related("village__township", "village_cadre"))
    if not grids:
        return []
    grid_ids = [g.pk for g in grids]
    village_ids = {g.village_id for g in grids}
    groups = {}
    for group in VillagerGroup.objects.filter(grid__in=grid_ids).order_by("number"):
        groups.setdefault(group.grid_id, []).append(group)
    grid_posts = {}
    for post in _current_posts(grid__in=grid_ids):
        grid_posts.setdefault(post.grid_id, []).append(post)
    village_posts = {}
    for post in _current_posts(village__in=village_ids, role__in=Post.VILLAGE_ROLES):
        village_posts.setdefault(post.village_id, []).append(post)
    wordings = {township.pk: print_settings(township) for township in {g.village.township for g in grids}}

    result = []
    for grid in grids:
        posts = grid_posts.get(grid.pk, [])
        numbers = [g.number for g in groups.get(grid.pk, [])]
        here = village_posts.get(grid.village_id, [])
        village_cadre = None
        # The grid's own choice while they still hold a post in the village, else the secretary.
        if grid.village_cadre and any(p.cadre_id == grid.village_cadre_id for p in here):
            village_cadre = OnDuty.of_cadre(grid.village_cadre, _("Responsible village cadre"))
        else:
            secretary = next((p for p in here if p.role == Role.VILLAGE_SECRETARY), None)
            village_cadre = OnDuty.of(secretary, _("Responsible village cadre")) if secretary else None
        result.append(
            Board(
                grid=grid,
                groups=groups.get(grid.pk, []),
                leaders=[OnDuty.of(p) for p in posts if p.role == Role.GRID_LEADER],
                members=[OnDuty.of(p) for p in posts if p.role == Role.GRID_MEMBER],
                volunteers=[OnDuty.of(p) for p in posts if p.role in (Role.INFORMATION_OFFICER, Role.SUPERVISOR)],
                village_cadre=village_cadre,
                resident_cadres=[OnDuty.of(p) for p in here if p.role == Role.RESIDENT_CADRE and _covers(p, numbers)],
                settings=wordings[grid.village.township_id],
                household_count=grid.household_count,
                people_count=grid.people_count,
            )
        )
    return result


def board(grid):
    return boards(Grid.objects.filter(pk=grid.pk))[0]


@dataclass
class Card:
    """A household's service contact card (网格长服务联系卡)."""

    household: Household
    leader: OnDuty | None
    emergency: list = field(default_factory=list)

    @property
    def representative(self):
        return self.household.contact_representative

    @property
    def responsible(self):
        return self.household.responsible_cadre


def cards(households):
    """A card for each household of `households` (a queryset, in its order): four queries in all."""
    households = list(
        households.select_related(
            "township", "village", "grid", "group", "responsible_cadre", "contact_representative"
        ).order_by("village__name", "group__number", "address", "pk")
    )
    leaders = {}
    for post in _current_posts(grid__in={h.grid_id for h in households}, role=Role.GRID_LEADER):
        leaders.setdefault(post.grid_id, OnDuty.of(post))
    emergency = {}
    for wording in PrintSettings.objects.filter(township__in={h.township_id for h in households}):
        emergency[wording.township_id] = wording.emergency_lines
    missing = {h.township for h in households if h.township_id not in emergency}
    for township in missing:
        emergency[township.pk] = print_settings(township).emergency_lines
    return [Card(h, leaders.get(h.grid_id), emergency[h.township_id]) for h in households]
