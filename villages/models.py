"""The grid registry: township → village → grid → villager group → household → resident,
the cadres who answer for them, and the places (enterprises, facilities) inside a grid.

Households carry their township, village and grid as well as their group: those scope keys make
every jurisdiction filter a plain indexed equality, and `Household.place_in_group` keeps them true.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import identity, pinyin
from .jurisdiction import ScopedQuerySet


class Township(models.Model):
    """A township (乡镇): the top of the portal, with its leading group and management centre."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region_code = models.CharField(
        _("region code"), max_length=6, blank=True, help_text=_("Six-digit county code used in ID numbers.")
    )
    supervision_phone = models.CharField(_("supervision phone"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "id"}
    reach_paths = {"township": "id"}

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("villages:township", args=[self.pk])


class Village(models.Model):
    """An administrative village (行政村): the level-1 grid."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("township")
    )
    name = models.CharField(_("name"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id", "village": "id"}
    reach_paths = {"village": "id"}

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["township__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name"],
                name="village_name_unique_in_township",
                violation_error_message=_("This township already has a village of that name."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("villages:village", args=[self.pk])


class GridQuerySet(ScopedQuerySet):
    def with_size(self):
        """Annotate household and people counts (whole grid, not only what the user sees)."""
        households = (
            Household.objects.filter(grid=OuterRef("pk")).order_by().values("grid").annotate(n=Count("pk")).values("n")
        )
        people = (
            Resident.objects.present()
            .filter(household__grid=OuterRef("pk"))
            .order_by()
            .values("household__grid")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            household_count=Coalesce(Subquery(households), 0),
            people_count=Coalesce(Subquery(people), 0),
        )


class Grid(models.Model):
    """A grid (网格): the level-2 grid, several villager groups with one grid leader."""

    HOUSEHOLD_RANGE = (100, 300)
    PEOPLE_RANGE = (300, 1000)

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="grids", verbose_name=_("village"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("area covered"), blank=True)
    map = models.ImageField(
        _("grid map"), upload_to="grids/", blank=True, help_text=_("A picture of the grid's map for its bulletin.")
    )
    village_cadre = models.ForeignKey(
        "Cadre",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible village cadre"),
        help_text=_("The village cadre who answers for this grid on its bulletin; else the party secretary."),
    )

    objects = GridQuerySet.as_manager()
    scope_paths = {"township": "village__township_id", "village": "village_id", "grid": "id"}
    reach_paths = {"grid": "id"}

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["village__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"],
                name="grid_number_unique_in_village",
                violation_error_message=_("This village already has a grid with that number."),
            )
        ]

    def __str__(self):
        return f"{self.village.name} {self.name}"

    def get_absolute_url(self):
        return reverse("villages:grid", args=[self.pk])

    @property
    def size_warnings(self):
        """Messages for a grid outside the seed's 100–300 households / 300–1000 people (needs with_size)."""
        warnings = []
        low, high = self.HOUSEHOLD_RANGE
        if not low <= self.household_count <= high:
            warnings.append(
                _("%(n)s households (expected %(low)s–%(high)s)")
                % {"n": self.household_count, "low": low, "high": high}
            )
        low, high = self.PEOPLE_RANGE
        if not low <= self.people_count <= high:
            warnings.append(
                _("%(n)s people (expected %(low)s–%(high)s)") % {"n": self.people_count, "low": low, "high": high}
            )
        return warnings


class VillagerGroup(models.Model):
    """A villager group (村民小组): the level-3 grid, numbered within its village."""

    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="groups", verbose_name=_("village"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="groups", verbose_name=_("grid"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        "township": "village__township_id",
        "village": "village_id",
        "grid": "grid_id",
        "group": "id",
    }
    reach_paths = {"group": "id"}

    class Meta:
        verbose_name = _("villager group")
        verbose_name_plural = _("villager groups")
        ordering = ["village__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"],
                name="group_number_unique_in_village",
                violation_error_message=_("This village already has a group with that number."),
            )
        ]

    def __str__(self):
        return f"{self.village.name} {self.name}"

    def get_absolute_url(self):
        return reverse("villages:group", args=[self.pk])

    def clean(self):
        if self.grid_id and self.village_id and self.grid.village_id != self.village_id:
            raise ValidationError({"grid": _("A villager group belongs to a grid of its own village.")})


class CareCategory(models.Model):
    """A care category; it decides how often a household is visited and who may see it."""

    class Code(models.TextChoices):
        NEEDY = "needy", _("Needy household")
        KEY_ASSISTANCE = "key_assistance", _("Key-assistance household")
        ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
        DISABLED = "disabled", _("Disabled person's family")
        PETITIONER = "petitioner", _("Petitioner")
        COMMUNITY_CORRECTIONS = "community_corrections", _("Community-corrections person")
        STABILITY_KEY = "stability_key", _("Key person for social stability")
        LOW_INCOME = "low_income", _("Low-income (dibao)")
        FIVE_GUARANTEE = "five_guarantee", _("Five-guarantee (wubao)")
        MIGRANT = "migrant", _("Migrant")

    # Special categories of personal information (PIPL art. 28): shown only to roles that need them.
    SENSITIVE = {Code.PETITIONER, Code.COMMUNITY_CORRECTIONS, Code.STABILITY_KEY}

    code = models.CharField(_("code"), max_length=32, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")
        ordering = ["id"]

    def __str__(self):
        return self.get_code_display()

    @property
    def is_sensitive(self):
        return self.code in self.SENSITIVE


class Cadre(models.Model):
    """A cadre or volunteer; posts say what they answer for, the user account lets them sign in."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("township"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
        verbose_name=_("user account"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    phone = models.CharField(_("mobile phone"), max_length=20, validators=[identity.validate_mobile])
    photo = models.ImageField(_("photo"), upload_to="cadres/", blank=True)
    duties = models.TextField(_("work content and duties"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "township_id", "member": "township_id"}
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["name_pinyin"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = pinyin.name_pinyin(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("villages:cadre", args=[self.pk])


class PostQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on))


class Post(models.Model):
    """A post held by a cadre over a span of dates: the node it answers for and what it may do there."""

    class Role(models.TextChoices):
        TOWNSHIP_STAFF = "township_staff", _("Township centre staff")
        DEPARTMENT_OFFICER = "department_officer", _("Township department officer")
        RESIDENT_CADRE = "resident_cadre", _("Resident township cadre")
        AREA_CHIEF = "area_chief", _("Area chief")
        VILLAGE_SECRETARY = "village_secretary", _("Village party secretary")
        VILLAGE_DIRECTOR = "village_director", _("Village committee director")
        COMMITTEE_MEMBER = "committee_member", _("Two-committee member")
        GRID_LEADER = "grid_leader", _("Grid leader")
        GRID_MEMBER = "grid_member", _("Grid member")
        REPRESENTATIVE = "representative", _("Villager representative")
        INFORMATION_OFFICER = "information_officer", _("Volunteer information officer")
        SUPERVISOR = "supervisor", _("Volunteer supervisor")

    # Which node each role is posted to; jurisdiction.py says what each may do there.
    TOWNSHIP_ROLES = {Role.TOWNSHIP_STAFF, Role.DEPARTMENT_OFFICER}
    VILLAGE_ROLES = {
        Role.RESIDENT_CADRE,
        Role.AREA_CHIEF,
        Role.VILLAGE_SECRETARY,
        Role.VILLAGE_DIRECTOR,
        Role.COMMITTEE_MEMBER,
    }
    GRID_ROLES = {Role.GRID_LEADER, Role.GRID_MEMBER, Role.INFORMATION_OFFICER, Role.SUPERVISOR}
    GROUP_ROLES = {Role.REPRESENTATIVE}

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="posts", verbose_name=_("cadre"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="posts", verbose_name=_("township"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name=_("village")
    )
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, null=True, blank=True, related_name="posts", verbose_name=_("grid")
    )
    group = models.ForeignKey(
        VillagerGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("villager group"),
    )
    first_group = models.PositiveSmallIntegerField(
        _("from group number"), null=True, blank=True, help_text=_("For a resident cadre covering some groups only.")
    )
    last_group = models.PositiveSmallIntegerField(_("to group number"), null=True, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["township", "village", "grid", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="post_ends_after_it_starts",
                violation_error_message=_("A post cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(first_group__isnull=True, last_group__isnull=True)
                | Q(first_group__isnull=False, last_group__isnull=False, last_group__gte=models.F("first_group")),
                name="post_group_range_complete_and_ordered",
                violation_error_message=_(
                    "Give both ends of the group range, from the lower to the higher number, or neither."
                ),
            ),
        ]
        indexes = [models.Index(fields=["cadre", "ended_on"], name="post_cadre_current")]

    def __str__(self):
        return f"{self.cadre} · {self.get_role_display()} · {self.node_label}"

    @property
    def node_label(self):
        if self.role in self.GROUP_ROLES and self.group_id:
            return str(self.group)
        if self.grid_id:
            return str(self.grid)
        if self.village_id:
            label = self.village.name
            if self.first_group:
                label += " " + _("groups %(first)s–%(last)s") % {"first": self.first_group, "last": self.last_group}
            return label
        if self.department:
            return f"{self.township.name} {self.department}"
        return self.township.name

    def clean(self):
        needs = {
            **dict.fromkeys(self.VILLAGE_ROLES, "village"),
            **dict.fromkeys(self.GRID_ROLES, "grid"),
            **dict.fromkeys(self.GROUP_ROLES, "group"),
        }
        field = needs.get(self.role)
        if field and not getattr(self, f"{field}_id"):
            level = self._meta.get_field(field).verbose_name
            raise ValidationError({field: _("This role is posted to a %(level)s; choose one.") % {"level": level}})
        if self.role == self.Role.DEPARTMENT_OFFICER and not self.department:
            raise ValidationError({"department": _("Name the department this officer works in.")})


class PlacedInGroup:
    """A record that carries the scope keys of its villager group (township, village, grid) so that
    every jurisdiction filter on it is a plain indexed equality: households, and the visits to them."""

    def place_in_group(self, group):
        """Set the group and the scope keys that follow from it."""
        self.group = group
        self.grid_id = group.grid_id
        self.village_id = group.village_id
        self.township_id = group.village.township_id


class Household(PlacedInGroup, models.Model):
    """A household (户), placed in a villager group; its scope keys follow the group."""

    class Residence(models.TextChoices):
        REGISTERED = "registered", _("Registered (hukou here)")
        FLOATING = "floating", _("Floating (from elsewhere)")
        SEPARATED = "separated", _("Separated from registration")

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", editable=False)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="households", editable=False)
    group = models.ForeignKey(
        VillagerGroup, on_delete=models.PROTECT, related_name="households", verbose_name=_("villager group")
    )
    head_name = models.CharField(_("head of household"), max_length=50)
    head_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    head_initials = models.CharField(max_length=50, editable=False, db_index=True)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[identity.validate_mobile])
    residence = models.CharField(_("residence"), max_length=16, choices=Residence.choices, default=Residence.REGISTERED)
    responsible_cadre = models.ForeignKey(
        Cadre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible cadre"),
    )
    contact_representative = models.ForeignKey(
        Cadre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_households",
        verbose_name=_("contact villager representative"),
    )
    categories = models.ManyToManyField(
        CareCategory, blank=True, related_name="households", verbose_name=_("care categories")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {
        "township": "township_id",
        "village": "village_id",
        "grid": "grid_id",
        "group": "group_id",
        "contact": "contact_representative_id",
    }
    history = HistoricalRecords(excluded_fields=["head_pinyin", "head_initials", "updated_at"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["head_pinyin", "id"]
        indexes = [
            # The household list sorts by pinyin within a scope key.
            models.Index(fields=["township", "head_pinyin"], name="household_township_sort"),
            models.Index(fields=["village", "head_pinyin"], name="household_village_sort"),
            models.Index(fields=["grid", "head_pinyin"], name="household_grid_sort"),
            # The roster import finds a household by its group, head and address (imports/engine.py).
            models.Index(fields=["group", "head_name", "address"], name="household_roster_key"),
        ]

    def __str__(self):
        return f"{self.head_name} ({self.address})"

    def save(self, *args, **kwargs):
        if self.group_id:
            self.place_in_group(self.group)
        self.head_pinyin, self.head_initials = pinyin.name_keys(self.head_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("villages:household", args=[self.pk])


class GroupRegrid(models.Model):
    """A villager group moved to another grid of its village (re-gridding), households and all."""

    group = models.ForeignKey(
        VillagerGroup, on_delete=models.CASCADE, related_name="regrids", verbose_name=_("villager group")
    )
    from_grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    households = models.PositiveIntegerField(_("households moved"))
    regridded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moved by")
    )
    regridded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group re-gridding")
        verbose_name_plural = _("group re-griddings")
        ordering = ["-regridded_at"]

    def __str__(self):
        return f"{self.group_id}: {self.from_grid_id} → {self.to_grid_id}"


class HouseholdMove(models.Model):
    """A household moved from one villager group to another: the past stays readable."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="moves", verbose_name=_("household")
    )
    from_group = models.ForeignKey(VillagerGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_group = models.ForeignKey(VillagerGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    moved_on = models.DateField(_("moved on"))
    reason = models.CharField(_("reason"), max_length=200)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moved by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household move")
        verbose_name_plural = _("household moves")
        ordering = ["-moved_on", "-recorded_at"]

    def __str__(self):
        return f"{self.household_id}: {self.from_group_id} → {self.to_group_id} ({self.moved_on})"


class ResidentQuerySet(ScopedQuerySet):
    def present(self):
        """Residents still living in the household (not moved away, not deceased)."""
        return self.exclude(status__in=Resident.GONE)


class Resident(models.Model):
    """A person of a household: the facts a grid leader must know, the ID number kept private."""

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Brother or sister")
        CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered, living here")
        FLOATING = "floating", _("Floating (from elsewhere)")
        LEFT_BEHIND = "left_behind", _("Left behind")
        SEPARATED = "separated", _("Separated from registration")
        MOVED_AWAY = "moved_away", _("Moved away")
        DECEASED = "deceased", _("Deceased")

    # No longer counted among a grid's people, though the record (and its history) stays.
    GONE = {Status.MOVED_AWAY, Status.DECEASED}

    class Sex(models.TextChoices):
        MALE = identity.MALE, _("Male")
        FEMALE = identity.FEMALE, _("Female")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("household")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)  # search by pinyin
    name_initials = models.CharField(max_length=50, editable=False, db_index=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, validators=[identity.validate_id_number])
    id_last4 = models.CharField(max_length=4, editable=False, db_index=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[identity.validate_mobile])
    relation = models.CharField(_("relation to head"), max_length=16, choices=Relation.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    categories = models.ManyToManyField(
        CareCategory, blank=True, related_name="residents", verbose_name=_("care categories")
    )

    objects = ResidentQuerySet.as_manager()
    scope_paths = {
        "township": "household__township_id",
        "village": "household__village_id",
        "grid": "household__grid_id",
        "group": "household__group_id",
        "contact": "household__contact_representative_id",
    }
    # The change history is shown in the admin: it keeps no ID number (nor the birth date it holds).
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials", "id_last4", "id_number", "birth_date"])

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household", "id"]
        constraints = [
            # One person, one record: an ID number appears once in the registry.
            models.UniqueConstraint(
                fields=["id_number"],
                name="resident_id_number_unique",
                violation_error_message=_("A resident with this ID number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head"),
                name="one_head_per_household",
                violation_error_message=_("This household already has a head."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.id_number = identity.normalize_id_number(self.id_number)
        self.id_last4 = self.id_number[-4:]
        self.birth_date = identity.birth_date_from_id(self.id_number)
        self.sex = identity.sex_from_id(self.id_number)
        self.name_pinyin, self.name_initials = pinyin.name_keys(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("villages:resident", args=[self.pk])

    @property
    def masked_id_number(self):
        return identity.mask_id_number(self.id_number)

    @property
    def is_present(self):
        return self.status not in self.GONE

    @property
    def age(self):
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class IdReveal(models.Model):
    """An audit row: who saw whose full ID number, when and why. Never updated, never deleted."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("resident"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    reason = models.CharField(_("reason"), max_length=200)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ID number reveal")
        verbose_name_plural = _("ID number reveals")
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"{self.user_id} → {self.resident_id} {self.revealed_at:%Y-%m-%d %H:%M}"


class Place(models.Model):
    """An enterprise or facility (well, bridge, school, clinic …) placed in the nearest grid."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SCHOOL = "school", _("School")
        CLINIC = "clinic", _("Clinic")
        WELL = "well", _("Well or water point")
        BRIDGE = "bridge", _("Bridge or road")
        OTHER = "other", _("Other facility")

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="places", verbose_name=_("grid"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[identity.validate_phone]
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {"township": "grid__village__township_id", "village": "grid__village_id", "grid": "grid_id"}
    reach_paths = {"grid": "grid_id"}  # shown on the page of every grid one can open

    class Meta:
        verbose_name = _("enterprise or facility")
        verbose_name_plural = _("enterprises and facilities")
        ordering = ["grid", "kind", "name"]

    def __str__(self):
        return self.name
