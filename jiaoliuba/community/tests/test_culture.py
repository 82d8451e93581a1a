"""The wish wall, the 金点子 board (points through points_award) and stories (uploads
checked like an appeal's, reviewed before publishing)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jiaoliuba.community import selectors, services
from jiaoliuba.community.choices import IdeaStatus, StoryStatus, WishStatus
from jiaoliuba.community.models import CommunityEvent
from jiaoliuba.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jiaoliuba.points.models import PointsAccount

pytestmark = pytest.mark.django_db


def test_wish_wall_posted_claimed_fulfilled(people, volunteer, staff, community, neighbour):
    zhang = people["zhang"]
    wish = services.wish_post(
        actor=zhang, community=community, title_text="想找人周六陪母亲读报", body="母亲眼睛不好"
    )
    assert wish.status == WishStatus.POSTED
    with pytest.raises(PermissionDenied):  # not a resident there
        services.wish_post(actor=people["next_door"], community=community, title_text="x")
    with pytest.raises(ValidationFailed):
        services.wish_post(actor=zhang, community=community, title_text="  ")
    with pytest.raises(PermissionDenied):  # an author does not claim their own wish
        services.wish_claim(actor=zhang, wish=wish)
    with pytest.raises(PermissionDenied):  # a resident is not a volunteer
        services.wish_claim(actor=people["li"], wish=wish)
    with pytest.raises(Conflict):  # not claimed yet
        services.wish_fulfil(actor=volunteer, wish=wish, note="done")
    claimed = services.wish_claim(actor=volunteer, wish=wish)
    assert claimed.status == WishStatus.CLAIMED and claimed.claimed_by == volunteer
    with pytest.raises(Conflict):
        services.wish_claim(actor=staff, wish=wish)
    with pytest.raises(PermissionDenied):
        services.wish_fulfil(actor=people["li"], wish=claimed, note="done")
    done = services.wish_fulfil(actor=volunteer, wish=claimed, note="每周六上午读报一小时")
    assert done.status == WishStatus.FULFILLED and done.fulfilment == "每周六上午读报一小时"
    with pytest.raises(Conflict):
        services.wish_withdraw(actor=zhang, wish=done)
    assert [w.pk for w in selectors.wish_wall(community=community)] == [wish.pk]
    assert selectors.wish_counts(community=community)["fulfilled"] == 1
    assert list(CommunityEvent.objects.filter(subject="wish").values_list("kind", flat=True)) == [
        "posted",
        "claim",
        "fulfil",
    ]


def test_a_withdrawn_wish_leaves_the_wall(people, community):
    wish = services.wish_post(actor=people["li"], community=community, title_text="修自行车")
    with pytest.raises(PermissionDenied):
        services.wish_withdraw(actor=people["zhang"], wish=wish)
    services.wish_withdraw(actor=people["li"], wish=wish)
    assert not selectors.wish_wall(community=community).exists()
    with pytest.raises(NotFound):
        selectors.access_wish(user=people["zhang"], wish_id=wish.pk)


def test_adopted_ideas_earn_points_once_and_show_with_consent(people, staff, community):
    shown = services.idea_submit(
        actor=people["zhang"],
        community=community,
        title_text="活动室改老年食堂",
        body="空着的活动室午间做老年助餐点",
        consent_public=True,
    )
    private = services.idea_submit(
        actor=people["li"],
        community=community,
        title_text="楼道加扶手",
        body="3号楼楼道加扶手",
        consent_public=False,
    )
    with pytest.raises(PermissionDenied):
        services.idea_adopt(actor=people["wang"], idea=shown, effect="x")
    with pytest.raises(ValidationFailed):
        services.idea_adopt(actor=staff, idea=shown, effect="")
    adopted = services.idea_adopt(actor=staff, idea=shown, effect="每天午间 40 位老人就餐")
    assert adopted.status == IdeaStatus.ADOPTED and adopted.points == 50
    assert PointsAccount.objects.get(user=people["zhang"]).balance == 50
    with pytest.raises(Conflict):
        services.idea_adopt(actor=staff, idea=adopted, effect="again")
    assert PointsAccount.objects.get(user=people["zhang"]).balance == 50
    services.idea_adopt(actor=staff, idea=private, effect="已安装扶手 12 处")
    assert [i.pk for i in selectors.idea_board(community=community)] == [shown.pk]
    # The author may change their mind; only they can.
    with pytest.raises(PermissionDenied):
        services.idea_consent(actor=people["zhang"], idea=private, consent=True)
    services.idea_consent(actor=people["li"], idea=private, consent=True)
    assert {i.pk for i in selectors.idea_board(community=community)} == {shown.pk, private.pk}
    declined = services.idea_submit(
        actor=people["wang"],
        community=community,
        title_text="喷泉",
        body="小区中心建喷泉",
        consent_public=True,
    )
    services.idea_decline(actor=staff, idea=declined, reason="场地不足")
    assert declined.pk not in {i.pk for i in selectors.idea_board(community=community)}


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def test_stories_are_checked_and_reviewed(people, staff, community, client):
    zhang = people["zhang"]
    with pytest.raises(ValidationFailed):
        services.story_submit(
            actor=zhang,
            community=community,
            title_text="楼道里的花",
            body="邻居们一起种花",
            files=[("evil.png", SimpleUploadedFile("evil.png", b"<html>not an image</html>"))],
        )
    story = services.story_submit(
        actor=zhang,
        community=community,
        title_text="楼道里的花",
        body="邻居们一起种花",
        files=[("photo.png", _png())],
    )
    assert story.status == StoryStatus.SUBMITTED and story.media.count() == 1
    media = story.media.get()
    # Not public before review.
    assert client.get(f"/community/stories/{story.pk}/").status_code == 404
    assert client.get(f"/community/media/{media.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.story_publish(actor=zhang, story=story)
    services.story_publish(actor=staff, story=story)
    page = client.get(f"/community/stories/{story.pk}/")
    assert page.status_code == 200 and "楼道里的花" in page.content.decode()
    photo = client.get(f"/community/media/{media.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"
    services.story_reject(actor=staff, story=story, reason="涉及他人隐私")
    assert client.get(f"/community/stories/{story.pk}/").status_code == 404
