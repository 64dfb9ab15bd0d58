"""Forms of the SLA pages: the dashboard's filters (brand, dates, channel, team, agent) and the policy admin form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from brands.models import Brand, Team
from brands.selectors import brands_for
from inbox.sla.hours import HoursError, format_shifts, parse_holiday, parse_many
from inbox.sla.models import SlaPolicy
from inbox.sla.selectors import DashboardFilters
from monitoring.models import ChannelAccount

DEFAULT_DAYS = 30
MAX_DAYS = 366


class DashboardFilterForm(forms.Form):
    """Filters read from the query string; the brand list is the viewer's, the rest belongs to that brand."""

    brand = forms.SlugField(required=False)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    agent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any, *, user: AbstractBaseUser | AnonymousUser) -> None:
        super().__init__(data)
        self.brands = list(brands_for(user))
        wanted = data.get("brand") if data else None
        self.selected_brand: Brand | None = next((b for b in self.brands if b.slug == wanted), None)
        if self.selected_brand is None and not wanted and self.brands:
            self.selected_brand = self.brands[0]
        brand = self.selected_brand
        self.accounts = list(ChannelAccount.objects.filter(brand=brand)) if brand else []
        self.agents = list(User.objects.filter(brands=brand).order_by("username")) if brand else []
        self.teams = list(Team.objects.filter(brand=brand)) if brand else []
        choices = {
            "channel": [("", "All channels"), *((a.pk, str(a)) for a in self.accounts)],
            "team": [("", "All teams"), *((t.pk, t.name) for t in self.teams)],
            "agent": [("", "All agents"), *((u.pk, u.get_username()) for u in self.agents)],
        }
        for name, listed in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101
            field.choices = listed

    def clean_brand(self) -> str:
        slug = self.cleaned_data["brand"]
        if self.selected_brand is None:
            raise forms.ValidationError(f"No brand {slug!r} among yours." if slug else "You are not on any brand yet.")
        return slug

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.selected_brand is None:
            return data
        today = timezone.now().astimezone(ZoneInfo(self.selected_brand.audience_time_zone)).date()
        end: date = data.get("end") or today
        start: date = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> DashboardFilters:
        """The validated filters; call after is_valid(). A team stands for its members' clocks."""
        assert self.selected_brand is not None  # noqa: S101  (is_valid() guarantees it)
        team = next((t for t in self.teams if t.pk == self.cleaned_data.get("team")), None)
        members = tuple(team.members.order_by("pk").values_list("pk", flat=True)) if team else None
        return DashboardFilters(
            brand=self.selected_brand,
            start=self.cleaned_data["start"],
            end=self.cleaned_data["end"],
            account_id=self.cleaned_data.get("channel"),
            agent_id=self.cleaned_data.get("agent"),
            team_member_ids=members,
        )


class SlaPolicyForm(forms.ModelForm):
    """Hours and holidays as people write them, one per line; stored as shifts and dates."""

    hours = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='One line each, e.g. "mon-fri 09:00-17:00", "sat 10:00-14:00", "fri 22:00-02:00". Empty: 24/7.',
    )
    holiday_dates = forms.CharField(
        required=False,
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date per line, YYYY-MM-DD."),
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "brand",
            "platform",
            "priority",
            "first_response_minutes",
            "next_response_minutes",
            "at_risk_percent",
            "automated_ack_stops_clock",
            "escalation",
            "escalate_to",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["hours"] = "\n".join(format_shifts(self.instance.shift_list))
            self.initial["holiday_dates"] = "\n".join(day.isoformat() for day in self.instance.holidays)

    def clean_hours(self) -> list[list[int]]:
        try:
            shifts = parse_many(self.cleaned_data["hours"].splitlines())
        except HoursError as error:
            raise forms.ValidationError(str(error)) from error
        return [[s.weekday, s.start_minute, s.end_minute] for s in shifts]

    def clean_holiday_dates(self) -> list[date]:
        try:
            lines = [line for line in self.cleaned_data["holiday_dates"].splitlines() if line.strip()]
            return sorted({parse_holiday(line) for line in lines})
        except HoursError as error:
            raise forms.ValidationError(str(error)) from error

    def save(self, commit: bool = True) -> SlaPolicy:
        self.instance.shifts = self.cleaned_data["hours"]
        self.instance.holidays = self.cleaned_data["holiday_dates"]
        return super().save(commit=commit)
