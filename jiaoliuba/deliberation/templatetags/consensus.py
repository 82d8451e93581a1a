"""{% consensus_questions topic %}: the consensus questions of a topic on its page, read
through the consensus selectors for the user in the template's request."""

from __future__ import annotations

from typing import Any

from django import template

from jiaoliuba.deliberation import policies
from jiaoliuba.deliberation.choices import OPEN_STAGES
from jiaoliuba.deliberation.consensus import selectors

register = template.Library()


@register.inclusion_tag("deliberation/consensus/_topic_block.html", takes_context=True)
def consensus_questions(context: dict[str, Any], topic: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "topic": topic,
        "questions": selectors.questions_of_topic(user=user, topic=topic),
        "may_open": topic.stage in OPEN_STAGES and policies.may_manage(user, topic),
    }
