from jiaoliuba.dashboards.models.facts import (
    APPEAL_COUNTERS,
    COUNTERS,
    MEDIATION_COUNTERS,
    AppealFact,
    MediationFact,
    ProjectionState,
    Rollup,
)
from jiaoliuba.dashboards.models.ranking import RankingWeight

__all__ = [
    "APPEAL_COUNTERS",
    "COUNTERS",
    "MEDIATION_COUNTERS",
    "AppealFact",
    "MediationFact",
    "ProjectionState",
    "RankingWeight",
    "Rollup",
]
