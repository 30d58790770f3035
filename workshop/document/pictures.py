"""The diagrams of one workshop, from its items, in the recipient's language."""

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from .. import store
from ..domain import consent
from . import diagrams


def funnel_for(db, workshop, only_agreed=False):
    stages = [
        {
            "name": item["text"],
            "volume": item["details"].get("volume"),
            "conversion": item["details"].get("conversion"),
            "status": item["status"],
        }
        for item in store.items(db, workshop["id"])
        if item["section"] == "funnel" and _tier(item, only_agreed)
    ]
    return diagrams.funnel_svg(
        stages,
        title=_("Funnel diagram"),
        volume_label=_("per month"),
        number=volume_text,
        percent=percent_text,
    )


# The document's own number styles (format.py): one number format per language, under the
# locale the caller forces (the workshop's for the PDF, the reader's for the page).
def volume_text(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_decimal(value, "#,##0" if float(value).is_integer() else "#,##0.##")


def percent_text(value):
    """A conversion in percent (40 or 12.5) as the locale writes it: 40%, 12,5%."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return format_percent(value / 100, "#,##0.#%")


def journey_for(db, workshop, only_agreed=False, per_row=None):
    items = [i for i in store.items(db, workshop["id"]) if i["section"] == "journey"]
    dots = {}
    for dot in store.dots(db, workshop["id"]):
        dots[dot["item_id"]] = dots.get(dot["item_id"], 0) + dot["count"]
    phases = [
        {
            "name": i["text"],
            **{k: i["details"].get(k, "") for k in ("prospect", "marketing", "sales")},
        }
        for i in items
        if i["details"].get("kind") == "phase" and _shown(i, only_agreed)
    ]
    moments = [
        {
            "name": i["text"],
            "kind": i["details"].get("kind"),
            "phase": i["details"].get("phase"),
            "dots": dots.get(i["id"], 0),
            "status": i["status"],
        }
        for i in items
        if i["details"].get("kind") != "phase" and _shown(i, only_agreed)
    ]
    labels = {
        "prospect": _("Prospect"),
        "marketing": _("Marketing"),
        "sales": _("Sales"),
        "moment": _("Moment of truth"),
        "gap": _("Gap"),
    }
    return diagrams.journey_svg(
        phases, moments, title=_("Journey map"), labels=labels, per_row=per_row
    )


def vote_bars_for(db, workshop, item_id):
    rows = list(
        db.query(
            "SELECT status, revealed_at FROM items WHERE id = ? AND workshop_id = ?",
            [item_id, workshop["id"]],
        )
    )
    if not rows or rows[0]["revealed_at"] is None:
        return None
    choices = [
        r["choice"] for r in db.query("SELECT choice FROM votes WHERE item_id = ?", [item_id])
    ]
    labels = {
        "agree": _("Agree"),
        "abstain": _("Abstain"),
        "disagree": _("Disagree"),
        "block": _("Block"),
    }
    return diagrams.vote_bars_svg(consent.tally(choices), labels)


def _tier(item, only_agreed):
    """Which funnel stages are tiers of the picture: the draft's stages unless rejected, and a
    delegate's new stage only once it is agreed (open or revealed it is a proposal, shown on
    its card). The document's picture draws agreed stages only. The arrows are worked out
    from the tiers drawn, so each sits between two of them (diagrams.funnel_svg)."""
    if only_agreed or not item["from_draft"]:
        return item["status"] == "agreed"
    return item["status"] != "rejected"


def _shown(item, only_agreed):
    return item["status"] == "agreed" if only_agreed else item["status"] != "rejected"
