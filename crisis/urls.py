from django.urls import path

from crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("banner/", views.BannerView.as_view(), name="banner"),
    path("declare/", views.DeclareView.as_view(), name="declare"),
    path("<int:incident_id>/", views.IncidentView.as_view(), name="incident"),
    path("<int:incident_id>/confirm/", views.DeclareView.as_view(), name="confirm"),
    path("<int:incident_id>/status/", views.StatusView.as_view(), name="status"),
    path("<int:incident_id>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("<int:incident_id>/report/", views.ReportView.as_view(), name="report"),
    path("<int:incident_id>/report.csv", views.ReportCsvView.as_view(), name="report-csv"),
    path("playbooks/<slug:slug>/", views.PlaybookView.as_view(), name="playbook"),
]
