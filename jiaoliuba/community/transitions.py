"""The state tables of the community app (core.transitions.Table): the services enforce
them, pages and the API derive their buttons from them.

notice: draft → published → withdrawn (a draft can be withdrawn too)
wish:   posted → claimed → fulfilled; posted/claimed → withdrawn
idea:   submitted → adopted / declined
story:  submitted → published / rejected; published → rejected (taken down)"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jiaoliuba.community import policies
from jiaoliuba.community.choices import IdeaStatus, NoticeStatus, StoryStatus, WishStatus
from jiaoliuba.core.transitions import Table, transition

NOTICES: Table = Table(
    (
        transition(
            "publish", (NoticeStatus.DRAFT,), NoticeStatus.PUBLISHED, policies.may_edit_notice
        ),
        transition(
            "withdraw",
            (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED),
            NoticeStatus.WITHDRAWN,
            policies.may_edit_notice,
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the notice is “%(status)s”."),
)

WISHES: Table = Table(
    (
        transition("claim", (WishStatus.POSTED,), WishStatus.CLAIMED, policies.may_claim_wish),
        transition("fulfil", (WishStatus.CLAIMED,), WishStatus.FULFILLED, policies.may_fulfil_wish),
        transition(
            "withdraw",
            (WishStatus.POSTED, WishStatus.CLAIMED),
            WishStatus.WITHDRAWN,
            policies.may_withdraw_wish,
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the wish is “%(status)s”."),
)

IDEAS: Table = Table(
    (
        transition("adopt", (IdeaStatus.SUBMITTED,), IdeaStatus.ADOPTED, policies.may_decide_idea),
        transition(
            "decline", (IdeaStatus.SUBMITTED,), IdeaStatus.DECLINED, policies.may_decide_idea
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the idea is “%(status)s”."),
)

STORIES: Table = Table(
    (
        transition(
            "publish", (StoryStatus.SUBMITTED,), StoryStatus.PUBLISHED, policies.may_review_story
        ),
        transition(
            "reject",
            (StoryStatus.SUBMITTED, StoryStatus.PUBLISHED),
            StoryStatus.REJECTED,
            policies.may_review_story,
        ),
    ),
    state="status",
    wrong_state=_("This cannot be done while the story is “%(status)s”."),
)
