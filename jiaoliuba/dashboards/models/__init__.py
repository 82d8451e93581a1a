from jiaoliuba.dashboards.models.facts import (
    APPEAL_COUNTERS,
    BAND_COUNTERS,
    CALENDAR_UNITS,
    COUNTERS,
    MEDIATION_COUNTERS,
    MONTH_LEVELS,
    RESPONSE_BAND_BOUNDS,
    AppealFact,
    MediationFact,
    MonthRollup,
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
    "MONTH_LEVELS",
    "RESPONSE_BAND_BOUNDS",
    "AppealFact",
    "MediationFact",
    "MonthRollup",
    "ProjectionState",
    "RankingWeight",
    "Rollup",
]
