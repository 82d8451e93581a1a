"""Who is on the other end of a request.

Behind nginx the peer (REMOTE_ADDR) is nginx itself, or nothing at all over gunicorn's unix
socket: every resident would share one rate-limit bucket and the audit log would record the
proxy. nginx sends the client's address in X-Real-IP (deploy/nginx/jiaoliuba.conf), but a
client can send that header too, so it is believed only when the peer is a proxy named in
TRUSTED_PROXIES: addresses or networks (127.0.0.1, 10.0.0.0/8), or `unix` for a peer on a
unix socket. Empty (the default) trusts no one: the header is ignored."""

from __future__ import annotations

import ipaddress
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

UNIX_SOCKET = "unix"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted() -> tuple[bool, tuple[Network, ...]]:
    """(a unix-socket peer is trusted, the trusted networks) from TRUSTED_PROXIES."""
    unix = False
    networks: list[Network] = []
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        entry = entry.strip()
        if entry.lower() == UNIX_SOCKET:
            unix = True
        elif entry:
            networks.append(ipaddress.ip_network(entry, strict=False))
    return unix, tuple(networks)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "TRUSTED_PROXIES":
        _trusted.cache_clear()


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def peer_is_trusted_proxy(peer: str) -> bool:
    unix, networks = _trusted()
    if not peer:
        return unix
    address = _address(peer)
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: X-Real-IP when the peer is a trusted proxy and the header
    holds one address, otherwise the peer itself (None when there is none)."""
    peer = request.META.get("REMOTE_ADDR") or ""
    if peer_is_trusted_proxy(peer):
        real = _address(request.META.get("HTTP_X_REAL_IP", ""))
        if real is not None:
            return str(real)
    return peer or None
