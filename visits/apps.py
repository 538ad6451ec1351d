from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def household_panel(self, request, household):
        """The household page's visits card (villages/views.py gathers a panel from each app)."""
        from .panels import household_panel

        return household_panel(request, household)
