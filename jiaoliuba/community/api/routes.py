"""The community API under /api/v1/community/: thin, parse → service or selector →
presenter. Scoped like the pages; resident posts are rate limited by the services."""

from __future__ import annotations

from ninja import Router, Status

from jiaoliuba.accounts.types import ApiRequest
from jiaoliuba.community import presenters, selectors, services
from jiaoliuba.community.api.schemas import (
    CommunityOut,
    IdeaIn,
    IdeaOut,
    NoticeIn,
    NoticeOut,
    NoticeReplyIn,
    NoticeReplyOut,
    StoryOut,
    WishFulfilIn,
    WishIn,
    WishOut,
)

router = Router(tags=["community"])


def _notice_out(request: ApiRequest, notice) -> dict:
    receipt = selectors.my_receipt(user=request.auth, notice=notice)
    return presenters.notice_dict(
        notice,
        read_at=receipt.read_at if receipt else None,
        counts=selectors.receipt_counts(user=request.auth, notice=notice),
    )


@router.get("/notices/mine", response=list[NoticeOut])
def my_notices(request: ApiRequest, limit: int = 50):
    """Notices sent to the caller, newest first, with when they read each."""
    rows = selectors.my_notices(user=request.auth, limit=max(1, min(limit, 200)))
    return [presenters.notice_dict(r.notice, read_at=r.read_at) for r in rows]


@router.get("/notices/{notice_id}", response=NoticeOut)
def notice_get(request: ApiRequest, notice_id: int):
    """Reading a notice sent to the caller records the read receipt."""
    notice = selectors.access_notice(user=request.auth, notice_id=notice_id)
    services.notice_read(user=request.auth, notice=notice)
    return _notice_out(request, notice)


@router.get("/notices/{notice_id}/replies", response=list[NoticeReplyOut])
def reply_list(request: ApiRequest, notice_id: int):
    notice = selectors.access_notice(user=request.auth, notice_id=notice_id)
    out = []
    for r in selectors.replies_of(notice=notice):
        out.append(presenters.reply_dict(r))
        out += [presenters.reply_dict(c) for c in r.children.all()]
    return out


@router.post("/notices/{notice_id}/replies", response={201: NoticeReplyOut})
def reply_create(request: ApiRequest, notice_id: int, payload: NoticeReplyIn):
    notice = selectors.access_notice(user=request.auth, notice_id=notice_id)
    parent = (
        selectors.access_reply(user=request.auth, reply_id=payload.parent_id)
        if payload.parent_id
        else None
    )
    reply = services.reply_post(actor=request.auth, notice=notice, body=payload.body, parent=parent)
    return Status(201, presenters.reply_dict(reply))


@router.post("/channels/{region_id}/notices", response={201: NoticeOut})
def notice_create(request: ApiRequest, region_id: int, payload: NoticeIn):
    """Staff post a notice in the channel of a community or grid of their area (made on
    first use); `publish` sends it at once."""
    region = selectors.channel_region(region_id=region_id)
    grid = selectors.channel_region(region_id=payload.grid_id) if payload.grid_id else None
    channel = services.channel_ensure(region=region)
    notice = services.notice_create(
        actor=request.auth,
        channel=channel,
        kind=payload.kind,
        title_text=payload.title,
        body=payload.body,
        scope=payload.scope,
        grid=grid,
        building=payload.building,
    )
    if payload.publish:
        notice = services.notice_publish(actor=request.auth, notice=notice)
    fresh = selectors.access_notice(user=request.auth, notice_id=notice.pk)
    return Status(201, _notice_out(request, fresh))


@router.get("/{region_id}", response=CommunityOut)
def community_get(request: ApiRequest, region_id: int):
    """What the community page shows: grids and their workers, notices (community-wide
    and the caller's), the wish wall, the 金点子 board and published stories."""
    community = selectors.access_community(region_id=region_id)
    return {
        "id": community.pk,
        "name": community.name,
        "grids": [
            {"name": g["grid"].name, "workers": g["workers"]}
            for g in selectors.grids_with_workers(community=community)
        ],
        "notices": [
            presenters.notice_dict(n, read_at=n.my_read_at)  # type: ignore[attr-defined]
            for n in selectors.notices_on_page(user=request.auth, community=community)
        ],
        "wishes": [presenters.wish_dict(w) for w in selectors.wish_wall(community=community)],
        "ideas": [presenters.idea_dict(i) for i in selectors.idea_board(community=community)],
        "stories": [
            presenters.story_dict(s) for s in selectors.stories_published(community=community)
        ],
    }


@router.post("/{region_id}/wishes", response={201: WishOut})
def wish_create(request: ApiRequest, region_id: int, payload: WishIn):
    community = selectors.access_community(region_id=region_id)
    wish = services.wish_post(
        actor=request.auth, community=community, title_text=payload.title, body=payload.body
    )
    return Status(201, presenters.wish_dict(wish))


def _wish(request: ApiRequest, wish_id: int, fn, **kwargs) -> dict:
    wish = selectors.access_wish(user=request.auth, wish_id=wish_id)
    fn(actor=request.auth, wish=wish, **kwargs)
    return presenters.wish_dict(selectors.access_wish(user=request.auth, wish_id=wish_id))


@router.post("/wishes/{wish_id}/claim", response=WishOut)
def wish_claim(request: ApiRequest, wish_id: int):
    """A volunteer serving the community takes the wish on."""
    return _wish(request, wish_id, services.wish_claim)


@router.post("/wishes/{wish_id}/fulfil", response=WishOut)
def wish_fulfil(request: ApiRequest, wish_id: int, payload: WishFulfilIn):
    return _wish(request, wish_id, services.wish_fulfil, note=payload.note)


@router.post("/wishes/{wish_id}/withdraw", response=WishOut)
def wish_withdraw(request: ApiRequest, wish_id: int):
    return _wish(request, wish_id, services.wish_withdraw)


@router.post("/{region_id}/ideas", response={201: IdeaOut})
def idea_create(request: ApiRequest, region_id: int, payload: IdeaIn):
    community = selectors.access_community(region_id=region_id)
    idea = services.idea_submit(
        actor=request.auth,
        community=community,
        title_text=payload.title,
        body=payload.body,
        consent_public=payload.consent_public,
    )
    return Status(201, presenters.idea_dict(idea))


@router.get("/{region_id}/stories", response=list[StoryOut])
def story_list(request: ApiRequest, region_id: int):
    community = selectors.access_community(region_id=region_id)
    return [
        presenters.story_dict(s) for s in selectors.stories_published(community=community, limit=50)
    ]
