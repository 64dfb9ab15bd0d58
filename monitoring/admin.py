from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from monitoring.admin_forms import TOKEN_FIELDS, ChannelAccountForm
from monitoring.alerts import admin as alert_admin  # noqa: F401  (registers alert and schedule admins)
from monitoring.channel_accounts import remove_accounts, set_credentials, sync_poll_schedule
from monitoring.models import ChannelAccount, StreamCursor
from monitoring.queries import admin as query_admin  # noqa: F401


class StreamCursorInline(admin.TabularInline):
    model = StreamCursor
    extra = 0
    fields = ("stream", "position", "paused_until", "consecutive_failures", "last_error", "updated_at")
    readonly_fields = fields
    can_delete = False


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    form = ChannelAccountForm
    list_display = ("__str__", "brand", "platform", "enabled", "poll_interval_seconds", "failing_reason")
    list_filter = ("platform", "enabled", "brand")
    list_select_related = ("brand",)
    search_fields = ("handle", "external_id")
    inlines = [StreamCursorInline]
    readonly_fields = ("failing_reason",)
    fieldsets = [
        (None, {"fields": ("brand", "platform", "external_id", "handle", "feed_url")}),
        ("Polling", {"fields": ("enabled", "poll_interval_seconds", "failing_reason")}),
        ("Tokens (encrypted at rest, shown masked)", {"fields": tuple(TOKEN_FIELDS)}),
    ]

    def save_model(self, request: HttpRequest, obj: ChannelAccount, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        assert isinstance(form, ChannelAccountForm)  # noqa: S101 - set by `form` above
        set_credentials(account=obj, values=form.token_values())
        sync_poll_schedule(account=obj)

    def delete_model(self, request: HttpRequest, obj: ChannelAccount) -> None:
        remove_accounts(account_ids=[obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ChannelAccount]) -> None:
        remove_accounts(account_ids=list(queryset.values_list("pk", flat=True)))


@admin.register(StreamCursor)
class StreamCursorAdmin(admin.ModelAdmin):
    list_display = ("account", "stream", "paused_until", "consecutive_failures", "updated_at")
    list_select_related = ("account",)
    readonly_fields = ("updated_at",)
