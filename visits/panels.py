"""What the registry's pages show of the field work (villages/views.py asks each app's config)."""

import datetime

from django.utils import timezone

from villages.jurisdiction import Action, jurisdiction_for
from villages.models import Household

from . import rules, selectors
from .models import Visit


def household_panel(request, household):
    """The household's last visit, next due dates (the cadres' and the representative's) and the
    visits the user may see: three queries."""
    user = request.user
    row = selectors.with_due(Household.objects.filter(pk=household.pk)).get()
    tables, today = selectors.interval_tables(), timezone.localdate()
    due, standing = selectors.explain(row, tables, today, cadre_only=True)  # the cadres' next visit
    contact = None
    if row.contact_representative_id:  # and the representative's, by its own rule
        days = tables.get(row.township_id, rules.DEFAULT_INTERVALS)["contact"]
        on = (row.last_contact or row.since) + datetime.timedelta(days=days)
        contact = {"on": on, "standing": rules.standing(on, today, warn_days=selectors.DUE_SOON_DAYS)}
    history = selectors.with_case_visible(
        Visit.objects.for_user(user)
        .filter(household=household)
        .select_related("visitor", "case")
        .order_by("-visited_on", "-recorded_at"),
        user,
    )[:20]
    return {
        "template": "visits/household_panel.html",
        "due": due,
        "standing": standing,
        "contact": contact,
        "last_visit": row.last_visit,
        "last_contact": row.last_contact,
        "visits": history,
        "can_visit": jurisdiction_for(user).allows(Action.VISIT, household),
        "contact_only": not selectors.answers_for(user, household),  # a representative's own duty
    }
