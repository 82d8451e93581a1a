"""Run with the peers' interpreter: `python -m peersite.prepare prepare` migrates the
peers' database, makes a staff account with an API token and one queue, and prints them as
JSON; `python -m peersite.prepare count` prints how many tickets and notes exist."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from peersite.bare.models import Note  # noqa: E402


def prepare() -> dict:
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "email": "bench@example.invalid"}
    )
    token, _ = Token.objects.get_or_create(user=user)
    queue, _ = Queue.objects.get_or_create(
        slug="intake", defaults={"title": "Intake", "email_address": "desk@example.invalid"}
    )
    return {"token": token.key, "queue": queue.pk, **count()}


def count() -> dict:
    return {"tickets": Ticket.objects.count(), "notes": Note.objects.count()}


if __name__ == "__main__":
    print(json.dumps(prepare() if sys.argv[1:] == ["prepare"] else count()))
