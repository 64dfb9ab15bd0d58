"""The SLA dashboard page (supervisors): it lives with the SLA clock in inbox.sla.views."""

from inbox.sla.views import DashboardView

__all__ = ["DashboardView"]
