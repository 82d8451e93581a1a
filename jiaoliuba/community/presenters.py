"""Community objects as the API shows them (plain dicts; names of people as shown on
the public page: a resident's surname initial only, staff by name)."""

from __future__ import annotations

from typing import Any

from jiaoliuba.community.models import Idea, Notice, NoticeReply, Story, Wish


def _shown(user: Any) -> str:
    name = getattr(user, "display_name", "") or ""
    return f"{name[:1]}*" if name else ""


def notice_dict(
    notice: Notice, *, read_at: Any = None, counts: dict[str, int] | None = None
) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "channel": notice.channel.region.name,
        "kind": notice.kind,
        "kind_label": str(notice.get_kind_display()),
        "title": notice.title,
        "body": notice.body,
        "scope": notice.scope,
        "building": notice.building,
        "status": notice.status,
        "published_at": notice.published_at,
        "read_at": read_at,
        "counts": counts,
    }


def reply_dict(reply: NoticeReply) -> dict[str, Any]:
    hidden = reply.status == "hidden"
    return {
        "id": reply.pk,
        "parent_id": reply.parent_id,
        "author": (reply.author.display_name if reply.official else _shown(reply.author))
        if reply.author
        else "",
        "official": reply.official,
        "body": "" if hidden else reply.body,
        "hidden_reason": reply.hidden_reason if hidden else "",
        "status": reply.status,
        "created_at": reply.created_at,
    }


def wish_dict(wish: Wish) -> dict[str, Any]:
    return {
        "id": wish.pk,
        "title": wish.title,
        "body": wish.body,
        "status": wish.status,
        "status_label": str(wish.get_status_display()),
        "claimed_by": wish.claimed_by.display_name if wish.claimed_by else "",
        "fulfilment": wish.fulfilment,
        "created_at": wish.created_at,
        "fulfilled_at": wish.fulfilled_at,
    }


def idea_dict(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "title": idea.title,
        "author": idea.author.display_name if idea.author and idea.consent_public else "",
        "status": idea.status,
        "effect": idea.effect,
        "decided_at": idea.decided_at,
        "consent_public": idea.consent_public,
    }


def story_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.pk,
        "title": story.title,
        "body": story.body,
        "status": story.status,
        "published_at": story.published_at,
        "media": [
            {"id": m.pk, "kind": m.kind, "url": f"/community/media/{m.pk}/"}
            for m in story.media.all()
        ],
        "url": f"/community/stories/{story.pk}/",
    }
