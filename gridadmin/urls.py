from django.contrib import admin
from django.urls import include, path

from . import views

# Django admin is for superusers only: township staff work in the portal's own pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("visits/", include("visits.urls")),
    path("assessments/", include("assessments.urls")),
    path("prints/", include("publicity.urls")),
    path("imports/", include("imports.urls")),
    path("", include("villages.urls")),
]
