"""Rollups of the appeal loop, kept up to date from AppealEvent (see projection.py).

A *fact* is one source object's contribution to the figures: an appeal counts on the day
it was received, a mediation on the day it concluded. A *rollup* row is the sum of the
facts of one region node (every level from city to grid), one day and one category, so a
whole-city month is about 180 rows however many appeals there are."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiaoliuba.regions.choices import PATH_MAX

# Counter columns shared by facts and rollups; facts.py computes them, rollups sum them.
APPEAL_COUNTERS = (
    "received",
    "valid",
    "red",
    "yellow",
    "blue",
    "anonymous",
    "dispatched",
    "extended",
    "returned",
    "escalated",
    "responded",
    "response_seconds",
    "response_on_time",
    "response_late",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "rated",
    "rated_satisfied",
    "rated_basic",
    "rated_unsatisfied",
    "rated_solved",
    "repeat",
    "reopened",
)
MEDIATION_COUNTERS = ("mediations_concluded", "mediations_agreed")

# Response times in bands (upper bounds in hours; the last is open). The rollups count
# appeals per band, so the exact median is found by reading the one band that holds it
# (selectors.median_response_seconds) instead of sorting every response of the period.
RESPONSE_BANDS_HOURS = (
    *(0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 24),
    *(27, 30, 33, 36, 42, 48, 60, 72, 96, 120, 168, 240, 336),
)
RESPONSE_BAND_BOUNDS = tuple(int(h * 3600) for h in RESPONSE_BANDS_HOURS)
BAND_COUNTERS = tuple(f"rt_{i:02d}" for i in range(len(RESPONSE_BAND_BOUNDS) + 1))

COUNTERS = APPEAL_COUNTERS + MEDIATION_COUNTERS + BAND_COUNTERS

# Calendar periods with a precomputed "first act" flag on each fact (see AppealFact).
CALENDAR_UNITS = ("week", "month", "quarter", "year")


class _Keyed(models.Model):
    path = models.CharField(max_length=PATH_MAX)
    day = models.DateField()
    category = models.CharField(max_length=32)

    class Meta:
        abstract = True


def _add_counters(model: type[models.Model], names: tuple[str, ...]) -> None:
    """One integer column per counter on an abstract model, so facts and rollups cannot
    drift apart in their columns (subclasses copy them when they are declared)."""
    for counter in names:
        kind = models.BigIntegerField if counter == "response_seconds" else models.IntegerField
        model.add_to_class(counter, kind(default=0))


class AppealFactBase(_Keyed):
    class Meta:
        abstract = True


_add_counters(AppealFactBase, APPEAL_COUNTERS)


class AppealFact(AppealFactBase):
    """The appeal as the figures see it. Also holds what the time-dependent parts need:
    the deadlines (an open appeal becomes late while nobody touches it) and the exact
    response time for the median."""

    appeal = models.OneToOneField(
        "appeals.Appeal", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # No index of its own: fact_submitter_chain (submitter, day, appeal) leads with it and
    # serves every look-up by submitter (chains, participation, a user's deletion).
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Where the submitter is registered: participation counts residents of the scope.
    submitter_path = models.CharField(max_length=PATH_MAX, blank=True, default="")
    response_due_at = models.DateTimeField()
    resolution_due_original_at = models.DateTimeField()
    response_time = models.BigIntegerField(null=True, help_text="seconds")
    # 1 when the appeal is an act of participation by its submitter: any appeal with a
    # submitter except one rejected as invalid (merged ones and "+1" joins count).
    participates = models.SmallIntegerField(default=0)
    # The day of the same submitter's previous participating appeal (null for their first). A
    # resident took part in [start, end] exactly once as "an act in the range whose
    # previous act is before start", so distinct participants are a plain count.
    submitter_prev_day = models.DateField(null=True)
    # Whether this is the submitter's first participating appeal of its calendar week, month,
    # quarter and year: participants of such a period are a count over a small partial
    # index that holds every column the count reads. Null for an appeal that is not an
    # act of participation.
    first_in_week = models.BooleanField(null=True)
    first_in_month = models.BooleanField(null=True)
    first_in_quarter = models.BooleanField(null=True)
    first_in_year = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["day", "submitter_path", "submitter_prev_day"],
                name="fact_participants",
                condition=Q(participates=1),
            ),
            *(
                models.Index(
                    fields=["day", "submitter_path", f"first_in_{unit}"],
                    name=f"fact_first_in_{unit}",
                    condition=Q(**{f"first_in_{unit}": True}),
                )
                for unit in CALENDAR_UNITS
            ),
            models.Index(fields=["submitter", "day", "appeal"], name="fact_submitter_chain"),
            # Response time first: the median reads one band of it (see RESPONSE_BANDS).
            models.Index(
                fields=["response_time", "day", "path"],
                name="fact_response_band",
                condition=Q(response_time__isnull=False),
            ),
            # Open appeals only: the live "late while open" counts read these small indexes.
            models.Index(
                fields=["day", "path", "resolution_due_original_at"],
                name="fact_open_resolution",
                condition=Q(valid=1, resolved=0),
            ),
            models.Index(
                fields=["day", "path", "response_due_at"],
                name="fact_open_response",
                condition=Q(valid=1, responded=0),
            ),
        ]

    def __str__(self) -> str:
        return f"fact of appeal {self.appeal_id}"


class MediationFactBase(_Keyed):
    class Meta:
        abstract = True


_add_counters(MediationFactBase, MEDIATION_COUNTERS)


class MediationFact(MediationFactBase):
    mediation = models.OneToOneField(
        "appeals.Mediation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"fact of mediation {self.mediation_id}"


class RollupBase(_Keyed):
    class Meta:
        abstract = True


_add_counters(RollupBase, COUNTERS)


class Rollup(RollupBase):
    """Σ facts per (region node, day, category), for every node on the fact's path."""

    level = models.PositiveSmallIntegerField(help_text="1 = city … 5 = grid")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "day", "category"], name="rollup_key")
        ]
        indexes = [models.Index(fields=["level", "path", "day"], name="rollup_children")]

    def __str__(self) -> str:
        return f"{self.path}@{self.day}/{self.category}"


# Levels with month rows: city to community (1–4). A grid's year is a few hundred day
# rows, and no page groups more than one community's grids, while grid rows would be a
# third of the month rows every new appeal moves.
MONTH_LEVELS = 4


class MonthRollup(RollupBase):
    """Σ facts per (region node down to the community, calendar month, category): `day`
    is the first of the month. The selectors read the whole months of a period here (one
    row instead of ~30) and only the ragged edges from Rollup; the projection and the
    rebuild keep it equal to the sum of the day rows (tests hold the two grains and a
    rebuild to the same rows)."""

    level = models.PositiveSmallIntegerField(help_text="1 = city … 5 = grid")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "day", "category"], name="month_rollup_key")
        ]
        indexes = [models.Index(fields=["level", "path", "day"], name="month_rollup_children")]

    def __str__(self) -> str:
        return f"{self.path}@{self.day:%Y-%m}/{self.category}"


class ProjectionState(models.Model):
    """How far the rollups have read AppealEvent. `seen_id` is the newest event applied;
    every event up to `safe_id` is known to be applied (see projection.catch_up)."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    seen_id = models.BigIntegerField(_("newest event applied"), default=0)
    safe_id = models.BigIntegerField(_("all events applied up to"), default=0)
    # The newest event id seen by a periodic pass, and when: once that moment is older
    # than the longest transaction, every event up to it has committed (see projection).
    checkpoint_id = models.BigIntegerField(_("checkpoint event"), default=0)
    checkpoint_at = models.DateTimeField(_("checkpoint at"), null=True, blank=True)
    rebuilt_at = models.DateTimeField(_("rebuilt at"), null=True, blank=True)
    # When the last catch-up began reading: every event committed before it is in the
    # rollups. Dashboards show it as "data as of", since reads no longer catch up.
    as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("projection state")
        verbose_name_plural = _("projection states")

    def __str__(self) -> str:
        return f"{self.name}@{self.seen_id}"
