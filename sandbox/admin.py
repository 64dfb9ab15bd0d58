"""The sandbox's storage in the Django admin, for looking around during a demo."""

from django.contrib import admin

from sandbox import models


@admin.register(models.XUser)
class XUserAdmin(admin.ModelAdmin):
    list_display = ["username", "name", "followers_count", "suspended"]
    search_fields = ["username", "name"]


@admin.register(models.Tweet)
class TweetAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "lang", "created_at", "text"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "in_reply_to", "in_reply_to_user", "retweet_of"]
    search_fields = ["text"]


@admin.register(models.FacebookComment)
class FacebookCommentAdmin(admin.ModelAdmin):
    list_display = ["id", "post", "author", "hide_author", "created_time", "message"]
    list_select_related = ["author", "post"]
    raw_id_fields = ["post", "parent", "author"]


@admin.register(models.InjectedFault)
class InjectedFaultAdmin(admin.ModelAdmin):
    list_display = ["kind", "path", "request_number", "item_id", "created_at"]
    list_filter = ["kind"]


admin.site.register(
    [models.DirectMessage, models.FacebookPage, models.FacebookPost, models.FeedEntry, models.FaultSettings]
)
