"""Consent needs both departments: the rule that makes an SLA carried by both sides."""

from collections import Counter

CHOICES = ("agree", "abstain", "disagree", "block")
DEPARTMENTS = ("marketing", "sales")


def tally(choices):
    """Counts per choice, every choice present."""
    counts = Counter(choices)
    return {choice: counts.get(choice, 0) for choice in CHOICES}


def consent_for(votes, departments_present):
    """The consensus on an item once its votes are revealed.

    votes: iterable of (department, choice); departments_present: the departments
    of the workshop's delegates. "blocked" if anyone blocked; otherwise "consent"
    when within each department present agree outnumbers disagree; otherwise
    "no_consent". A department that did not vote, or only abstained, has not
    supported the item, so the item has no consent.
    """
    votes = list(votes)
    if any(choice == "block" for _, choice in votes):
        return "blocked"
    departments = set(departments_present) | {dept for dept, _ in votes}
    if not departments:
        return "no_consent"
    for department in departments:
        counts = tally(choice for dept, choice in votes if dept == department)
        if counts["agree"] <= counts["disagree"]:
            return "no_consent"
    return "consent"


def balance_warning(counts):
    """None, "missing" (a side absent) or "lopsided" (one side has 3x the other or more).

    counts: {department: number of delegates}.
    """
    marketing, sales = counts.get("marketing", 0), counts.get("sales", 0)
    if marketing + sales == 0:
        return None
    if marketing == 0 or sales == 0:
        return "missing"
    if max(marketing, sales) >= 3 * min(marketing, sales):
        return "lopsided"
    return None
