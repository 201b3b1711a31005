"""Edge protection as pure ASGI middleware: body size limit, API keys, rate limits, security headers.

Pure ASGI (not BaseHTTPMiddleware) keeps streaming intact and adds little per-request cost.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import math
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from service.config import Network, Settings, parse_networks
from service.replicas import SharedState

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Every page, the API docs included (Swagger UI is served from this server, started by a script file),
# needs nothing from elsewhere and runs no inline script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
BASE_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                (b"x-frame-options", b"DENY")]


async def send_json(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """nosniff, same-origin referrers, DENY framing and a strict CSP on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *BASE_HEADERS,
                                      (b"content-security-policy", CSP.encode())]
            await send(message)

        await self.app(scope, receive, wrapped)


class BodyLimit:
    """413 for request bodies over the limit, by Content-Length or by counting a chunked body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body is larger than {self.max_bytes} bytes"
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await send_json(send, 413, message)
                return
        # Read the (bounded) body first, so an over-long chunked body is refused before the app sees it.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":
                await self.app(scope, _replay([], msg, receive), send)
                return
            chunks.append(msg.get("body", b""))
            received += len(chunks[-1])
            more = msg.get("more_body", False)
            if received > self.max_bytes:
                await send_json(send, 413, message)
                return
        await self.app(scope, _replay(chunks, None, receive), send)


def _replay(chunks: list[bytes], pending: Message | None, receive: Receive) -> Receive:
    """A receive() that hands the app the already-read body, then defers to the real one."""
    queue: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}] if chunks else []
    if pending is not None:
        queue.append(pending)

    async def replay() -> Message:
        return queue.pop(0) if queue else await receive()

    return replay


class AccessControl:
    """API keys on /api/*, same-origin checks on the page's /web/* and /chat routes, rate limits on both."""

    def __init__(self, app: ASGIApp, settings: Settings, shared: SharedState) -> None:
        self.app = app
        self.keys = [k.encode() for k in settings.api_keys]
        self.session_secret = session_secret(settings)
        self.page_access = settings.page_access
        self.identity_header = settings.proxy_identity_header.lower()
        self.trusted = TrustedProxies(settings.trusted_proxies)
        self.shared = shared  # the rate-limit buckets: in Redis when replicas share them, else in-process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        is_api = path.startswith("/api/")
        is_page = path == "/" or path.startswith(("/web/", "/chat", "/articles/"))
        if scope["type"] != "http" or not (is_api or is_page):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
        peer = (scope.get("client") or ("unknown", 0))[0]
        client = self._client_address(peer, headers)
        key_id = f"ip:{client}"
        proto = headers.get("x-forwarded-proto", "").rpartition(",")[2].strip().lower()
        if proto in ("http", "https") and self.trusted.has(peer):
            scope["scheme"] = proto  # TLS ended at our proxy: the session cookie is still marked Secure
        if is_api and self.keys:
            token = headers.get("authorization", "")
            presented = token[7:].strip().encode() if token[:7].lower() == "bearer " else b""
            # compare against every key, so the time taken does not reveal which one nearly matched
            matches = [hmac.compare_digest(presented, key) for key in self.keys]
            if not presented or not any(matches):
                # failed attempts spend the client address's budget too, so keys cannot be guessed at speed
                if await self._over_budget(key_id, send):
                    return
                await send_json(send, 401, "a valid API key is required: send `Authorization: Bearer <key>`",
                                [(b"www-authenticate", b"Bearer")])
                return
            key_id = f"key:{matches.index(True)}"
        # Conversations belong to their owner: the API key (by a hash, never the key), or the browser
        # session; without keys the open API is one owner whose ids are unguessable or its own.
        new_cookie = b""
        if is_page and self.page_access == "off":
            await send_json(send, 404, "the chat page is turned off here (ROLEQA_PAGE_ACCESS=off); use the API")
            return
        if is_api:
            owner = f"key:{hashlib.sha256(presented).hexdigest()[:16]}" if self.keys else "api"
        elif self.page_access == "proxy":
            # identity from the authenticating proxy in front (e.g. oauth2-proxy), believed only from it
            user = headers.get(self.identity_header, "").strip()
            if not self.trusted.has(peer) or not user:
                await send_json(send, 403, "sign in through the company proxy to use the chat page")
                return
            owner = f"user:{user.lower()}"
            key_id = f"user:{user.lower()}"
            scope.setdefault("state", {})["csrf"] = self._sign(f"csrf:{owner}")
        else:
            session = self._session(headers.get("cookie", ""))
            if session is None:
                session = secrets.token_hex(16)
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                new_cookie = (f"{SESSION_COOKIE}={session}.{self._sign(session)}; Path=/; HttpOnly; "
                              f"SameSite=Lax; Max-Age=31536000{secure}").encode()
            owner = f"web:{session}"
            scope.setdefault("state", {})["csrf"] = self._sign(f"csrf:{owner}")
        scope.setdefault("state", {})["owner"] = owner
        if new_cookie:
            send = _with_header(send, (b"set-cookie", new_cookie))
        if is_page and scope.get("method") == "POST" and not _same_origin(headers):
            await send_json(send, 403, "cross-site requests to the chat page are not allowed")
            return
        if is_page and scope.get("method") == "POST" and path.startswith("/web/") and not same_token(
                headers.get("x-csrf-token", ""), scope["state"]["csrf"]):
            # form posts (/chat...) carry the token as a field, checked by their routes
            await send_json(send, 403, "missing or stale page token: reload the page and try again")
            return
        if await self._over_budget(key_id, send):
            return
        await self.app(scope, receive, send)

    async def _over_budget(self, key_id: str, send: Send) -> bool:
        """Spend one request of `key_id`'s budget; when it is spent, answer 429 with Retry-After."""
        wait = await self.shared.take(key_id)
        if wait <= 0:
            return False
        retry = str(max(1, math.ceil(wait)))
        await send_json(send, 429, f"too many requests; retry in {retry} s", [(b"retry-after", retry.encode())])
        return True


    def _client_address(self, peer: str, headers: dict[str, str]) -> str:
        """The client's address: the peer, or, when the peer is a trusted proxy, the last address in
        X-Forwarded-For that is not one of our proxies. Anyone else's X-Forwarded-For is ignored."""
        if not self.trusted.has(peer):
            return peer
        for hop in reversed([h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]):
            if not self.trusted.has(hop):
                return _canonical(hop)
        return peer

    def _sign(self, session: str) -> str:
        return hmac.new(self.session_secret, session.encode(), hashlib.sha256).hexdigest()[:32]

    def _session(self, cookie_header: str) -> str | None:
        """The browser session id from a cookie this server signed, else None."""
        for part in cookie_header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE:
                session, _, signature = value.partition(".")
                if len(session) == 32 and same_token(signature, self._sign(session)):
                    return session
        return None


SESSION_COOKIE = "roleqa_session"


class TrustedProxies:
    """ROLEQA_TRUSTED_PROXIES as networks: addresses and CIDR ranges, IPv4 and IPv6."""

    def __init__(self, entries: list[str]) -> None:
        self.networks: list[Network] = parse_networks(entries)

    def has(self, address: str) -> bool:
        """Whether `address` (a peer or an X-Forwarded-For hop) is inside a trusted network; not an address: no."""
        if not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # a dual-stack socket reports an IPv4 proxy as ::ffff:a.b.c.d
        return any(ip in network for network in self.networks)


def _canonical(address: str) -> str:
    """One spelling per client address (2001:DB8::1 and 2001:db8:0::1 share a budget); other text as sent."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def same_token(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (compare_digest refuses such str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())



def session_secret(settings: Settings) -> bytes:
    """The key that signs browser sessions: ROLEQA_SESSION_SECRET, else one kept in a file beside the
    data (created once, readable by this user only), so every worker and restart accepts the cookie."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode()
    path = Path(settings.session_key_file)
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # first writer wins; others read what it wrote
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return bytes.fromhex(path.read_text().strip())


def _with_header(send: Send, header: tuple[bytes, bytes]) -> Send:
    async def wrapped(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), header]
        await send(message)
    return wrapped


def _same_origin(headers: dict[str, str]) -> bool:
    site = headers.get("sec-fetch-site")
    if site in ("cross-site", "same-site"):
        return False
    origin = headers.get("origin")
    if origin == "null":
        # a browser hiding the origin of a form post (strict referrer settings) still says where it came from
        return site == "same-origin"
    if not origin:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1] == host
