from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind nginx, configure it to set REMOTE_ADDR (real_ip module)
    rather than trusting X-Forwarded-For from the client."""
    return request.META.get("REMOTE_ADDR") or None
