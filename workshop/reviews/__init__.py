"""Reviews after sign-off: the live review, its action items, and its report (issue 13)."""
