"""The figures an SLA states more than once, computed from the funnel and captured fields.

A KPI or an agreed text may restate a number that the reverse funnel or a captured value
already fixes (MQLs a month, a conversion rate, the deal size, response hours). These rules
find that number, so the readiness check can compare and a linked KPI can print it. Pure.
"""

import re

# Measures a KPI can name. unit: count (a month), percent, money, hours.
MEASURES = {
    "new_leads": ("count", "higher"),
    "mqls": ("count", "higher"),
    "sals": ("count", "higher"),
    "sqls": ("count", "higher"),
    "opportunities": ("count", "higher"),
    "deals_won": ("count", "higher"),
    "revenue_won": ("money", "higher"),
    "average_deal_size": ("money", "higher"),
    "mql_to_sql_rate": ("percent", "higher"),
    "sql_to_opportunity_rate": ("percent", "higher"),
    "win_rate": ("percent", "higher"),
    "contacted_within_sla": ("percent", "higher"),
    "first_response_hours": ("hours", "lower"),
    "manual": (None, "higher"),
}

# Funnel stages are found by name; the first and last stage by position.
_STAGE_KEYS = (("mqls", "MQL"), ("sals", "SAL"), ("sqls", "SQL"), ("opportunities", "OPPORTUNIT"))

# KPI wording -> measure, most specific first; English and Dutch.
_INFER = (
    ("mql_to_sql_rate", r"mql\W*(?:→|->|to|naar|tot)\W*sql"),
    ("sql_to_opportunity_rate", r"sql\W*(?:→|->|to|naar|tot)\W*opportunit"),
    ("win_rate", r"win\s*-?\s*rat(?:e|io)|winratio|winkans"),
    ("average_deal_size", r"deal\s*-?\s*(?:value|size)|dealwaarde|dealgrootte|orderwaarde"),
    ("first_response_hours", r"speed.to.lead|first (?:response|contact)|reactiesnelheid"
     r"|eerste contact"),
    ("mqls", r"\bmql(?:'?s)?\b.*(?:volume|per month|a month)|aantal mql|mql.volume"
     r"|new mqls|nieuwe mql"),
    ("sqls", r"\bsql(?:'?s)?\b.*(?:volume|per month|a month)|aantal sql"),
    ("opportunities", r"(?:number of|new) opportunities|aantal opportunities"),
    ("deals_won", r"deals won|gewonnen deals|new customers a month|nieuwe klanten per maand"),
)  # fmt: skip


def stage_figures(stages):
    """{measure: value} from the funnel: stages [{name, conversion}] top to bottom,
    conversion in % to the next stage (None when not agreed yet)."""
    figures = {}
    index = {}
    for key, needle in _STAGE_KEYS:
        index[key] = next((i for i, s in enumerate(stages) if needle in s["name"].upper()), None)

    def rate(start, end):
        """Conversion from stage `start` to stage `end`, as a percentage."""
        if start is None or end is None or end <= start:
            return None
        share = 1.0
        for stage in stages[start:end]:
            if stage.get("conversion") is None:
                return None
            share *= stage["conversion"] / 100
        return round(share * 100, 1)

    last = len(stages) - 1 if stages else None
    figures["mql_to_sql_rate"] = rate(index["mqls"], index["sqls"])
    figures["sql_to_opportunity_rate"] = rate(index["sqls"], index["opportunities"])
    figures["win_rate"] = rate(index["opportunities"], last)
    return {k: v for k, v in figures.items() if v is not None}, index


def computed_figures(stages, fields, reverse_funnel, monthly_revenue):
    """Every figure the SLA fixes elsewhere: {measure: value}, counts per month."""
    figures, index = stage_figures(stages)
    needs = [n["per_month"] for n in reverse_funnel]
    if needs and len(needs) == len(stages):
        figures["new_leads"] = needs[0]
        figures["deals_won"] = needs[-1]
        for key, _ in _STAGE_KEYS:
            if index[key] is not None:
                figures[key] = needs[index[key]]
    targets, process = fields.get("targets") or {}, fields.get("process") or {}
    if monthly_revenue:
        figures["revenue_won"] = monthly_revenue
    if targets.get("average_deal_size"):
        figures["average_deal_size"] = targets["average_deal_size"]
    if process.get("first_contact_hours") is not None:
        figures["first_response_hours"] = process["first_contact_hours"]
    return figures


def infer_measure(text):
    """The measure a KPI's wording names, or None."""
    lowered = (text or "").lower()
    for measure, pattern in _INFER:
        if re.search(pattern, lowered):
            return measure
    return None


_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)")


def parse_number(token, language):
    """'20.000' is twenty thousand in Dutch, '2,4' two point four; English the other way."""
    thousands, decimal = (".", ",") if language == "nl" else (",", ".")
    if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", token):
        return float(token.replace(thousands, ""))
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3}){2,}", token):  # 1.000.000 in either language
        return float(re.sub(r"[.,]", "", token))
    # One separator left: whichever it is, it marks the decimals ("2,4" in English text too).
    return float(token.replace(",", "."))


def stated_numbers(text, language):
    """[(value, unit)] in a text: unit percent, money, hours or count; 'm'/'mln' scale."""
    found = []
    for match in _NUMBER.finditer(text or ""):
        value = parse_number(match.group(1), language)
        before = text[max(0, match.start() - 3) : match.start()]
        after = text[match.end() : match.end() + 8].lower()
        if re.match(r"\s*(m\b|mln|million|miljoen)", after):
            value *= 1_000_000
        if re.match(r"\s*%", after):
            unit = "percent"
        elif re.search(r"[€$£]", before) or re.match(r"\s*(eur|usd|gbp)\b", after):
            unit = "money"
        elif re.match(r"\s*(h\b|hours?\b|uur\b|u\b)", after):
            unit = "hours"
        else:
            unit = "count"
        found.append((value, unit))
    return found


def first_stated(text, unit, language):
    """The first number of that unit in a text, or None."""
    return next((v for v, u in stated_numbers(text, language) if u == unit), None)


def agrees(stated, expected):
    """Equal once rounded: rates within half a point, counts and amounts to the unit."""
    return abs(stated - expected) <= 0.5


# Agreed texts that restate a captured number of hours, found by their wording.
HOUR_FIELDS = (
    ("accept_hours", r"accept|geaccepteerd|accepteer|weiger|reject"),
    (
        "first_contact_hours",
        r"first contact|eerste contact|contacted within|calls? within"
        r"|benaderd|belt binnen|bellen",
    ),
)


def hour_claims(text):
    """[(field, hours)] a text states: 'accepts ... within 24 hours' -> (accept_hours, 24)."""
    claims = []
    lowered = (text or "").lower()
    for clause in re.split(r"[;.]\s", lowered):
        hours = first_stated(clause, "hours", "en")
        if hours is None:
            continue
        for field, pattern in HOUR_FIELDS:
            if re.search(pattern, clause):
                claims.append((field, hours))
                break
    return claims
