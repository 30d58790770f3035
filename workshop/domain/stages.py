"""The agenda: stage ids, order and typical durations."""

STAGES = (
    "lobby",
    "funnel",
    "journey",
    "goals",
    "targets",
    "definitions",
    "process",
    "kpis",
    "governance",
    "review",
    "signoff",
)

# Typical minutes per stage, shown on each stage screen: with the fast vote list and a
# consent round the full draft fits a half-day, breaks included (agenda() below: 4 hours).
MINUTES = {
    "lobby": 5,
    "funnel": 20,
    "journey": 25,
    "goals": 15,
    "targets": 25,
    "definitions": 25,
    "process": 25,
    "kpis": 20,
    "governance": 15,
    "review": 15,
    "signoff": 10,
}
HALF_DAY_MINUTES = 240
MAX_STAGE_MINUTES = 240
BREAK_MINUTES = 15
WORK_BEFORE_BREAK = 80  # minutes of work after which the agenda puts a break

# Which item sections are worked on in which stage.
SECTIONS_BY_STAGE = {
    "lobby": (),
    "funnel": ("funnel",),
    "journey": ("journey",),
    "goals": ("goals",),
    "targets": ("targets",),
    "definitions": ("mql", "sql", "disqualification", "opportunity"),
    "process": ("process",),
    "kpis": ("kpis",),
    "governance": ("escalation", "governance"),
    "review": (),
    "signoff": (),
}

# Every section in agenda order, which is the document's order too (the ladder before governance).
SECTIONS = tuple(s for stage in STAGES for s in SECTIONS_BY_STAGE[stage])
# The stages after the work on the sections: there the page shows the draft document.
DOCUMENT_STAGES = STAGES[max(i for i, s in enumerate(STAGES) if SECTIONS_BY_STAGE[s]) + 1 :]


def stage_index(stage: str) -> int:
    return STAGES.index(stage)


def progress(stage: str) -> float:
    """Share of the agenda done when the group is at this stage, 0.0 to 1.0."""
    return stage_index(stage) / (len(STAGES) - 1)


def stage_of_section(section: str) -> str:
    for stage, sections in SECTIONS_BY_STAGE.items():
        if section in sections:
            return stage
    raise KeyError(section)


def planned_minutes(plan):
    """Minutes per stage: the facilitator's plan ({stage: minutes}) over the defaults."""
    plan = plan or {}
    return {stage: int(plan.get(stage, MINUTES[stage])) for stage in STAGES}


def agenda(plan=None):
    """The half-day from the plan: [{"kind": "stage"|"break", "stage"?, "start", "minutes"}],
    start in minutes from the beginning. A break follows the stage with which the work since
    the last break reaches WORK_BEFORE_BREAK minutes, unless only sign-off is left."""
    minutes = planned_minutes(plan)
    rows, start, since_break = [], 0, 0
    for i, stage in enumerate(STAGES):
        rows.append({"kind": "stage", "stage": stage, "start": start, "minutes": minutes[stage]})
        start += minutes[stage]
        since_break += minutes[stage]
        rest = sum(minutes[s] for s in STAGES[i + 1 :])
        if since_break >= WORK_BEFORE_BREAK and rest > minutes["signoff"]:
            rows.append({"kind": "break", "start": start, "minutes": BREAK_MINUTES})
            start += BREAK_MINUTES
            since_break = 0
    return rows


def agenda_total(plan=None):
    """The whole workshop in minutes, breaks included."""
    rows = agenda(plan)
    return rows[-1]["start"] + rows[-1]["minutes"] if rows else 0


def planned_until(plan, stage, minutes_in_stage):
    """Minutes the agenda has planned by the time the group is `minutes_in_stage` into
    `stage`: the stages and breaks before it, and at most the stage's own plan."""
    for row in agenda(plan):
        if row["kind"] == "stage" and row["stage"] == stage:
            return row["start"] + min(minutes_in_stage, row["minutes"])
    return 0
