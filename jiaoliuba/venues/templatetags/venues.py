"""`{% load venues %}{% community_venue_cards region %}`: the venue cards of a community,
for its public page, without the page's app importing venues."""

from __future__ import annotations

from typing import Any

from django import template

from jiaoliuba.venues import presenters, selectors

register = template.Library()


@register.inclusion_tag("venues/_venue_cards.html")
def community_venue_cards(region: Any) -> dict[str, Any]:
    return {"cards": [presenters.venue_card(v) for v in selectors.community_venues(region=region)]}
