"""What the page frame needs from the jurisdiction: which menu entries lead somewhere."""

from .jurisdiction import REGISTRY_LEVELS, Action, jurisdiction_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"sees_registry": jurisdiction_for(user).has_any(Action.VIEW, REGISTRY_LEVELS)}
