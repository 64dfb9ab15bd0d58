from django.contrib import admin

from inbox.models import AgentAvailability, Author, Conversation, InboxSettings, Message, QuarantinedItem
from inbox.sla import admin as sla_admin  # noqa: F401  (SLA policies, with their preview)
from monitoring.admin_actions import reprocess


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("handle", "name", "platform", "followers_count", "last_seen_at")
    search_fields = ("handle", "name", "external_id")
    list_filter = ("platform",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "brand", "status", "assignee", "response_due_at", "last_message_at")
    list_filter = ("brand", "status", "visibility")
    raw_id_fields = ("author", "assignee", "account")
    list_select_related = ("account", "brand", "assignee")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "account", "direction", "delivery_status", "platform_time")
    list_filter = ("direction", "delivery_status")
    raw_id_fields = ("conversation", "author", "account", "sent_by")
    list_select_related = ("account",)


@admin.register(QuarantinedItem)
class QuarantinedItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "stream", "created_at", "reprocessed_at")
    list_filter = ("stream",)
    readonly_fields = ("raw", "reason", "created_at")
    actions = [reprocess]


@admin.register(InboxSettings)
class InboxSettingsAdmin(admin.ModelAdmin):
    list_display = ("brand", "round_robin", "max_open_per_agent")


@admin.register(AgentAvailability)
class AgentAvailabilityAdmin(admin.ModelAdmin):
    list_display = ("user", "on_shift", "last_seen_at", "last_assigned_at")
