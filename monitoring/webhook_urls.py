from django.urls import path

from monitoring import webhook_views

app_name = "webhooks"

urlpatterns = [
    path("inbound/<int:account_id>/", webhook_views.inbound, name="inbound"),
    path("facebook/", webhook_views.facebook, name="facebook"),
]
