"""What the page frame needs from the jurisdiction: which menu entries lead somewhere."""

from .jurisdiction import REGISTRY_LEVELS, Action, jurisdiction_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    jurisdiction = jurisdiction_for(user)
    return {
        "sees_registry": jurisdiction.has_any(Action.VIEW, REGISTRY_LEVELS),
        "does_field_work": jurisdiction.has_any(Action.VISIT),
        "walks_grids": jurisdiction.has_any(Action.VISIT, ("township", "village", "grid")),  # patrols, logs
    }
