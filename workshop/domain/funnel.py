"""Working backwards from revenue: the reverse funnel and sales capacity."""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class FunnelNeed:
    stage: str
    needed: int


def reverse_funnel(revenue_target, average_deal_size, conversions):
    """Per period: how many of each funnel stage are needed to reach the revenue target.

    conversions: [(stage_name, rate_to_next)] from the top of the funnel down to
    the stage before "customer", rates as fractions (0.25 for 25 %). Returns
    [FunnelNeed] from the top (inquiries) down to customers. Numbers are rounded
    up: half a customer is still a customer to find. Returns [] when the inputs
    cannot give an answer (no target, zero deal size or a zero rate).
    """
    if not revenue_target or not average_deal_size or revenue_target <= 0 or average_deal_size <= 0:
        return []
    if any(rate is None or rate <= 0 or rate > 1 for _, rate in conversions):
        return []
    customers = math.ceil(revenue_target / average_deal_size)
    needs = [FunnelNeed("customer", customers)]
    needed = customers
    for stage, rate in reversed(conversions):
        # Round before dividing further so each row is consistent with the one below.
        needed = math.ceil(round(needed / rate, 6))
        needs.append(FunnelNeed(stage, needed))
    return list(reversed(needs))


def sales_capacity(reps, follow_ups_per_rep_per_week, weeks_per_period=4.33):
    """Leads sales can follow up properly in a period (a month by default)."""
    if not reps or not follow_ups_per_rep_per_week or reps < 0 or follow_ups_per_rep_per_week < 0:
        return 0
    return math.floor(reps * follow_ups_per_rep_per_week * weeks_per_period)


def capacity_gap(mql_needed, capacity):
    """How many MQLs per period exceed what sales can follow up (0 when it fits)."""
    return max(0, (mql_needed or 0) - capacity)
