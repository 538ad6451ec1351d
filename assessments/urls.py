from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.SchemeListView.as_view(), name="index"),
    path("mine/", views.MyScoreView.as_view(), name="mine"),
    path("townships/<int:township>/schemes/new/", views.SchemeFormView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme"),
    path("schemes/<int:pk>/edit/", views.SchemeFormView.as_view(), name="scheme_edit"),
    path("schemes/<int:pk>/periods/new/", views.OpenPeriodView.as_view(), name="period_open"),
    path("schemes/<int:pk>/failing/", views.FailingView.as_view(), name="failing"),
    path("periods/<int:pk>/", views.PeriodView.as_view(), name="period"),
    path("periods/<int:pk>/compute/", views.PeriodActionView.as_view(action="compute"), name="period_compute"),
    path("periods/<int:pk>/close/", views.PeriodActionView.as_view(action="close"), name="period_close"),
    path("scores/<int:pk>/", views.ScoreView.as_view(), name="score"),
    path("scores/<int:pk>/items/<int:item_pk>/", views.EvidenceView.as_view(), name="evidence"),
    path("scores/<int:pk>/entries/new/", views.EntryCreateView.as_view(), name="entry_create"),
    path("entries/pending/", views.PendingView.as_view(), name="pending"),
    path("entries/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("entries/<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
]
