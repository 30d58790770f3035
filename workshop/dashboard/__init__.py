"""After sign-off: the live KPI dashboard (issue 12)."""
