"""The address of the person at the other end of a request, as the site's own proxies saw it.

Behind the proxy of docs/deploy.md every request's ``REMOTE_ADDR`` is the proxy's address, so
anything counted per ``REMOTE_ADDR`` (log-in failures, text-message codes) would count everyone
together, and thirty wrong passwords anywhere would hold up every learner. The proxy appends
the address it saw to ``X-Forwarded-For``; but a client can send that header too, so it is
believed only as far as it was written by proxies the site runs.

``TRUSTED_PROXIES`` (settings, from the environment: addresses or networks, comma-separated)
lists those proxies. When the request comes from one of them, ``X-Forwarded-For`` is read from
right to left, each hop written by a trusted proxy is skipped, and the first address that is
not a trusted proxy is the client: whatever a client put further left is its own words and
ignored. A request from any other address is taken at its ``REMOTE_ADDR``, whatever headers it
carries, so a spoofed ``X-Forwarded-For`` changes nothing.

Use: from any view or service that counts or limits per client (log-in throttling,
text-message codes, webhooks' allowed networks): ``client_key(request)``, never ``REMOTE_ADDR``.
"""

from __future__ import annotations

import functools
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: IPv6 addresses are counted per /64: one household or phone is given a whole /64, and
#: counting single addresses would give each of them 2**64 fresh starts.
IPV6_PREFIX = 64


def client_address(request) -> str:
    """The client's address as text (empty when there is no request or it cannot be told)."""
    if request is None:
        return ""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _is_trusted(remote, networks):
        if not networks and remote.is_private and "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_untrusted_proxy(str(remote))
        return str(remote)
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Not written by a proxy (they write bare addresses): stop at the last one that was.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)


def address_key(address: str) -> str:
    """What rate limits count an address as: itself for IPv4, its /64 network for IPv6."""
    parsed = _parse(address)
    if parsed is None:
        return ""
    if parsed.version == 6:
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def client_key(request) -> str:
    """:func:`address_key` of the request's :func:`client_address`."""
    return address_key(client_address(request))


@functools.cache
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The parsed ``TRUSTED_PROXIES`` (a bad entry is an error at the first request)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


@functools.cache
def _warn_untrusted_proxy(remote: str) -> None:
    """Once per process and address: the likely mistake of a proxy left out of the setting."""
    logger.warning(
        "client address: %s forwards requests (X-Forwarded-For) but TRUSTED_PROXIES is empty, "
        "so every client behind it counts as one address (see docs/deploy.md)",
        remote,
    )


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def _parse(text: str) -> Address | None:
    """An address as proxies write it: bare, ``[v6]:port`` or ``v4:port``; None otherwise."""
    text = (text or "").strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
