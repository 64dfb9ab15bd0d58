"""URLs of the inbox API, mounted under /api/v1/."""

from django.urls import path

from inbox.api import views

app_name = "inbox_api"

urlpatterns = [
    path("conversations/", views.ConversationListView.as_view(), name="conversations"),
    path("conversations/<int:conversation_id>/", views.ConversationDetailView.as_view(), name="conversation"),
    path("conversations/<int:conversation_id>/reply/", views.ReplyView.as_view(), name="reply"),
    path("conversations/<int:conversation_id>/assign/", views.AssignView.as_view(), name="assign"),
    path("conversations/<int:conversation_id>/status/", views.StatusView.as_view(), name="status"),
    path("conversations/<int:conversation_id>/tags/", views.TagsView.as_view(), name="tags"),
    path("conversations/<int:conversation_id>/tags/<int:tag_id>/", views.TagView.as_view(), name="tag"),
]
