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


def lacking_support(votes, departments_present):
    """The departments (in DEPARTMENTS order) where agree does not outnumber disagree: who
    the facilitator has to talk to when an item has no consent. Empty when blocked or
    consented (a block is said on its own)."""
    votes = list(votes)
    departments = set(departments_present) | {dept for dept, _ in votes}
    lacking = []
    for department in DEPARTMENTS:
        if department not in departments:
            continue
        counts = tally(choice for dept, choice in votes if dept == department)
        if counts["agree"] <= counts["disagree"]:
            lacking.append(department)
    return lacking


def enough_votes_to_reveal(votes_cast, delegates):
    """Whether "reveal all" may reveal an item: at least half of the delegates voted.
    An item with 1 of 8 votes stays hidden; the facilitator can still reveal it alone."""
    return votes_cast > 0 and 2 * votes_cast >= delegates


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
