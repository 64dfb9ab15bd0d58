from django.contrib import admin

from responses.models import SavedReply


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "brand", "language", "created_at")
    list_filter = ("brand", "language")
    search_fields = ("title", "text")
