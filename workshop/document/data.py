"""The document's data: plain, JSON-safe, everything the SLA text is a pure function of.

`live_data` reads the workshop as it stands (a draft, or what `finalize` freezes);
`document_for` gives a finalized or signed workshop's stored version instead, with the
signatures beside it. Who happens to be online never counts.
"""

from flask_babel import force_locale

from .. import store
from ..domain import figures as figure_rules
from ..domain import readiness
from ..state import shared_state, targets_state
from . import pictures, versions

ITEM_KEYS = (
    "id", "section", "text", "details", "status", "position", "tally", "consensus",
    "decision_reason",
)  # fmt: skip


def live_data(db, workshop, with_pictures=True):
    """The document as the workshop stands now (pictures in the workshop's language)."""
    state, _ = shared_state(db, workshop["id"])
    data = build(state, store.members(db, workshop["id"]), workshop)
    amendment = versions.amendment(db, workshop, data)
    if amendment is not None:
        # Amending a signed version: the text lists what changed since it.
        data["amendment"] = amendment
    if with_pictures:
        with force_locale(workshop["language"]):
            data["pictures"] = {
                "funnel": pictures.funnel_for(db, workshop, only_agreed=True),
                "journey": pictures.journey_for(db, workshop, only_agreed=True),
            }
    return data


def build(state, members, workshop):
    """Pure: the document data from a state snapshot and the member rows."""
    names = {m["id"]: m["name"] for m in members}
    titles = {m["id"]: m["job_title"] for m in members}
    items = [
        {**{k: item[k] for k in ITEM_KEYS}, "proposed_by": names.get(item["created_by"])}
        for item in state["items"]
    ]
    for item in items:
        # Decided without a single vote: say so, rather than "no consent".
        if item["tally"] is not None and not any(item["tally"].values()):
            item["consensus"] = "not_voted"
    agreed = [i for i in items if i["status"] == "agreed"]
    funnel_agreed = [i for i in agreed if i["section"] == "funnel"]
    # The document's reverse funnel uses the agreed funnel stages only.
    targets = targets_state(state["fields"], funnel_agreed)
    stages = [
        {"name": i["text"], "conversion": i["details"].get("conversion")} for i in funnel_agreed
    ]
    figures = figure_rules.computed_figures(
        stages, state["fields"], targets["reverse_funnel"], targets["monthly_revenue"]
    )
    data = {
        "workshop": {
            "code": workshop["code"],
            "title": workshop["title"],
            "organisation": workshop["organisation"],
            "language": workshop["language"],
            "created_at": workshop["created_at"],
            "time_zone": workshop["time_zone"],
        },
        "facilitator": state["facilitator"]["name"],
        "participants": [
            {
                "id": p["id"],
                "name": p["name"],
                "department": p["department"],
                "job_title": titles.get(p["id"]) or "",
            }
            for p in state["participants"]
        ],
        "agreed": agreed,
        "rejected": [i for i in items if i["status"] == "rejected"],
        "undecided": [i for i in items if i["status"] in ("open", "revealed")],
        "fields": state["fields"],
        "targets": targets,
        "figures": figures,
        "kpi_targets": {
            str(k): v for k, v in readiness.linked_kpi_targets(agreed, figures).items()
        },
        "balance": state["balance"],
        "signoff": {
            "version": state["signoff"]["version"],
            "finalized_at": state["signoff"]["finalized_at"],
        },
    }
    data["open_points"] = readiness.open_points(
        {**data, "items": items, "language": workshop["language"]}
    )
    return data


def document_for(db, workshop):
    """What every export of this workshop shows: the stored version once finalized (with its
    Markdown), else the live draft; the sign-off status and signatures beside it."""
    version = versions.current(db, workshop)
    if version is not None:
        return stored_document(db, workshop, version)
    data = live_data(db, workshop)
    state_signoff = _signoff(db, workshop, data)
    data["signoff"] = {**data.get("signoff", {}), **state_signoff}
    return data


def stored_document(db, workshop, version):
    """A stored version's document (any version, signed, awaiting signatures or reopened):
    its frozen data and Markdown, with that version's status and signatures beside it."""
    data = dict(version["data"])
    data["canonical"] = version["markdown"]
    status = version["status"]
    if version["version"] == workshop["signoff_version"]:
        status = workshop["signoff_status"]
    state_signoff = _signoff(db, workshop, data, version["version"], status,
                             version["document_hash"])  # fmt: skip
    data["signoff"] = {**data.get("signoff", {}), **state_signoff}
    return data


def _signoff(db, workshop, data, version=None, status=None, digest=None):
    """Outside the signed text: status, hash, who signed when, who left without signing."""
    version = version or workshop["signoff_version"]
    rows = versions.signatures(db, workshop["id"], version)
    removed = {m["id"] for m in store.members(db, workshop["id"]) if m["removed"]}
    return {
        "status": status or workshop["signoff_status"],
        "version": version,
        "document_hash": digest or workshop["document_hash"],
        "signatures": [
            {k: r[k] for k in ("participant_id", "name", "department", "job_title", "signed_at")}
            for r in rows
            if not r["voided"]
        ],
        "left": sorted(p["id"] for p in data.get("participants") or [] if p["id"] in removed),
    }
