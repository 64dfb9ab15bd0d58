from django.urls import path

from inbox.views import conversation, dashboard, moderation, notifications, queue, replies

app_name = "inbox"

urlpatterns = [
    path("", queue.QueueView.as_view(), name="queue"),
    path("rows/", queue.QueueRowsView.as_view(), name="rows"),
    path("counts/", queue.QueueCountsView.as_view(), name="counts"),
    path("shift/", queue.ShiftView.as_view(), name="shift"),
    path("bulk/", queue.BulkStartView.as_view(), name="bulk"),
    path("bulk/<int:job_id>/", queue.BulkJobView.as_view(), name="bulk_job"),
    path("c/<int:conversation_id>/", conversation.ConversationView.as_view(), name="conversation"),
    path("c/<int:conversation_id>/pane/", conversation.ConversationPaneView.as_view(), name="pane"),
    path("c/<int:conversation_id>/thread/", conversation.ThreadPartialView.as_view(), name="thread"),
    path("c/<int:conversation_id>/panel/", conversation.SidebarPartialView.as_view(), name="panel"),
    path("c/<int:conversation_id>/status/", conversation.StatusView.as_view(), name="status"),
    path("c/<int:conversation_id>/assign/", conversation.AssignView.as_view(), name="assign"),
    path("c/<int:conversation_id>/tags/", conversation.TagView.as_view(), name="tag"),
    path("c/<int:conversation_id>/tags/<int:tag_id>/remove/", conversation.UntagView.as_view(), name="untag"),
    path("c/<int:conversation_id>/author-links/", conversation.AuthorLinkView.as_view(), name="author-link"),
    path(
        "c/<int:conversation_id>/author-links/<int:author_id>/remove/",
        conversation.AuthorUnlinkView.as_view(),
        name="author-unlink",
    ),
    path("c/<int:conversation_id>/notes/", conversation.NoteView.as_view(), name="note"),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("notifications/", notifications.NotificationSettingsView.as_view(), name="notifications"),
    path("conversations/<int:conversation_id>/reply/", replies.ReplyView.as_view(), name="reply"),
    path("conversations/<int:conversation_id>/reply/count/", replies.CountView.as_view(), name="reply-count"),
    path("replies/<int:message_id>/", replies.DeliveryView.as_view(), name="reply-delivery"),
    path("replies/<int:message_id>/retry/", replies.RetryView.as_view(), name="reply-retry"),
    path("messages/<int:message_id>/moderate/", moderation.ModerateView.as_view(), name="moderate"),
]
