"""What the registry's pages show of the field work (villages/views.py asks each app's config)."""

from django.utils import timezone

from villages.jurisdiction import Action, jurisdiction_for
from villages.models import Household

from . import selectors
from .models import Visit


def household_panel(request, household):
    """The household's last visit, next due date and visit history: two queries."""
    user = request.user
    row = selectors.with_due(Household.objects.filter(pk=household.pk)).get()
    due, standing = selectors.explain(row, selectors.interval_tables(), timezone.localdate())
    history = (
        Visit.objects.for_user(user)
        .filter(household=household)
        .select_related("visitor", "case")
        .order_by("-visited_on", "-recorded_at")[:20]
    )
    return {
        "template": "visits/household_panel.html",
        "due": due,
        "standing": standing,
        "last_visit": row.last_visit,
        "last_contact": row.last_contact,
        "visits": history,
        "can_visit": jurisdiction_for(user).allows(Action.VISIT, household),
    }
