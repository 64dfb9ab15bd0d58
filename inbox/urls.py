from django.urls import path

from inbox.views import dashboard, replies

app_name = "inbox"

urlpatterns = [
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("conversations/<int:conversation_id>/reply/", replies.ReplyView.as_view(), name="reply"),
    path("conversations/<int:conversation_id>/reply/count/", replies.CountView.as_view(), name="reply-count"),
    path("replies/<int:message_id>/", replies.DeliveryView.as_view(), name="reply-delivery"),
    path("replies/<int:message_id>/retry/", replies.RetryView.as_view(), name="reply-retry"),
]
