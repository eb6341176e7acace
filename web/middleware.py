"""Plain ASGI middleware: request size limit, same-origin check, security headers.

Written as raw ASGI (not ``BaseHTTPMiddleware``) so streaming responses, file
downloads and the call WebSocket pass through untouched and cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The app's own pages: scripts, styles, media and sockets from this origin only.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# The evaluator's printable report: self-contained HTML with one inline <style>, no scripts.
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
# Swagger UI (served from the swagger-ui-bundle package) needs one inline script and styles.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)


async def _send_json(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        limit_message = f"request body larger than the {self.max_bytes}-byte limit"
        if declared is not None:
            if not declared.isdigit():
                await _send_json(send, 400, "invalid Content-Length header", [])
                return
            if int(declared) > self.max_bytes:
                await _send_json(send, 413, limit_message, [])
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _send_json(send, 413, limit_message, [])


class SameOriginMiddleware:
    """Refuse state-changing requests and sockets sent from another site.

    Browsers attach ``Origin`` (and ``Sec-Fetch-Site``) to cross-site requests;
    a mismatch with ``Host`` means another page is trying to act with this
    user's cookie. Scripts and tests that send neither header are allowed: they
    cannot carry a victim's cookie. The per-session CSRF token is checked as
    well, in the authentication dependency.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        unsafe = scope["type"] == "websocket" or (
            scope["type"] == "http" and scope["method"] not in SAFE_METHODS
        )
        if unsafe and not self._same_origin(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "cross-site"})
                return
            await _send_json(send, 403, "cross-site request refused", [])
            return
        await self.app(scope, receive, send)

    @staticmethod
    def _same_origin(scope: Scope) -> bool:
        if _header(scope, b"sec-fetch-site") == "cross-site":
            return False
        origin = _header(scope, b"origin")
        if origin is None:
            return True
        host = _header(scope, b"host")
        return origin != "null" and host is not None and urlsplit(origin).netloc == host


class SecurityHeadersMiddleware:
    """Add CSP and the usual hardening headers to every HTTP response."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith("/docs"):
            csp = _DOCS_CSP
        elif path.endswith("/report.html"):
            csp = _REPORT_CSP
        else:
            csp = _CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {key.lower() for key, _ in headers}
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"permissions-policy", b"microphone=(self), camera=(), geolocation=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if path.startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
