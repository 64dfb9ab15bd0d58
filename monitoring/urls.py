from django.urls import path

from monitoring import views
from monitoring.alerts import views as alert_views
from monitoring.checkins import views as schedule_views
from monitoring.queries import views as query_views

app_name = "monitoring"

urlpatterns = [
    path("", views.SetupView.as_view(), name="setup"),
    path("queries/", query_views.QueryListView.as_view(), name="queries"),
    path("queries/new/", query_views.QueryCreateView.as_view(), name="query-add"),
    path("queries/<int:pk>/", query_views.QueryUpdateView.as_view(), name="query-edit"),
    path("queries/preview/", query_views.QueryPreviewView.as_view(), name="query-preview"),
    path("alerts/", alert_views.AlertRuleListView.as_view(), name="alerts"),
    path("alerts/new/", alert_views.AlertRuleCreateView.as_view(), name="alert-add"),
    path("alerts/<int:pk>/", alert_views.AlertRuleUpdateView.as_view(), name="alert-edit"),
    path("schedule/", schedule_views.ScheduleView.as_view(), name="schedule"),
    path("schedule/<int:pk>/delete/", schedule_views.ShiftDeleteView.as_view(), name="shift-delete"),
]
