from django import template

from jiaoliuba.dashboards.choices import KPI_BY_KEY
from jiaoliuba.dashboards.presenters import fmt

register = template.Library()


@register.filter
def shown(figure) -> str:
    """A figure formatted for its unit; "—" when there is none."""
    return fmt(figure.value, KPI_BY_KEY[figure.key].unit)


@register.filter
def score(value) -> str:
    return "—" if value is None else f"{value:.1f}"
