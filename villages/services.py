"""Writes to the registry. Each one re-checks the actor's jurisdiction inside its transaction, so
nobody can place a household or a resident somewhere they do not hold, whatever the form sent."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .jurisdiction import Action, jurisdiction_for
from .models import CareCategory, Household, HouseholdMove, IdReveal, Resident

log = logging.getLogger(__name__)


def _require(actor, action, obj):
    if not jurisdiction_for(actor).allows(action, obj):
        raise PermissionDenied(_("You may not change records in this place."))


def _keep_hidden_categories(actor, obj, chosen):
    """Sensitive categories the actor cannot see stay as they were instead of being dropped."""
    chosen = set(chosen)
    if obj.pk and not jurisdiction_for(actor).allows(Action.SENSITIVE, obj):
        chosen |= {c for c in obj.categories.all() if c.code in CareCategory.SENSITIVE}
    return chosen


@transaction.atomic
def save_household(*, actor, household, categories):
    """Create or change a household in a group the actor may edit."""
    household.place_in_group(household.group)
    _require(actor, Action.EDIT, household)
    categories = _keep_hidden_categories(actor, household, categories)
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
    household.place_in_group(to_group)
    _require(actor, Action.EDIT, household)
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
    categories = _keep_hidden_categories(actor, resident, categories)
    resident.save()
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
