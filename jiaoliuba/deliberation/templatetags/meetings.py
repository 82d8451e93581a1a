"""{{ resolution|outcome_rating }}: the residents' rating of a closed resolution (满意率,
解决率, number of ratings) for the topic page, as the resolution page shows it."""

from __future__ import annotations

from typing import Any

from django import template

from jiaoliuba.deliberation.meetings.resolutions import rating_summary
from jiaoliuba.deliberation.models import Resolution

register = template.Library()


@register.filter
def outcome_rating(resolution: Resolution) -> dict[str, Any]:
    return rating_summary(resolution)
