"""The home dashboard: one panel per app, each from that app's selectors, scoped to the user."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from assessments import selectors as assessment_selectors
from cases import selectors as case_selectors
from publicity import selectors as publicity_selectors
from villages import selectors as registry
from villages.jurisdiction import REGISTRY_LEVELS, Action, jurisdiction_for
from villages.models import Township, Village
from visits import selectors as visit_selectors


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        summary = registry.registry_summary(user)
        townships = list(Township.objects.for_user(user))
        jurisdiction = jurisdiction_for(user)
        for township in townships:  # township staff see how many boards on the walls need printing again
            if jurisdiction.allows(Action.MANAGE, township):
                rows = publicity_selectors.board_status(user, township)
                township.boards_to_print = len(publicity_selectors.needs_printing(rows))
        return super().get_context_data(
            registry=summary,
            townships=townships,
            villages=Village.objects.for_user(user).select_related("township")[:20],
            grids=summary["grids"][:30],
            posts=registry.current_posts({"cadre__user": user}),
            cases=case_selectors.dashboard(user),
            scores=assessment_selectors.latest_scores(user),
            about_me=list(assessment_selectors.unanswered_about(user).values_list("score_id", flat=True)),
            approvals=assessment_selectors.pending_entries(user).count()
            if jurisdiction_for(user).has_any(Action.MANAGE, ("township",))
            else 0,
            visits=(
                visit_selectors.dashboard(user)
                if jurisdiction_for(user).has_any(Action.VIEW, REGISTRY_LEVELS)
                else None
            ),
            **kwargs,
        )
