"""The figures the dashboards show, and how each is read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
    CUSTOM = "custom", _("Custom")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    RATE = "rate", _("rate")
    HOURS = "hours", _("hours")


@dataclass(frozen=True)
class KpiSpec:
    key: str
    label: Promise
    unit: str
    # True when a larger value is better; the ranking turns the others around.
    higher_is_better: bool
    definition: Promise


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec(
        "received",
        _("Appeals received"),
        Unit.COUNT,
        True,
        _("All appeals received in the period, including those rejected as invalid or merged."),
    ),
    KpiSpec(
        "participation_rate",
        _("Participation rate"),
        Unit.RATE,
        True,
        _(
            "Distinct residents with at least one act of participation in the period ÷ "
            "residents registered in scope."
        ),
    ),
    KpiSpec(
        "response_hours_mean",
        _("Mean response time"),
        Unit.HOURS,
        False,
        _("Mean of (first response − received) over appeals with a first response."),
    ),
    KpiSpec(
        "response_hours_median",
        _("Median response time"),
        Unit.HOURS,
        False,
        _("Median of (first response − received) over appeals with a first response."),
    ),
    KpiSpec(
        "response_rate",
        _("Response rate"),
        Unit.RATE,
        True,
        _(
            "Appeals first answered by the response deadline ÷ appeals whose response "
            "deadline has passed or that were answered."
        ),
    ),
    KpiSpec(
        "on_time_rate",
        _("On-time resolution rate"),
        Unit.RATE,
        True,
        _(
            "Appeals resolved by their original deadline ÷ appeals that are resolved or "
            "past their original deadline (extensions do not move it)."
        ),
    ),
    KpiSpec(
        "resolution_rate",
        _("Resolution rate"),
        Unit.RATE,
        True,
        _("Appeals resolved ÷ appeals received (not counting invalid or merged ones)."),
    ),
    KpiSpec(
        "mediation_success_rate",
        _("Mediation success rate"),
        Unit.RATE,
        True,
        _("Mediations concluded with an agreement ÷ mediations concluded in the period."),
    ),
    KpiSpec(
        "satisfaction_rate",
        _("Satisfaction rate"),
        Unit.RATE,
        True,
        _("Latest ratings 'satisfied' or 'basically satisfied' ÷ all latest ratings."),
    ),
    KpiSpec(
        "solved_rate",
        _("Problem-solved rate"),
        Unit.RATE,
        True,
        _("Latest ratings where the resident says the problem was solved ÷ all latest ratings."),
    ),
    KpiSpec(
        "service_precision",
        _("Service precision"),
        Unit.RATE,
        True,
        _("Attended bookings ÷ capacity offered, over service sessions held."),
    ),
    KpiSpec(
        "repeat_rate",
        _("Repeat appeal rate"),
        Unit.RATE,
        False,
        _(
            "Appeals marked repeat (same person and matter within 30 days, or reopened) ÷ "
            "appeals received."
        ),
    ),
    KpiSpec(
        "extension_rate",
        _("Extension rate"),
        Unit.RATE,
        False,
        _("Appeals with an approved extension ÷ appeals dispatched."),
    ),
    KpiSpec(
        "return_rate",
        _("Return rate"),
        Unit.RATE,
        False,
        _("Appeals returned by a handler at least once ÷ appeals dispatched."),
    ),
    KpiSpec(
        "venue_visits",
        _("Venue visits"),
        Unit.COUNT,
        True,
        _("Visits recorded at the physical Jiaoliuba venues."),
    ),
)
KPI_BY_KEY = {spec.key: spec for spec in KPIS}
RATE_KEYS = tuple(spec.key for spec in KPIS if spec.unit == Unit.RATE)
# The seed's before/after table, in its order.
SEED_TABLE_KEYS = (
    "participation_rate",
    "response_hours_mean",
    "mediation_success_rate",
    "satisfaction_rate",
    "service_precision",
    "repeat_rate",
)
