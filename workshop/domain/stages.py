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

# Typical minutes per stage, shown on each stage screen.
MINUTES = {
    "lobby": 5,
    "funnel": 20,
    "journey": 30,
    "goals": 15,
    "targets": 25,
    "definitions": 30,
    "process": 30,
    "kpis": 20,
    "governance": 15,
    "review": 15,
    "signoff": 10,
}

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
    "governance": ("governance", "escalation"),
    "review": (),
    "signoff": (),
}

SECTIONS = tuple(s for stage in STAGES for s in SECTIONS_BY_STAGE[stage])


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
