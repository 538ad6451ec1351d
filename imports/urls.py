from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.RunListView.as_view(), name="list"),
    path("new/", views.UploadView.as_view(), name="upload"),
    path("template.xlsx", views.TemplateDownloadView.as_view(), name="template"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="run"),
    path("<int:pk>/import/", views.RunImportView.as_view(), name="import"),
    path("<int:pk>/problems.xlsx", views.RunReportView.as_view(), name="report"),
]
