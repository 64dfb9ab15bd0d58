"""Forms of the settings pages; every choice of brand, team or person is limited to the user's brands."""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import RANK, Role, role_of
from brands.models import Brand, Team
from crisis.models import Sensitivity
from inbox.sla.models import Escalation
from monitoring.channel_accounts import MIN_POLL_INTERVAL_SECONDS

TIME_ZONES = sorted(zoneinfo.available_timezones())


def _languages() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in settings.LANGUAGES]


def person_languages() -> list[tuple[str, str]]:
    """A person's interface language: one of ours, or whatever their browser asks for."""
    return [("", gettext("The browser's language")), *_languages()]


def _time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(choices=[(zone, zone) for zone in TIME_ZONES])


def _team_label(team: Team) -> str:
    return f"{team.name} ({team.brand.name})"


def roles_up_to(user: User) -> list[tuple[str, str]]:
    """The roles this person may give: their own and below."""
    own = role_of(user)
    return [(role.value, str(role.label)) for role in Role if own is not None and RANK[role] <= RANK[own]]


class BrandForm(forms.Form):
    name = forms.CharField(max_length=120)
    audience_time_zone = _time_zone_field()
    default_language = forms.ChoiceField()
    first_response_target_minutes = forms.IntegerField(min_value=1, label=_("First response target (minutes)"))
    holidays = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line (YYYY-MM-DD): no business time counts on these days."),
    )
    escalation = forms.ChoiceField(choices=Escalation.choices)
    escalate_to = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Reassign to"))
    crisis_sensitivity = forms.ChoiceField(
        choices=Sensitivity.choices,
        label=_("Crisis detection sensitivity"),
        help_text=_(
            "How readily a surge of mentions or of negative mentions, against what is normal for the hour "
            "of the week, raises a crisis alert and proposes an incident."
        ),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_language"].choices = _languages()  # type: ignore[attr-defined]
        escalate_to: forms.ModelChoiceField[User] = self.fields["escalate_to"]  # type: ignore[assignment]
        escalate_to.queryset = brand.members.filter(is_active=True).order_by("username")

    def clean_holidays(self) -> list[date]:
        days = []
        for line in self.cleaned_data["holidays"].split():
            try:
                days.append(date.fromisoformat(line.strip()))
            except ValueError:
                raise forms.ValidationError(f"{line!r} is not a date (use YYYY-MM-DD, e.g. 2026-12-25).") from None
        return sorted(set(days))


class PersonForm(forms.Form):
    """Invite (with username) or edit a person: role up to the editor's own, brands among the editor's."""

    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField()
    brands = forms.ModelMultipleChoiceField(queryset=Brand.objects.none(), widget=forms.CheckboxSelectMultiple)
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    time_zone = _time_zone_field()
    language = forms.ChoiceField(required=False)
    in_training = forms.BooleanField(required=False, label=_("In training"))

    def __init__(self, *args: Any, editor: User, brands: QuerySet[Brand], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles_up_to(editor)  # type: ignore[attr-defined]
        self.fields["language"].choices = person_languages()  # type: ignore[attr-defined]
        brand_field: forms.ModelMultipleChoiceField[Brand] = self.fields["brands"]  # type: ignore[assignment]
        brand_field.queryset = brands
        team_field: forms.ModelMultipleChoiceField[Team] = self.fields["teams"]  # type: ignore[assignment]
        team_field.queryset = Team.objects.filter(brand__in=brands).select_related("brand")
        team_field.label_from_instance = _team_label  # type: ignore[method-assign, assignment]
        self.fields["time_zone"].initial = "UTC"
        self.fields["language"].initial = ""
        if editing:
            del self.fields["username"]
        else:
            del self.fields["teams"]


class ChannelForm(forms.Form):
    """Connect one account; which fields count depends on the platform chosen."""

    PLATFORM_FIELDS = {
        "x": ("user_id", "handle", "bearer_token", "consumer_key", "consumer_secret", "access_token", "access_secret"),
        "facebook": ("page_id", "page_token", "name"),
        "feed": ("url", "name"),
        "webhook": ("name",),
    }

    brand = forms.ModelChoiceField(queryset=Brand.objects.none())
    platform = forms.ChoiceField(
        choices=[
            ("x", "X account"),
            ("facebook", "Facebook Page"),
            ("feed", "Alert feed"),
            ("webhook", "Webhook source"),
        ]
    )
    user_id = forms.CharField(required=False, label=_("X user id"), help_text=_("The account's numeric id."))
    handle = forms.CharField(required=False, label=_("X handle"))
    bearer_token = forms.CharField(required=False, widget=forms.PasswordInput, help_text=_("To read mentions."))
    consumer_key = forms.CharField(required=False, widget=forms.PasswordInput)
    consumer_secret = forms.CharField(required=False, widget=forms.PasswordInput)
    access_token = forms.CharField(required=False, widget=forms.PasswordInput)
    access_secret = forms.CharField(
        required=False, widget=forms.PasswordInput, help_text=_("The four user tokens let Promptly read DMs and reply.")
    )
    page_id = forms.CharField(required=False, label=_("Facebook Page id"))
    page_token = forms.CharField(required=False, widget=forms.PasswordInput, label=_("Page access token"))
    url = forms.URLField(required=False, label=_("Feed URL"), max_length=2000, assume_scheme="https")
    name = forms.CharField(required=False, max_length=200, help_text=_("Page name, feed title or source name."))

    def __init__(self, *args: Any, brands: QuerySet[Brand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brand_field: forms.ModelChoiceField[Brand] = self.fields["brand"]  # type: ignore[assignment]
        brand_field.queryset = brands


class PollingForm(forms.Form):
    poll_interval_seconds = forms.IntegerField(min_value=MIN_POLL_INTERVAL_SECONDS, label=_("Poll every (seconds)"))


class RoutingForm(forms.Form):
    round_robin = forms.BooleanField(required=False, help_text=_("Hand new conversations to online people on shift."))
    max_open_per_agent = forms.IntegerField(min_value=1, max_value=500, label=_("Cap: open conversations a person"))
    eligible = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who round-robin may pick; none ticked: every member not in training."),
    )
    moderation_role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.AGENT,
        label=_("Who may moderate"),
        help_text=_("The least role that may hide, delete or like customers' posts on the platforms."),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        eligible: forms.ModelMultipleChoiceField[User] = self.fields["eligible"]  # type: ignore[assignment]
        eligible.queryset = brand.members.filter(is_active=True).order_by("username")
