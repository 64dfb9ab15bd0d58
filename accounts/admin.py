from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Promptly", {"fields": ("time_zone", "language", "in_training")}),
    )
    list_display = ("username", "email", "time_zone", "is_staff", "is_active")


def superusers_only(request: HttpRequest) -> bool:
    """The Django admin is not scoped by brand, so only superusers may use it; admins use /settings/."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
