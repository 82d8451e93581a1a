"""Helpers shared by the deliberation services: events, notifications, the row lock,
compare-and-set, input checks (length, sensitive words), rate limits and the
participation acts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiaoliuba.core import clock, ratelimit
from jiaoliuba.core.errors import Conflict, RateLimited, ValidationFailed, lazy_format
from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.models import (
    ParticipationAct,
    SensitiveWord,
    Topic,
    TopicEvent,
    TopicFollow,
)
from jiaoliuba.notifications.services import notify


def _event(
    topic: Topic,
    kind: str,
    *,
    actor: Any = None,
    from_stage: str = "",
    to_stage: str = "",
    message: str = "",
    data: dict | None = None,
) -> TopicEvent:
    return TopicEvent.objects.create(
        topic=topic,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_stage=from_stage,
        to_stage=to_stage,
        message=message,
        data=data or {},
        created_at=clock.now(),
    )


def _text(message: Any, **params: Any) -> str:
    """Our own lazy templates are filled in the site's language; anything a person typed
    is data and never used as a format string."""
    if not isinstance(message, Promise):
        return str(message)
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


# What leaves the inbox, as in the appeal loop: a stage change, an official answer and
# a hidden comment matter enough for SMS and e-mail; a reply goes by e-mail only. Each
# person's ChannelPreference is applied by notify.
CHANNELS = {
    "stage": ("sms", "email"),
    "answer": ("sms", "email"),
    "hidden": ("sms", "email"),
    "reply": ("email",),
}


def _notify(
    users: Iterable[Any], kind: str, title: Any, body: Any, topic: Topic, *, skip: Any = None
) -> None:
    """Inbox rows in the caller's transaction; deliveries by the kind's channels leave on
    commit (notify)."""
    skip_pk = getattr(skip, "pk", None)
    recipients = {
        u.pk: u for u in users if u is not None and getattr(u, "pk", None) and u.pk != skip_pk
    }
    if not recipients:
        return
    notify(
        recipients=list(recipients.values()),
        kind=f"deliberation.{kind}",
        title=_text(title, title=topic.title),
        body=_text(body, title=topic.title),
        link=f"/deliberation/{topic.pk}/",
        channels=CHANNELS.get(kind, ()),
        payload={"topic": topic.pk, "stage": topic.stage},
    )


def _followers(topic: Topic) -> list[Any]:
    people = [f.user for f in TopicFollow.objects.filter(topic=topic).select_related("user")]
    if topic.proposer is not None:
        people.append(topic.proposer)
    return people


def _follow(topic: Topic, user: Any) -> None:
    if getattr(user, "pk", None) is None:
        return
    TopicFollow.objects.bulk_create(
        [TopicFollow(topic=topic, user=user, created_at=clock.now())], ignore_conflicts=True
    )


def _locked(topic: Topic) -> Topic:
    return (
        Topic.objects.select_for_update(of=("self",))
        .select_related("scope", "proposer")
        .get(pk=topic.pk)
    )


def _move(fresh: Topic, old_stage: str, fields: Iterable[str] = ()) -> None:
    """Compare-and-set: write the stage (and `fields`) only if it is still `old_stage`."""
    fresh.updated_at = clock.now()
    names = set(fields) | {"stage", "updated_at"}
    updated = Topic.objects.filter(pk=fresh.pk, stage=old_stage).update(
        **{n: getattr(fresh, n) for n in names}
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this topic a moment ago. Please reload."), code="stale_topic"
        )


def _require_text(value: str, message: Any, *, code: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=code)
    if len(value) > max_length:
        raise ValidationFailed(
            lazy_format(_("The text is longer than %(n)s characters."), {"n": max_length}),
            code="text_too_long",
        )
    return value


def _normalised(text: str) -> str:
    # Spaces and punctuation put between the characters of a word do not hide it.
    return re.sub(r"[\s\W_]+", "", text).casefold()


def check_words(*texts: str) -> None:
    """Refuse text containing an active sensitive word, naming it so the writer can
    change it; nothing is saved."""
    words = list(SensitiveWord.objects.filter(active=True).values_list("word", flat=True))
    if not words:
        return
    joined = _normalised(" ".join(texts))
    for word in words:
        needle = _normalised(word)
        if needle and needle in joined:
            raise ValidationFailed(
                lazy_format(
                    _(
                        "Please rephrase: “%(word)s” is on the community's list of words "
                        "that may not be used."
                    ),
                    {"word": word},
                ),
                code="sensitive_word",
                extra={"word": word},
            )


def limit(kind: str, user: Any, *, per: int, window_seconds: int) -> None:
    """Count one attempt of `kind` by `user` (outside the caller's transaction, so a
    refused write still counts) and refuse beyond `per` in the window."""
    if not ratelimit.hit(
        f"delib:{kind}:{getattr(user, 'pk', 0)}", limit=per, window_seconds=window_seconds
    ):
        raise RateLimited(
            _("You have written a lot in a short time. Please wait a while and try again."),
            code="rate_limited",
        )


def _act(user: Any, kind: str, topic: Topic) -> None:
    """A participation act (参与率) of a registered resident, once per person, kind,
    topic and day. Staff acting as staff are not residents taking part."""
    home = policies.home_path(user)
    if not home:
        return
    try:
        with transaction.atomic():
            ParticipationAct.objects.create(
                user=user,
                resident_path=home,
                day=clock.local_now().date(),
                kind=kind,
                topic=topic,
            )
    except IntegrityError:
        pass  # already counted today
