from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
