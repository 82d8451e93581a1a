from jiaoliuba.dashboards.models.facts import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    CALENDAR_UNITS,
    COUNTERS,
    MEDIATION_COUNTERS,
    RESPONSE_BAND_BOUNDS,
    AppealFact,
    MediationFact,
    ProjectionState,
    Rollup,
)
from jiaoliuba.dashboards.models.ranking import RankingWeight

__all__ = [
    "APPEAL_COUNTERS",
    "BAND_COUNTERS",
    "CALENDAR_UNITS",
    "COUNTERS",
    "MEDIATION_COUNTERS",
    "RESPONSE_BAND_BOUNDS",
    "AppealFact",
    "MediationFact",
    "ProjectionState",
    "RankingWeight",
    "Rollup",
]
