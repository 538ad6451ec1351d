from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("emergencies/", views.EmergencyBoardView.as_view(), name="emergencies"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("new/birth/", views.NewcomerView.as_view(), name="report_birth"),
    path("new/migrant/", views.MigrantView.as_view(), name="report_migrant"),
    path("households.json", views.HouseholdSearchView.as_view(), name="household_search"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/steps/<slug:name>/", views.StepView.as_view(), name="step"),
    path("<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("<int:pk>/notes/", views.NoteView.as_view(), name="note"),
    path("<int:pk>/attachments/", views.AttachView.as_view(), name="attach"),
    path("<int:pk>/extension/", views.ExtensionRequestView.as_view(), name="extension_request"),
    path("<int:pk>/extension/decision/", views.ExtensionDecisionView.as_view(), name="extension_decision"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("deadlines/<int:pk>/", views.DeadlineView.as_view(), name="deadlines"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationsReadView.as_view(), name="notifications_read"),
]
