from django.urls import path

from responses import views

app_name = "responses"

urlpatterns = [
    path("setup/replies/", views.SavedReplyListView.as_view(), name="replies"),
    path("setup/replies/new/", views.SavedReplyCreateView.as_view(), name="reply-add"),
    path("setup/replies/<int:pk>/", views.SavedReplyUpdateView.as_view(), name="reply-edit"),
    path("setup/replies/<int:pk>/delete/", views.SavedReplyDeleteView.as_view(), name="reply-delete"),
    path("setup/replies/rules/<int:brand_id>/", views.ResponseSettingsView.as_view(), name="rules"),
    path("setup/offers/", views.OfferListView.as_view(), name="offers"),
    path("setup/offers/new/", views.OfferCreateView.as_view(), name="offer-add"),
    path("setup/offers/<int:pk>/", views.OfferUpdateView.as_view(), name="offer-edit"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="approvals"),
    path("approvals/<int:approval_id>/decide/", views.ApprovalDecideView.as_view(), name="approval-decide"),
    path("approvals/<int:approval_id>/status/", views.ApprovalStatusView.as_view(), name="approval-status"),
]
