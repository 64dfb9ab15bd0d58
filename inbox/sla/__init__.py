"""The SLA clock: policies, business-time arithmetic, response records, escalation and the dashboard figures."""
