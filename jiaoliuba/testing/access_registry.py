"""Every route of the site and the API, declared: who may open it without signing in, and
how to build an object outside a person's scope for each id in its path.

`jiaoliuba/portal/tests/test_access_sweep.py` enumerates Django's URL resolver and the
Ninja OpenAPI schema and fails on a route missing here (or declared here but gone). For each
route, signed-out visitors must be refused (401/403/404/405, or a redirect to a sign-in
page) unless it is PUBLIC; and every role tries objects outside its scope by id (built by
OBJECTS, in 西平县, which no swept role covers) and must get 403/404 with none of the
object's data.

Adding a route: put its URL name (pages) or "METHOD /api/v1/path" (API) in PAGES or API
below with PUBLIC or PRIVATE; if its path has a new id parameter, add it to OBJECTS with the
name of a builder in jiaoliuba/testing/access_objects.py (write one: it makes a real object of
that kind outside scope), or to FIXED for a slug that is not an object id. A PUBLIC route with
an object id also goes in PUBLIC_OBJECT_ROUTES, with why it is public and what it may show."""

from __future__ import annotations

PUBLIC = "public"  # anyone, signed out too (a sign-in page, the public board, a tracking code)
PRIVATE = "private"  # signed-out visitors are refused; ids in the path are scope-checked

# Values for path parameters that are not object ids.
FIXED: dict[str, str] = {
    "action": "accept",
    "code": "ZZZZZZZZ",
    "token": "not-a-token",
    "key": "satisfaction_rate",
    "number": "1",  # a negotiation round's number within its meeting
}

# Path parameter → the kind of object to build outside every swept role's scope, by the
# builder of that name in jiaoliuba/testing/access_objects.py (real rows in 西平县). A new
# id parameter without an entry here, or an entry naming no builder, fails the sweep.
OBJECTS: dict[str, str] = {
    "alert_id": "alert",
    "appeal_id": "appeal",
    "attachment_id": "attachment",
    "booking_id": "booking",
    "comment_id": "comment",
    "extension_id": "extension",
    "honour_id": "honour",
    "idea_id": "idea",
    "item_id": "item",
    "media_id": "media",
    "meeting_id": "meeting",
    "milestone_id": "milestone",
    "notice_id": "notice",
    "notification_id": "notification",
    "objection_id": "objection",
    "party_id": "party",
    "photo_id": "progress_photo",
    "question_id": "question",
    "redemption_id": "redemption",
    "region_id": "region",  # 棠溪社区 itself: its page is public; its desk and posting are not
    "register_id": "register",
    "request_id": "request",
    "resident_id": "resident",
    "resolution_id": "resolution",
    "service_id": "service",
    "session_id": "session",
    "shift_id": "shift",
    "statement_id": "statement",
    "story_id": "story",
    "swap_id": "swap",
    "topic_id": "topic",
    "venue_id": "venue",
    "visit_id": "visit",
    "vote_id": "vote",
    "wish_id": "wish",
}

# Where one parameter name means another kind of object on a particular route.
ROUTE_OBJECTS: dict[str, dict[str, str]] = {
    "venues:photo": {"photo_id": "venue_photo"},
}

# Public routes that take an object id, each with why it is public and what the sweep
# expects of the object built outside scope (signed out and for every role):
# "refused"  the built object is not public (a story still in review, a notice to one
#            grid): 403/404 with none of its text;
# "public"   the page is public by design: it may show the object's public text
#            (MARKER) but never what is private (PRIVATE_MARKER: a visitor's name and what
#            they said, a review note, a booking's attendee, a notice meant for one grid).
PUBLIC_OBJECT_ROUTES: dict[str, tuple[str, str]] = {
    "community:story": ("a published story is shareable; one in review is not", "refused"),
    "community:media": ("the photo or video of a published story only", "refused"),
    "community:notice": ("a community-wide notice is a public bulletin; others are for "
                         "their recipients only", "refused"),
    "community:page": ("the community's public page (公示, stories, venue hours)", "public"),
    "community:qr": ("the group's join link as a QR code, printed on posters", "public"),
    "venues:detail": ("the venue's hours and who is on duty, for residents", "public"),
    "venues:poster": ("the printable poster on the venue's door", "public"),
    "venues:qr": ("the poster's QR code (leads to the public venue page)", "public"),
    "venues:photo": ("photos of the venue shown on its public page", "public"),
    "GET /api/v1/community/{region_id}": ("the community page's public content", "public"),
    "GET /api/v1/community/{region_id}/stories": ("published stories only", "public"),
}  # fmt: skip

# Fully valid bodies, sent besides the sweep's own (the OpenAPI schema's required fields for
# the API, an empty form for pages), so that a refusal comes from the scope rule and not from
# a missing choice or field. The empty or merely well-typed body stays: a route that checks
# the input before the scope (the ballot leak of issue 17) answers it with the object's data.
API_BODIES: dict[str, list[dict]] = {
    "POST /api/v1/votes/{vote_id}/ballots": [{"choices": [1]}],
    "POST /api/v1/votes/{vote_id}/paper": [{"sheet_number": "S-1", "choices": [1]}],
    "POST /api/v1/votes/{vote_id}/paper/correct": [
        {"sheet_number": "S-1", "choices": [2], "reason": "越界更正"}
    ],
    "POST /api/v1/deliberation/topics/{topic_id}/comments": [{"body": "越界评论的内容"}],
    "POST /api/v1/consensus/statements/{statement_id}/vote": [{"opinion": "agree"}],
    "POST /api/v1/community/notices/{notice_id}/replies": [{"body": "越界回复的内容"}],
}
PAGE_BODIES: dict[str, list[dict]] = {
    "votes:cast": [{"choice": "1"}],
    "votes:action": [{"reason": "越界取消", "sheet_number": "S-1", "choice": "1"}],
    "deliberation:action": [{"body": "越界评论的内容", "reason": "越界理由"}],
    "meetings:action": [{"reason": "越界理由", "text": "越界纪要"}],
}

# Id kinds whose objects are public by design, so that reading one outside scope is not a
# leak; acting on one is still refused by the service, with 403 or, when the object is not
# in a state for the action, 409. The sweep accepts 409 for these and still requires that
# the answer carry none of the object's text.
PUBLIC_OBJECT_KINDS: dict[str, str] = {
    "wish_id": "微心愿 are on the community's public page (title and status); claiming, "
    "fulfilling or withdrawing one needs the community's volunteer, its claimer or author",
}

# Routes that by design act on objects outside the person's scope, and why. The sweep
# still requires that they return none of the object's data (a redirect or a refusal).
CROSS_SCOPE: dict[str, str] = {
    "community:join": "the group's QR code leads anyone here; the answer is a redirect to the "
    "community's public page saying whether their registered home puts them in the group",
    "community:wish_new": "posted from a public community page; the service refuses anyone who "
    "does not live there, and the answer is a redirect back with that message",
    "community:idea_new": "posted from a public community page; the service refuses anyone who "
    "does not live there, and the answer is a redirect back with that message",
    "appeals:join": "a resident may join any open appeal the similar-appeals list showed "
    "them (我也遇到); the answer is a redirect to their own copy or an error message",
}

# Pages by URL name. The Django admin (admin:*) is one entry: it answers 404 to everyone
# without admin access (accounts/middleware.py).
ADMIN = "admin"
PAGES: dict[str, str] = {
    "accounts:grid_options": PRIVATE,  # /me/profile/grids/
    "accounts:large_text": PUBLIC,  # /prefs/large-text/
    "accounts:login": PUBLIC,  # /login/
    "accounts:logout": PUBLIC,  # /logout/
    "accounts:me": PRIVATE,  # /me/
    "accounts:me_profile": PRIVATE,  # /me/profile/
    "accounts:resident_detail": PRIVATE,  # /workbench/residents/<int:resident_id>/
    "accounts:resident_list": PRIVATE,  # /workbench/residents/
    # /workbench/residents/<int:resident_id>/reveal-phone/
    "accounts:resident_reveal_phone": PRIVATE,
    "accounts:resident_verify": PRIVATE,  # /workbench/residents/<int:resident_id>/verify/
    "accounts:second_factor": PRIVATE,  # /staff/2fa/
    "accounts:second_factor_setup": PRIVATE,  # /staff/2fa/setup/
    "accounts:send_code": PUBLIC,  # /login/send-code/
    "accounts:staff_login": PUBLIC,  # /staff/login/
    "admin": PRIVATE,  # /admin/
    "appeals:action": PRIVATE,  # /appeals/<int:appeal_id>/do/<slug:action>/
    "appeals:alerts": PRIVATE,  # /workbench/alerts/
    # /appeals/<int:appeal_id>/attachments/<int:attachment_id>
    "appeals:attachment": PRIVATE,
    "appeals:desk_new": PRIVATE,  # /workbench/appeals/new/
    "appeals:detail": PRIVATE,  # /appeals/<int:appeal_id>/
    "appeals:guest_new": PUBLIC,  # /appeals/guest/
    "appeals:join": PRIVATE,  # /appeals/<int:appeal_id>/join/
    "appeals:map": PRIVATE,  # /workbench/map/
    "appeals:material": PRIVATE,  # /appeals/<int:appeal_id>/material/
    "appeals:mine": PRIVATE,  # /appeals/
    "appeals:new": PRIVATE,  # /appeals/new/
    "appeals:public": PUBLIC,  # /public/<str:code>/
    "appeals:public_index": PUBLIC,  # /public/
    "appeals:queue": PRIVATE,  # /workbench/appeals/
    "appeals:reveal": PRIVATE,  # /appeals/<int:appeal_id>/reveal/
    "appeals:similar": PRIVATE,  # /appeals/similar/
    "appeals:supervision": PRIVATE,  # /workbench/supervision/
    "appeals:track": PUBLIC,  # /t/<str:code>/
    "appeals:track_lookup": PUBLIC,  # /t/
    "appeals:track_rate": PUBLIC,  # /t/<str:code>/rate/
    "appeals:withdraw": PRIVATE,  # /appeals/<int:appeal_id>/withdraw/
    "bookings:action": PRIVATE,  # /services/bookings/<int:booking_id>/<str:action>/
    "bookings:catalogue": PRIVATE,  # /services/
    "bookings:check_in": PRIVATE,  # /services/check-in/<str:code>/
    "bookings:consultation": PRIVATE,  # /services/consultations/<int:booking_id>/
    "bookings:consultations": PRIVATE,  # /services/consultations/
    "bookings:experts": PRIVATE,  # /services/staff/experts/
    "bookings:mine": PRIVATE,  # /services/mine/
    "bookings:session": PRIVATE,  # /services/sessions/<int:session_id>/
    "bookings:session_qr": PRIVATE,  # /services/staff/sessions/<int:session_id>/qr.svg
    "bookings:staff_service": PRIVATE,  # /services/staff/<int:service_id>/
    "bookings:staff_session": PRIVATE,  # /services/staff/sessions/<int:session_id>/
    "bookings:workbench": PRIVATE,  # /services/staff/
    # /workbench/consensus/<int:question_id>/do/<slug:action>/
    "consensus:action": PRIVATE,
    "consensus:add": PRIVATE,  # /consensus/<int:question_id>/statements/
    "consensus:hide": PRIVATE,  # /workbench/consensus/statements/<int:statement_id>/hide/
    "consensus:manage": PRIVATE,  # /workbench/consensus/<int:question_id>/
    "consensus:map": PRIVATE,  # /consensus/<int:question_id>/map/
    "consensus:new": PRIVATE,  # /workbench/consensus/new/
    "consensus:question": PRIVATE,  # /consensus/<int:question_id>/
    "consensus:vote": PRIVATE,  # /consensus/statements/<int:statement_id>/vote/
    "dashboards:compare": PRIVATE,  # /dashboards/compare
    "dashboards:export_appeals": PRIVATE,  # /dashboards/export/appeals.xlsx
    "dashboards:export_kpis": PRIVATE,  # /dashboards/export/kpis.xlsx
    "dashboards:overview": PRIVATE,  # /dashboards/
    "dashboards:ranking": PRIVATE,  # /dashboards/ranking
    "dashboards:report": PRIVATE,  # /dashboards/report
    "dashboards:screen": PRIVATE,  # /dashboards/screen
    "deliberation:action": PRIVATE,  # /deliberation/<int:topic_id>/do/<slug:action>/
    "deliberation:agenda": PRIVATE,  # /workbench/deliberation/
    # /deliberation/comments/<int:comment_id>/do/<slug:action>/
    "deliberation:comment_action": PRIVATE,
    "deliberation:detail": PRIVATE,  # /deliberation/<int:topic_id>/
    "deliberation:list": PRIVATE,  # /deliberation/
    "deliberation:moderation": PRIVATE,  # /workbench/deliberation/moderation/
    "deliberation:new": PRIVATE,  # /deliberation/new/
    "favicon": PUBLIC,  # /favicon.ico
    "healthz": PUBLIC,  # /healthz
    "home": PUBLIC,  # /
    "meetings:action": PRIVATE,  # /meetings/<int:meeting_id>/do/<slug:action>/
    "meetings:checkin": PRIVATE,  # /meetings/<int:meeting_id>/checkin/<str:token>/
    "meetings:detail": PRIVATE,  # /meetings/<int:meeting_id>/
    "meetings:emergency": PRIVATE,  # /workbench/meetings/emergency/<int:appeal_id>/
    "meetings:list": PRIVATE,  # /meetings/
    "meetings:new": PRIVATE,  # /workbench/meetings/new/
    "meetings:photo": PRIVATE,  # /resolutions/photos/<int:photo_id>/
    "meetings:public": PUBLIC,  # /public/<str:code>/resolutions/
    "meetings:qr": PRIVATE,  # /meetings/<int:meeting_id>/qr.svg
    "meetings:resolution": PRIVATE,  # /resolutions/<int:resolution_id>/
    # /resolutions/<int:resolution_id>/do/<slug:action>/
    "meetings:resolution_action": PRIVATE,
    "meetings:workbench": PRIVATE,  # /workbench/meetings/
    "notifications:channels": PRIVATE,  # /inbox/channels/
    "notifications:inbox": PRIVATE,  # /inbox/
    "notifications:mark_all_read": PRIVATE,  # /inbox/read-all/
    "notifications:open": PRIVATE,  # /inbox/<int:notification_id>/
    "points:cancel": PRIVATE,  # /points/orders/<int:redemption_id>/cancel/
    "points:consent": PRIVATE,  # /points/honours/<int:honour_id>/consent/
    "points:desk": PRIVATE,  # /workbench/points/
    "points:honours": PRIVATE,  # /workbench/points/honours/
    "points:mine": PRIVATE,  # /points/
    "points:redeem": PRIVATE,  # /points/store/<int:item_id>/redeem/
    "public_board": PUBLIC,  # /board/
    "set_language": PUBLIC,  # /i18n/setlang/
    "votes:action": PRIVATE,  # /workbench/votes/<int:vote_id>/do/<slug:action>/
    "votes:cast": PRIVATE,  # /votes/<int:vote_id>/cast/
    "votes:console": PRIVATE,  # /workbench/votes/
    "votes:manage": PRIVATE,  # /workbench/votes/<int:vote_id>/
    "votes:new": PRIVATE,  # /workbench/votes/new/
    "votes:page": PRIVATE,  # /votes/<int:vote_id>/
    "votes:register": PRIVATE,  # /workbench/unit-registers/<int:register_id>/
    "votes:registers": PRIVATE,  # /workbench/unit-registers/
    "votes:sheet": PRIVATE,  # /workbench/votes/<int:vote_id>/sheet/
    "workbench": PRIVATE,  # /workbench/
    "accounts:resident_guardian_consent": PRIVATE,
    "bookings:booking_ics": PRIVATE,
    "bookings:expert_request": PRIVATE,
    "bookings:expert_request_new": PRIVATE,
    "bookings:expert_requests": PRIVATE,
    "bookings:feed": PUBLIC,  # a signed subscription address: the token is the key
    "bookings:session_ics": PRIVATE,
    "community:desk": PRIVATE,
    "community:idea_consent": PRIVATE,
    "community:idea_new": PRIVATE,
    "community:join": PRIVATE,
    "community:media": PUBLIC,  # a published story's photo or video (unpublished: 404)
    "community:notice": PUBLIC,  # a community-wide notice is a public bulletin; others are recipients' only
    "community:page": PUBLIC,  # the community's public page
    "community:qr": PUBLIC,  # the group's join link as a QR code
    "community:story": PUBLIC,  # a published story, shareable
    "community:story_new": PRIVATE,
    "community:wish_action": PRIVATE,
    "community:wish_new": PRIVATE,
    "consensus:dismiss_flags": PRIVATE,
    "consensus:flag": PRIVATE,
    "points:rules": PRIVATE,
    "privacy:access_log": PRIVATE,
    "privacy:access_log_csv": PRIVATE,
    "privacy:erase": PRIVATE,
    "privacy:my_data": PRIVATE,
    "privacy:my_data_json": PRIVATE,
    "venues:detail": PUBLIC,  # the venue's hours and who is on duty, for residents
    "venues:manage": PRIVATE,
    "venues:photo": PUBLIC,  # photos of the venue shown on its public page
    "venues:poster": PUBLIC,  # the printable poster
    "venues:qr": PUBLIC,  # the poster's QR code
    "venues:rota": PRIVATE,
    "venues:to_appeal": PRIVATE,
    "venues:visits": PRIVATE,
    "venues:workbench": PRIVATE,
}

API: dict[str, str] = {
    "DELETE /api/v1/auth/token": PRIVATE,
    "DELETE /api/v1/deliberation/topics/{topic_id}/follow": PRIVATE,
    "GET /api/v1/alerts": PRIVATE,
    "GET /api/v1/appeals": PRIVATE,
    "GET /api/v1/appeals/similar": PRIVATE,
    "GET /api/v1/appeals/{appeal_id}": PRIVATE,
    "GET /api/v1/appeals/{appeal_id}/attachments/{attachment_id}": PRIVATE,
    "GET /api/v1/appeals/{appeal_id}/events": PRIVATE,
    "GET /api/v1/bookings/bookings/{booking_id}/notes": PRIVATE,
    "GET /api/v1/bookings/experts": PRIVATE,
    "GET /api/v1/bookings/mine": PRIVATE,
    "GET /api/v1/bookings/restriction": PRIVATE,
    "GET /api/v1/bookings/services": PRIVATE,
    "GET /api/v1/bookings/services/{service_id}/sessions": PRIVATE,
    "GET /api/v1/bookings/sessions/{session_id}": PRIVATE,
    "GET /api/v1/bookings/sessions/{session_id}/attendance": PRIVATE,
    "GET /api/v1/consensus/questions": PRIVATE,
    "GET /api/v1/consensus/questions/{question_id}": PRIVATE,
    "GET /api/v1/consensus/questions/{question_id}/map": PRIVATE,
    "GET /api/v1/consensus/questions/{question_id}/next": PRIVATE,
    "GET /api/v1/consensus/questions/{question_id}/statements": PRIVATE,
    "GET /api/v1/dashboards/categories": PRIVATE,
    "GET /api/v1/dashboards/children": PRIVATE,
    "GET /api/v1/dashboards/compare": PRIVATE,
    "GET /api/v1/dashboards/heat": PRIVATE,
    "GET /api/v1/dashboards/kpis": PRIVATE,
    "GET /api/v1/dashboards/kpis/{key}": PRIVATE,
    "GET /api/v1/dashboards/overdue": PRIVATE,
    "GET /api/v1/dashboards/ranking": PRIVATE,
    "GET /api/v1/dashboards/sources": PRIVATE,
    "GET /api/v1/dashboards/trend": PRIVATE,
    "GET /api/v1/deliberation/moderation/flags": PRIVATE,
    "GET /api/v1/deliberation/topics": PRIVATE,
    "GET /api/v1/deliberation/topics/{topic_id}": PRIVATE,
    "GET /api/v1/deliberation/topics/{topic_id}/comments": PRIVATE,
    "GET /api/v1/deliberation/topics/{topic_id}/events": PRIVATE,
    "GET /api/v1/me": PRIVATE,
    "GET /api/v1/meetings": PRIVATE,
    "GET /api/v1/meetings/{meeting_id}": PRIVATE,
    "GET /api/v1/meetings/{meeting_id}/events": PRIVATE,
    "GET /api/v1/notifications": PRIVATE,
    "GET /api/v1/notifications/channels": PRIVATE,
    "GET /api/v1/notifications/unread-count": PRIVATE,
    "GET /api/v1/points/items": PRIVATE,
    "GET /api/v1/points/me": PRIVATE,
    "GET /api/v1/points/redemptions": PRIVATE,
    "GET /api/v1/points/store": PRIVATE,
    "GET /api/v1/public/communities/{code}/resolutions": PUBLIC,
    "GET /api/v1/regions": PRIVATE,
    "GET /api/v1/regions/mine": PRIVATE,
    "GET /api/v1/regions/{code}": PRIVATE,
    "GET /api/v1/residents": PRIVATE,
    "GET /api/v1/residents/{resident_id}": PRIVATE,
    "GET /api/v1/resolutions/{resolution_id}": PRIVATE,
    "GET /api/v1/unit-registers": PRIVATE,
    "GET /api/v1/unit-registers/{register_id}/units": PRIVATE,
    "GET /api/v1/votes": PRIVATE,
    "GET /api/v1/votes/{vote_id}": PRIVATE,
    "GET /api/v1/votes/{vote_id}/events": PRIVATE,
    "PATCH /api/v1/residents/{resident_id}": PRIVATE,
    "POST /api/v1/alerts/{alert_id}/ack": PRIVATE,
    "POST /api/v1/appeals": PRIVATE,
    "POST /api/v1/appeals/desk": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/accept": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/close": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/dispatch": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/escalate": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/extensions": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/extensions/{extension_id}/decide": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/follow-up": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/join": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/material": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/merge": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/note": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/rate": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/reject": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/reopen": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/repeat": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/repeat/remove": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/reply": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/resolve": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/return": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/reveal-submitter": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/supervise": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/triage": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/triage/confirm": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/urge": PRIVATE,
    "POST /api/v1/appeals/{appeal_id}/withdraw": PRIVATE,
    "POST /api/v1/auth/sms/request": PUBLIC,
    "POST /api/v1/auth/sms/verify": PUBLIC,
    "POST /api/v1/auth/token": PUBLIC,
    "POST /api/v1/bookings/bookings": PRIVATE,
    "POST /api/v1/bookings/bookings/{booking_id}/cancel": PRIVATE,
    "POST /api/v1/bookings/bookings/{booking_id}/check-in": PRIVATE,
    "POST /api/v1/bookings/bookings/{booking_id}/no-show": PRIVATE,
    "POST /api/v1/bookings/bookings/{booking_id}/notes": PRIVATE,
    "POST /api/v1/bookings/bookings/{booking_id}/rating": PRIVATE,
    "POST /api/v1/bookings/check-in": PRIVATE,
    "POST /api/v1/consensus/questions": PRIVATE,
    "POST /api/v1/consensus/questions/{question_id}/close": PRIVATE,
    "POST /api/v1/consensus/questions/{question_id}/reopen": PRIVATE,
    "POST /api/v1/consensus/questions/{question_id}/statements": PRIVATE,
    "POST /api/v1/consensus/statements/{statement_id}/hide": PRIVATE,
    "POST /api/v1/consensus/statements/{statement_id}/vote": PRIVATE,
    "POST /api/v1/deliberation/comments/{comment_id}/dismiss-flags": PRIVATE,
    "POST /api/v1/deliberation/comments/{comment_id}/flag": PRIVATE,
    "POST /api/v1/deliberation/comments/{comment_id}/hide": PRIVATE,
    "POST /api/v1/deliberation/topics": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/agenda": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/comments": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/decide": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/discuss": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/follow": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/merge": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/open-support": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/start-voting": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/support": PRIVATE,
    "POST /api/v1/deliberation/topics/{topic_id}/withdraw": PRIVATE,
    "POST /api/v1/meetings": PRIVATE,
    "POST /api/v1/meetings/emergency": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/agenda": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/cancel": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/check-in": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/conclude": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/minutes": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/parties": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/parties/{party_id}/attended": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/resolutions": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/rounds": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/rounds/{number}/statements": PRIVATE,
    "POST /api/v1/meetings/{meeting_id}/start": PRIVATE,
    "POST /api/v1/milestones/{milestone_id}/progress": PRIVATE,
    "POST /api/v1/notifications/read-all": PRIVATE,
    "POST /api/v1/notifications/{notification_id}/read": PRIVATE,
    "POST /api/v1/objections/{objection_id}/answer": PRIVATE,
    "POST /api/v1/points/adjustments": PRIVATE,
    "POST /api/v1/points/items": PRIVATE,
    "POST /api/v1/points/redemptions/fulfil": PRIVATE,
    "POST /api/v1/points/redemptions/{redemption_id}/cancel": PRIVATE,
    "POST /api/v1/points/store/{item_id}/redeem": PRIVATE,
    "POST /api/v1/residents/{resident_id}/reveal-phone": PRIVATE,
    "POST /api/v1/residents/{resident_id}/verify": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/checks": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/close": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/end-publicity": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/milestones": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/objections": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/publish": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/ratings": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/supervisors": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/vote": PRIVATE,
    "POST /api/v1/resolutions/{resolution_id}/vote-result": PRIVATE,
    "POST /api/v1/unit-registers": PRIVATE,
    "POST /api/v1/unit-registers/{register_id}/import": PRIVATE,
    "POST /api/v1/votes": PRIVATE,
    "POST /api/v1/votes/{vote_id}/ballots": PRIVATE,
    "POST /api/v1/votes/{vote_id}/cancel": PRIVATE,
    "POST /api/v1/votes/{vote_id}/close": PRIVATE,
    "POST /api/v1/votes/{vote_id}/open": PRIVATE,
    "POST /api/v1/votes/{vote_id}/paper": PRIVATE,
    "POST /api/v1/votes/{vote_id}/paper-voters": PRIVATE,
    "POST /api/v1/votes/{vote_id}/paper/correct": PRIVATE,
    "PUT /api/v1/notifications/channels": PRIVATE,
    "GET /api/v1/community/notices/mine": PRIVATE,
    "GET /api/v1/community/notices/{notice_id}": PRIVATE,
    "GET /api/v1/community/notices/{notice_id}/replies": PRIVATE,
    "GET /api/v1/community/{region_id}": PUBLIC,  # the community page's public content (signed in)
    "GET /api/v1/community/{region_id}/stories": PUBLIC,  # published stories (signed in)
    "GET /api/v1/consensus/flags": PRIVATE,
    "GET /api/v1/dashboards/sections": PRIVATE,
    "GET /api/v1/me/data": PRIVATE,
    "GET /api/v1/venues/": PRIVATE,
    "GET /api/v1/venues/shifts/mine": PRIVATE,
    "GET /api/v1/venues/visits/by-appeal/{appeal_id}": PRIVATE,
    "GET /api/v1/venues/{venue_id}": PRIVATE,
    "GET /api/v1/venues/{venue_id}/figures": PRIVATE,
    "GET /api/v1/venues/{venue_id}/shifts": PRIVATE,
    "GET /api/v1/venues/{venue_id}/visits": PRIVATE,
    "POST /api/v1/community/channels/{region_id}/notices": PRIVATE,
    "POST /api/v1/community/notices/{notice_id}/replies": PRIVATE,
    "POST /api/v1/community/wishes/{wish_id}/claim": PRIVATE,
    "POST /api/v1/community/wishes/{wish_id}/fulfil": PRIVATE,
    "POST /api/v1/community/wishes/{wish_id}/withdraw": PRIVATE,
    "POST /api/v1/community/{region_id}/ideas": PRIVATE,
    "POST /api/v1/community/{region_id}/wishes": PRIVATE,
    "POST /api/v1/consensus/statements/{statement_id}/dismiss-flags": PRIVATE,
    "POST /api/v1/consensus/statements/{statement_id}/flag": PRIVATE,
    "POST /api/v1/me/erase": PRIVATE,
    "POST /api/v1/venues/shifts/{shift_id}/complete": PRIVATE,
    "POST /api/v1/venues/shifts/{shift_id}/swaps": PRIVATE,
    "POST /api/v1/venues/swaps/{swap_id}/{action}": PRIVATE,
    "POST /api/v1/venues/visits/{visit_id}/appeal": PRIVATE,
    "POST /api/v1/venues/{venue_id}/visits": PRIVATE,
}
