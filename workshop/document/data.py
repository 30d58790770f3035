"""The agreed content of one workshop as plain data: what the SLA document is built from."""

from .. import store
from ..state import shared_state, targets_state
from . import pictures


def sla_data(db, workshop_id):
    """Plain data (no database objects) for the document: only decided items count."""
    workshop = store.workshop_by_id(db, workshop_id)
    state, _ = shared_state(db, workshop_id)
    members = {m["id"]: m for m in store.members(db, workshop_id)}
    items = []
    for item in state["items"]:
        if item["status"] not in ("agreed", "rejected"):
            continue
        items.append(
            {
                **{
                    k: item[k]
                    for k in (
                        "id",
                        "section",
                        "text",
                        "details",
                        "status",
                        "position",
                        "tally",
                        "consensus",
                        "decision_reason",
                    )
                },
                "proposed_by": members[item["created_by"]]["name"] if item["created_by"] else None,
            }
        )
    return {
        "workshop": {
            "code": workshop["code"],
            "title": workshop["title"],
            "organisation": workshop["organisation"],
            "language": workshop["language"],
            "created_at": workshop["created_at"],
        },
        "facilitator": state["facilitator"]["name"],
        "participants": [
            {"id": p["id"], "name": p["name"], "department": p["department"]}
            for p in state["participants"]
        ],
        "agreed": [i for i in items if i["status"] == "agreed"],
        "rejected": [i for i in items if i["status"] == "rejected"],
        "fields": state["fields"],
        # The document's reverse funnel uses the agreed funnel stages only.
        "targets": targets_state(
            state["fields"],
            [i for i in state["items"] if i["section"] == "funnel" and i["status"] == "agreed"],
        ),
        "signoff": state["signoff"],
        "pictures": {
            "funnel": pictures.funnel_for(db, workshop, only_agreed=True),
            "journey": pictures.journey_for(db, workshop, only_agreed=True),
        },
    }
