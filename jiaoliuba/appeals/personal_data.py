"""The person's appeals and ratings (contract: core/personal_data.py).

On erasure an appeal stays (it is a record of public administration and counts in every
figure) but loses its contact number; the account it points to has no name or number any
more (accounts/personal_data.py). Its text is kept as filed: it is the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from jiaoliuba.accounts.models import User
from jiaoliuba.appeals.models import Appeal, MediationParty, Rating
from jiaoliuba.core.personal_data import Retention, in_batches, section


def export(user: User) -> dict[str, dict[str, Any]]:
    return {
        "appeals": section(
            _("My appeals"),
            Appeal.objects.filter(submitter=user).order_by("received_at"),
            [
                "number",
                "content",
                "category",
                "priority",
                "status",
                "address",
                "contact_phone",
                "is_anonymous",
                "consent_public",
                "channel",
                "community__name",
                "received_at",
                "closed_at",
            ],
        ),
        "ratings": section(
            _("My ratings of appeals"),
            Rating.objects.filter(rater=user).order_by("created_at"),
            ["appeal__number", "level", "solved", "comment", "created_at"],
        ),
    }


def forget(user: User) -> int:
    return Appeal.objects.filter(submitter=user).update(contact_phone="")


def _closed_contacts(cutoff: dt.datetime) -> int:
    return in_batches(
        Appeal.objects.filter(closed_at__lt=cutoff),
        lambda keys: Appeal.objects.filter(pk__in=keys).update(contact_phone=""),
    )


def _mediation_contacts(cutoff: dt.datetime) -> int:
    return in_batches(
        MediationParty.objects.filter(mediation__concluded_at__lt=cutoff),
        lambda keys: MediationParty.objects.filter(pk__in=keys).update(phone=""),
    )


RETENTION = [
    Retention(
        kind="appeals.contact_numbers",
        days=730,
        purge=_closed_contacts,
        description=_("Contact numbers on appeals, two years after the appeal was closed"),
    ),
    Retention(
        kind="appeals.mediation_contacts",
        days=730,
        purge=_mediation_contacts,
        description=_("Numbers of the parties to a mediation, two years after it ended"),
    ),
]
