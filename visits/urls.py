from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.DueView.as_view(), name="due"),
    path("log/", views.VisitListView.as_view(), name="list"),
    path("new/", views.VisitCreateView.as_view(), name="create"),
    path("talks/new/", views.TalkCreateView.as_view(), name="talk_create"),
    path("<int:pk>/", views.VisitDetailView.as_view(), name="detail"),
    path("<int:pk>/photo/", views.VisitPhotoView.as_view(), name="photo"),
    path("coverage/", views.CoverageView.as_view(), name="coverage_all"),
    path("coverage/<slug:level>/<int:pk>/", views.CoverageView.as_view(), name="coverage"),
    path("patrols/new/", views.PatrolCreateView.as_view(), name="patrol_create"),
    path("patrols/<int:pk>/", views.PatrolDetailView.as_view(), name="patrol"),
    path("grids/<int:pk>/patrols/", views.PatrolCalendarView.as_view(), name="patrol_calendar"),
    path("work-logs/", views.WorkLogListView.as_view(), name="logs"),
    path("work-logs/new/", views.WorkLogCreateView.as_view(), name="log_create"),
    path("work-logs/<int:pk>/", views.WorkLogView.as_view(), name="log"),
    path("villages/<int:pk>/meetings/", views.MeetingListView.as_view(), name="meetings"),
    path("villages/<int:pk>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("townships/<int:pk>/intervals/", views.IntervalView.as_view(), name="intervals"),
]
