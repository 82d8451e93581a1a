"""适老化 large-text mode for the page shell: the account's choice when it made one,
otherwise the visitor's cookie (set by the switch in the top bar)."""

from django import template

register = template.Library()

COOKIE = "jlb_large_text"  # written by accounts.views.large_text


@register.simple_tag(takes_context=True)
def large_text_on(context) -> bool:
    request = context.get("request")
    if request is None:
        return False
    user = getattr(request, "user", None)
    chosen = getattr(user, "large_text", None) if getattr(user, "is_authenticated", False) else None
    if chosen is not None:
        return bool(chosen)
    return request.COOKIES.get(COOKIE) == "1"
