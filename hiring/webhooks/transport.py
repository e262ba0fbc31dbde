"""Make one try of a delivery: an HTTP(S) POST with a short timeout, no redirects, and
no private or loopback address unless the configuration allows them.

The address is checked after resolving the host name, and the connection goes to the
address that was checked, so a name that resolves to an inside address (or changes
between the check and the connection) cannot reach the server's own network."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from hiring.items.messages import N_, CandidateError

BODY_EXCERPT = 2000  # characters of the response kept


class AddressRefused(CandidateError, ValueError):
    """The endpoint's address may not be used; the message says why (translated where
    HR reads it)."""


@dataclass(frozen=True)
class TryOutcome:
    code: int | None  # the HTTP status; None: no response
    body: str | None  # the first BODY_EXCERPT characters of the response
    duration_ms: int
    error: str | None = None  # why there was no response

    @property
    def ok(self) -> bool:
        return self.code is not None and 200 <= self.code < 300


def check_url(url: str) -> tuple[str, str, int]:
    """Return (scheme, host, port) of an endpoint's URL; raise AddressRefused if the URL
    is not an http or https address with a host."""
    if len(url) > 2000:
        raise AddressRefused(N_("The address is longer than 2000 characters."))
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(N_("The address must start with http:// or https://."))
    if not parts.hostname:
        raise AddressRefused(N_("The address has no host name."))
    if parts.username or parts.password:
        raise AddressRefused(N_("The address may not hold a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused(N_("The address has an invalid port.")) from None
    return parts.scheme, parts.hostname, port


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """Return the address to connect to; raise AddressRefused if the host does not
    resolve, or resolves to a private, loopback, link-local or reserved address (any of
    its addresses) while those are not allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(N_("The host name %(host)s does not resolve."),
                             host=host) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise AddressRefused(N_("The host name %(host)s does not resolve."), host=host)
    if not allow_private:
        inside = [a for a in addresses if not _public(a)]
        if inside:
            raise AddressRefused(N_(
                "The host %(host)s resolves to a private, loopback or reserved address "
                "(%(address)s); deliveries go to public addresses only."),
                host=host, address=inside[0])
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float,
         allow_private: bool, method: str = "POST") -> TryOutcome:
    """POST the body once (or send it with another method: Greenhouse is told with a
    PATCH); return what came back. Never raises for the network's failures (they are
    the outcome's error), nor follows a redirect (a 3xx is a failure: the endpoint
    should name its final address)."""
    began = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - began) * 1000)

    try:
        scheme, host, port = check_url(url)
        address = resolve(host, port, allow_private=allow_private)
    except AddressRefused as refused:
        return TryOutcome(None, None, took(), str(refused))
    parts = urlsplit(url.strip())
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, timeout)
    try:
        connection.request(method, path, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": "hiring-webhooks"})
        response = connection.getresponse()
        text = response.read(BODY_EXCERPT * 4).decode("utf-8", "replace")[:BODY_EXCERPT]
        return TryOutcome(response.status, text, took())
    except (OSError, http.client.HTTPException) as exc:
        return TryOutcome(None, None, took(), f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
