from django.contrib import admin

from monitoring.models import Brand, ChannelAccount, StreamCursor


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "audience_time_zone", "first_response_target_minutes")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)
    search_fields = ("name", "slug")


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    list_display = ("__str__", "brand", "platform", "enabled", "poll_interval_seconds")
    list_filter = ("platform", "enabled", "brand")
    search_fields = ("handle", "external_id")


@admin.register(StreamCursor)
class StreamCursorAdmin(admin.ModelAdmin):
    list_display = ("account", "stream", "paused_until", "consecutive_failures", "updated_at")
    readonly_fields = ("updated_at",)


from monitoring.alerts import admin as alert_admin  # noqa: E402, F401  (registers alert and schedule admins)
from monitoring.queries import admin as query_admin  # noqa: E402, F401
