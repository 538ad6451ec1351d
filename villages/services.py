"""Writes to the registry. Each one re-checks the actor's jurisdiction inside its transaction, so
nobody can place a household or a resident somewhere they do not hold, whatever the form sent."""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .jurisdiction import Action, jurisdiction_for
from .models import Cadre, GroupRegrid, Household, HouseholdMove, IdReveal, Post, Resident, VillagerGroup

log = logging.getLogger(__name__)


def _require(actor, action, obj):
    if not jurisdiction_for(actor).allows(action, obj):
        raise PermissionDenied(_("You may not change records in this place."))


def _checked_categories(actor, obj, chosen):
    """Care categories to store on `obj`. Where the actor may not see sensitive categories, they
    can add none, and those already recorded stay as they were instead of being dropped."""
    chosen = set(chosen)
    if jurisdiction_for(actor).allows(Action.SENSITIVE, obj):
        return chosen
    recorded = {c for c in obj.categories.all() if c.is_sensitive} if obj.pk else set()
    if {c for c in chosen if c.is_sensitive} - recorded:
        raise ValidationError({"categories": _("Your post does not allow recording this category here.")})
    return chosen | recorded


def _locked_group(group):
    """The group as it is now, locked: a re-gridding in progress cannot leave a household behind."""
    return VillagerGroup.objects.select_for_update().select_related("village").get(pk=group.pk)


@transaction.atomic
def save_household(*, actor, household, categories):
    """Create or change a household in a group the actor may edit."""
    household.place_in_group(_locked_group(household.group))
    _require(actor, Action.EDIT, household)
    categories = _checked_categories(actor, household, categories)
    household.save()
    household.categories.set(categories)
    log.info("household saved", extra={"household": household.pk, "actor": actor.pk})
    return household


@transaction.atomic
def move_household(*, actor, household, to_group, moved_on, reason):
    """Move a household to another villager group; the move is kept as history."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _require(actor, Action.EDIT, household)
    if to_group.pk == household.group_id:
        raise ValidationError({"to_group": _("The household is already in this group.")})
    if moved_on > timezone.localdate():
        raise ValidationError({"moved_on": _("The date of a move cannot be in the future.")})
    from_group = household.group
    household.place_in_group(_locked_group(to_group))
    _require(actor, Action.EDIT, household)
    if household.village_id != from_group.village_id:
        # The old village's cadres no longer answer for it (and a representative's access follows
        # their contact households): the new village assigns its own.
        household.responsible_cadre = household.contact_representative = None
    household.save()
    HouseholdMove.objects.create(
        household=household,
        from_group=from_group,
        to_group=to_group,
        moved_on=moved_on,
        reason=reason,
        moved_by=actor,
    )
    log.info("household moved", extra={"household": household.pk, "actor": actor.pk})
    return household


@transaction.atomic
def save_resident(*, actor, resident, categories):
    """Create or change a resident; a head of household also names the household."""
    _require(actor, Action.EDIT, resident.household)
    categories = _checked_categories(actor, resident, categories)
    try:
        # A colleague may have saved the same person or a second head since the form was checked.
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        raise ValidationError(
            _("Someone registered this person, or a head for this household, a moment ago. Check the household.")
        ) from None
    resident.categories.set(categories)
    if resident.relation == Resident.Relation.HEAD and resident.household.head_name != resident.name:
        household = resident.household
        household.head_name = resident.name
        household.save()
    log.info("resident saved", extra={"resident": resident.pk, "actor": actor.pk})
    return resident


@transaction.atomic
def reveal_id_number(*, actor, resident, reason, ip_address=None):
    """Return a resident's full ID number, writing the audit row first."""
    if not jurisdiction_for(actor).allows(Action.REVEAL, resident):
        raise PermissionDenied(_("Your post does not allow revealing ID numbers."))
    IdReveal.objects.create(resident=resident, user=actor, reason=reason, ip_address=ip_address)
    log.info("id number revealed", extra={"resident": resident.pk, "actor": actor.pk})
    return resident.id_number


@transaction.atomic
def create_cadre(*, actor, cadre, username="", password=""):
    """Register a cadre in a township the actor manages, with a login when a user name is given."""
    _require(actor, Action.MANAGE, cadre)
    if username:
        User = get_user_model()
        taken = ValidationError({"username": _("This user name is taken.")})
        if User.objects.filter(username__iexact=username).exists():
            raise taken
        try:
            with transaction.atomic():  # a colleague may have taken it a moment ago
                cadre.user = User.objects.create_user(username=username, password=password, first_name=cadre.name)
        except IntegrityError:
            raise taken from None
    cadre.save()
    log.info("cadre created", extra={"cadre": cadre.pk, "actor": actor.pk})
    return cadre


@transaction.atomic
def add_post(*, actor, post):
    """Give a cadre a post; the actor must manage the cadre's township."""
    _require(actor, Action.MANAGE, post.cadre)
    Cadre.objects.select_for_update().get(pk=post.cadre_id)  # one post added at a time per cadre
    post.township_id = post.cadre.township_id
    post.full_clean()
    same = {f: getattr(post, f) for f in ("role", "village_id", "grid_id", "group_id", "first_group", "last_group")}
    not_ended = Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate())
    if Post.objects.filter(not_ended, cadre=post.cadre, **same).exists():
        raise ValidationError(_("This cadre already holds this post."))
    post.save()
    log.info("post added", extra={"post": post.pk, "actor": actor.pk})
    return post


@transaction.atomic
def end_post(*, actor, post, ended_on):
    """End a post on a date; the post stays in the cadre's history."""
    post = Post.objects.select_for_update().select_related("cadre").get(pk=post.pk)
    _require(actor, Action.MANAGE, post.cadre)
    if post.ended_on is not None and post.ended_on <= timezone.localdate():
        raise ValidationError(_("This post has already ended."))
    if ended_on < post.started_on:
        raise ValidationError(_("A post cannot end before it starts."))
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    log.info("post ended", extra={"post": post.pk, "actor": actor.pk})
    return post


@transaction.atomic
def update_cadre(*, actor, cadre):
    """Change a cadre's details; a replaced photo is removed once the change is committed."""
    _require(actor, Action.MANAGE, cadre)
    previous = Cadre.objects.select_for_update().get(pk=cadre.pk).photo
    cadre.save()
    if previous and previous.name != cadre.photo.name:
        transaction.on_commit(lambda: previous.storage.delete(previous.name))
    log.info("cadre changed", extra={"cadre": cadre.pk, "actor": actor.pk})
    return cadre


@transaction.atomic
def save_node(*, actor, node):
    """Create or change a village, grid or villager group in a township the actor manages."""
    _require(actor, Action.MANAGE, node)
    node.full_clean()
    before = _locked_group(node) if isinstance(node, VillagerGroup) and node.pk else None
    try:
        with transaction.atomic():  # a colleague may have taken the same number a moment ago
            node.save()
    except IntegrityError:
        raise ValidationError({"number": _("This number was just taken; choose another.")}) from None
    if before is not None and before.grid_id != node.grid_id:
        _regrid(actor, node, before.grid_id)
    log.info("hierarchy saved", extra={"model": node._meta.label, "pk": node.pk, "actor": actor.pk})
    return node


def _regrid(actor, group, from_grid_id):
    """The group's households follow it to its new grid in one update, so the new grid's team sees
    them at once and the old one no longer does; a responsible cadre who answered for them only
    through the old grid is cleared for the new grid to assign. One GroupRegrid row keeps the past."""
    households = Household.objects.filter(group=group)
    still_responsible = Post.objects.current().filter(
        Q(village=group.village_id, role__in=Post.VILLAGE_ROLES) | Q(grid=group.grid_id, role__in=Post.GRID_ROLES)
    )
    households.exclude(responsible_cadre__in=still_responsible.values("cadre")).update(responsible_cadre=None)
    moved = households.update(grid=group.grid_id)
    GroupRegrid.objects.create(
        group=group, from_grid_id=from_grid_id, to_grid_id=group.grid_id, households=moved, regridded_by=actor
    )
    log.info("group regridded", extra={"group": group.pk, "households": moved, "actor": actor.pk})


@transaction.atomic
def save_place(*, actor, place):
    """Record an enterprise or facility in a grid the actor may edit."""
    _require(actor, Action.EDIT, place)
    place.save()
    log.info("place saved", extra={"place": place.pk, "actor": actor.pk})
    return place
