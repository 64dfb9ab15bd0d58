from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("Promptly", {"fields": ("time_zone",)}))
    list_display = ("username", "email", "time_zone", "is_staff", "is_active")
