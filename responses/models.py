"""Saved replies: a brand's standard answers, with {author_name} and {handle} filled in per customer."""

from django.db import models

from monitoring.models import Brand

# The only variables a saved reply may use; anything else in braces stays as written.
VARIABLES = ("author_name", "handle")


class SavedReply(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(max_length=120, help_text="What agents pick it by, e.g. 'Thanks for the feedback'.")
    text = models.TextField(
        max_length=8000, help_text="The reply; {author_name} and {handle} are replaced by the customer's."
    )
    language = models.CharField(
        max_length=8, blank=True, help_text="ISO 639-1 code such as en or es; empty for any language."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "saved replies"
        constraints = [
            models.UniqueConstraint(fields=["brand", "title", "language"], name="saved_reply_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title
