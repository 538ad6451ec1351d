from django.urls import path

from . import views

app_name = "villages"
urlpatterns = [
    path("townships/<int:pk>/", views.TownshipDetailView.as_view(), name="township"),
    path("townships/<int:pk>/villages/new/", views.VillageCreateView.as_view(), name="village_create"),
    path("villages/<int:pk>/", views.VillageDetailView.as_view(), name="village"),
    path("villages/<int:pk>/edit/", views.VillageUpdateView.as_view(), name="village_edit"),
    path("villages/<int:pk>/grids/new/", views.GridCreateView.as_view(), name="grid_create"),
    path("villages/<int:pk>/groups/new/", views.GroupCreateView.as_view(), name="group_create"),
    path("grids/<int:pk>/", views.GridDetailView.as_view(), name="grid"),
    path("grids/<int:pk>/edit/", views.GridUpdateView.as_view(), name="grid_edit"),
    path("grids/<int:pk>/places/new/", views.PlaceCreateView.as_view(), name="place_create"),
    path("places/<int:pk>/edit/", views.PlaceUpdateView.as_view(), name="place_edit"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group"),
    path("groups/<int:pk>/edit/", views.GroupUpdateView.as_view(), name="group_edit"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/roster/", views.RosterExportView.as_view(), name="roster_export"),
    path("households/new/", views.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household"),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household_edit"),
    path("households/<int:pk>/move/", views.HouseholdMoveView.as_view(), name="household_move"),
    path("households/<int:pk>/residents/new/", views.ResidentCreateView.as_view(), name="resident_create"),
    path("residents/<int:pk>/", views.ResidentDetailView.as_view(), name="resident"),
    path("residents/<int:pk>/edit/", views.ResidentUpdateView.as_view(), name="resident_edit"),
    path("residents/<int:pk>/reveal-id/", views.ResidentRevealView.as_view(), name="resident_reveal"),
    path("cadres/", views.CadreListView.as_view(), name="cadre_list"),
    path("cadres/new/", views.CadreCreateView.as_view(), name="cadre_create"),
    path("cadres/<int:pk>/", views.CadreDetailView.as_view(), name="cadre"),
    path("cadres/<int:pk>/posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/end/", views.PostEndView.as_view(), name="post_end"),
    path("cadres/<int:pk>/edit/", views.CadreUpdateView.as_view(), name="cadre_edit"),
    path("cadres/<int:pk>/photo/", views.CadrePhotoView.as_view(), name="cadre_photo"),
]
