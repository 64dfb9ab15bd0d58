from django.urls import path

from monitoring import views
from monitoring.queries import views as query_views

app_name = "monitoring"

urlpatterns = [
    path("", views.SetupView.as_view(), name="setup"),
    path("queries/", query_views.QueryListView.as_view(), name="queries"),
    path("queries/new/", query_views.QueryCreateView.as_view(), name="query-add"),
    path("queries/<int:pk>/", query_views.QueryUpdateView.as_view(), name="query-edit"),
    path("queries/preview/", query_views.QueryPreviewView.as_view(), name="query-preview"),
]
