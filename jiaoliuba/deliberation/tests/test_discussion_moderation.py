"""The discussion: threads one level deep, identity-protecting names, official answers
reaching followers, flags and the moderation queue, hiding with a reason, the
administrators' sensitive-word list (audited) and the rate limits."""

from __future__ import annotations

import pytest

from jiaoliuba.accounts.choices import Role
from jiaoliuba.core.errors import Conflict, PermissionDenied, RateLimited, ValidationFailed
from jiaoliuba.core.models import AuditLog
from jiaoliuba.deliberation import presenters, selectors, services
from jiaoliuba.deliberation.models import Comment, SensitiveWord, TopicEvent
from jiaoliuba.notifications.models import Notification
from jiaoliuba.testing.fixtures import JIANKANG, JIEFANG_G1

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(regions, residents):
    return services.topic_propose(
        actor=residents[0], title="宠物扰民怎么办", body="夜里狗叫", scope=regions[JIEFANG_G1]
    )


def test_names_protect_identity_unless_the_resident_chooses(topic, residents, staff):
    from jiaoliuba.accounts.models import ResidentProfile

    ResidentProfile.objects.filter(user=residents[1]).update(address="3号楼2单元301室")
    ResidentProfile.objects.filter(user=residents[2]).update(address="")
    by_building = services.topic_comment(topic=topic, actor=residents[1], body="建议拴绳")
    by_grid = services.topic_comment(topic=topic, actor=residents[2], body="同意")
    named = services.topic_comment(topic=topic, actor=residents[3], body="我来", show_name=True)
    official = services.topic_comment(topic=topic, actor=staff, body="社区答复", official=True)
    labels = [presenters.author_label(c) for c in (by_building, by_grid, named, official)]
    from django.utils import translation

    with translation.override("zh-hans"):
        labels = [presenters.author_label(c) for c in (by_building, by_grid, named, official)]
    assert labels == ["3号楼居民", "某网格居民", "居民3", staff.display_name]


def test_replies_are_one_level_deep(topic, residents):
    top = services.topic_comment(topic=topic, actor=residents[1], body="第一条")
    reply = services.topic_comment(topic=topic, actor=residents[2], body="回复", parent=top)
    deeper = services.topic_comment(topic=topic, actor=residents[3], body="再回复", parent=reply)
    assert deeper.parent_id == top.pk  # a reply to a reply joins the thread
    thread = selectors.topic_comments(topic=topic)
    assert [c.pk for c in thread] == [top.pk]
    assert [r.pk for r in thread[0].thread_replies] == [reply.pk, deeper.pk]
    # The writer of the first comment heard of the replies.
    assert (
        Notification.objects.filter(recipient=residents[1], kind="deliberation.reply").count() == 2
    )


def test_official_answer_and_stage_changes_reach_followers(topic, residents, staff):
    services.topic_follow(topic=topic, actor=residents[4])
    services.topic_comment(topic=topic, actor=staff, body="社区将组织协商", official=True)
    for person in (residents[0], residents[4]):  # the proposer follows automatically
        assert Notification.objects.filter(recipient=person, kind="deliberation.answer").exists()
    assert not Notification.objects.filter(recipient=staff, kind="deliberation.answer").exists()
    assert TopicEvent.objects.filter(topic=topic, kind="answered").count() == 1
    services.topic_unfollow(topic=topic, actor=residents[4])
    services.topic_put_on_agenda(topic=topic, actor=staff)
    assert Notification.objects.filter(recipient=residents[0], kind="deliberation.stage").exists()
    assert not Notification.objects.filter(
        recipient=residents[4], kind="deliberation.stage"
    ).exists()


def test_flag_queue_hide_with_reason_and_dismiss(topic, residents, staff, make_staff):
    rude = services.topic_comment(topic=topic, actor=residents[1], body="养狗的都没素质")
    fine = services.topic_comment(topic=topic, actor=residents[2], body="可以规定遛狗时间")
    services.comment_flag(comment=rude, actor=residents[3], reason="人身攻击")
    services.comment_flag(comment=rude, actor=residents[4])
    services.comment_flag(comment=fine, actor=residents[5])
    with pytest.raises(Conflict):
        services.comment_flag(comment=rude, actor=residents[3])
    with pytest.raises(Conflict):
        services.comment_flag(comment=fine, actor=residents[2])  # one's own comment
    assert [c.pk for c in selectors.flag_queue(user=staff)] == [rude.pk, fine.pk]
    other_staff = make_staff(Role.COMMUNITY_STAFF, JIANKANG)
    assert list(selectors.flag_queue(user=other_staff)) == []
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=rude, actor=residents[3], reason="不好")
    with pytest.raises(ValidationFailed):
        services.comment_hide(comment=rude, actor=staff, reason="")
    services.comment_hide(comment=rude, actor=staff, reason="含人身攻击")
    services.comment_dismiss_flags(comment=fine, actor=staff)
    assert list(selectors.flag_queue(user=staff)) == []
    rude.refresh_from_db()
    assert (rude.status, rude.hidden_reason, rude.hidden_by) == ("hidden", "含人身攻击", staff)
    event = TopicEvent.objects.get(topic=topic, kind="comment_hidden")
    assert (event.message, event.data) == ("含人身攻击", {"comment": rude.pk})
    assert Notification.objects.filter(recipient=residents[1], kind="deliberation.hidden").exists()
    # Readers see the place and the reason, not the text; moderators see the text.
    shown = presenters.comment_dict(rude, user=residents[3])
    assert shown["hidden"] and shown["body"] == "" and shown["hidden_reason"] == "含人身攻击"
    assert presenters.comment_dict(rude, user=staff, moderator=True)["body"] == "养狗的都没素质"
    with pytest.raises(Conflict):
        services.comment_hide(comment=rude, actor=staff, reason="再藏一次")


def test_moderation_over_the_api_and_queue_page(api_client, login_client, topic, residents, staff):
    comment = services.topic_comment(topic=topic, actor=residents[1], body="难听的话")
    flagged = api_client(residents[2]).post(
        f"/api/v1/deliberation/comments/{comment.pk}/flag",
        {"reason": "不文明"},
        content_type="application/json",
    )
    assert flagged.status_code == 200
    queue = api_client(staff).get("/api/v1/deliberation/moderation/flags").json()
    assert [row["comment"]["id"] for row in queue] == [comment.pk]
    assert api_client(residents[2]).get("/api/v1/deliberation/moderation/flags").status_code == 404
    page = login_client(staff).get("/workbench/deliberation/moderation/").content.decode()
    assert "难听的话" in page and f"/deliberation/comments/{comment.pk}/do/hide/" in page
    hidden = login_client(staff).post(
        f"/deliberation/comments/{comment.pk}/do/hide/", {"reason": "不文明用语", "next": "queue"}
    )
    assert hidden.status_code == 302
    comments = api_client(residents[3]).get(f"/api/v1/deliberation/topics/{topic.pk}/comments")
    assert comments.json()[0]["hidden"] is True and comments.json()[0]["body"] == ""


def test_sensitive_words_are_refused_and_the_list_is_audited(
    client, regions, topic, residents, django_user_model
):
    admin = django_user_model.objects.create_superuser(
        username="root", password="pw-123456-long", display_name="管理员"
    )
    client.force_login(admin, backend="jiaoliuba.accounts.backends.StaffPasswordBackend")
    response = client.post(
        "/admin/deliberation/sensitiveword/add/", {"word": "傻瓜", "active": "on", "note": "辱骂"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    word = SensitiveWord.objects.get(word="傻瓜")
    entry = AuditLog.objects.get(target_type="deliberation.sensitiveword", target_id=str(word.pk))
    assert entry.action == "admin.add" and entry.actor == admin
    with pytest.raises(ValidationFailed) as caught:
        services.topic_comment(topic=topic, actor=residents[1], body="你才是 傻-瓜")
    assert caught.value.code == "sensitive_word" and caught.value.extra == {"word": "傻瓜"}
    with pytest.raises(ValidationFailed):
        services.topic_propose(
            actor=residents[1], title="傻瓜物业", body="正文", scope=regions[JIEFANG_G1]
        )
    assert Comment.objects.count() == 0
    # Switched off in the admin (audited again), the word is allowed.
    client.post(
        f"/admin/deliberation/sensitiveword/{word.pk}/change/", {"word": "傻瓜", "note": "辱骂"}
    )
    assert AuditLog.objects.filter(action="admin.change", target_id=str(word.pk)).exists()
    services.topic_comment(topic=topic, actor=residents[1], body="不傻瓜")


def test_rate_limits_refuse_beyond_the_setting(topic, residents, settings, regions):
    settings.DELIBERATION_COMMENTS_PER_HOUR = 3
    for i in range(3):
        services.topic_comment(topic=topic, actor=residents[1], body=f"第{i}条")
    with pytest.raises(RateLimited):
        services.topic_comment(topic=topic, actor=residents[1], body="第4条")
    services.topic_comment(topic=topic, actor=residents[2], body="别人还能说")
    assert Comment.objects.filter(author=residents[1]).count() == 3
    settings.DELIBERATION_PROPOSALS_PER_DAY = 1
    with pytest.raises(RateLimited):
        services.topic_propose(
            actor=residents[0], title="再提一个", body="正文", scope=regions[JIEFANG_G1]
        )


def test_rate_limit_answers_429_in_the_api(api_client, topic, residents, settings):
    settings.DELIBERATION_COMMENTS_PER_HOUR = 1
    client = api_client(residents[1])
    url = f"/api/v1/deliberation/topics/{topic.pk}/comments"
    assert client.post(url, {"body": "一"}, content_type="application/json").status_code == 201
    refused = client.post(url, {"body": "二"}, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
