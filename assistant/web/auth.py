"""The sign-in side of the web app: keep the API description out of the login page; throttle failed sign-ins.

Gradio (6.x) answers "/" without a session with its login page, but that page still embeds
`window.gradio_api_info`: every endpoint with its parameters, including the choices of the Documents and
Country dropdowns, that is the indexed file names and countries (routes.py renders it whatever the auth state).
This ASGI middleware blanks that object in HTML sent to a client without a valid session; the logged-in page
is untouched, and every JSON route already refuses such a client with 401.

Use: `app.launch(..., app_kwargs={"middleware": [ui_auth.middleware()]})` when logins are configured.

Failed sign-ins are throttled by `ThrottleLogins` (see LoginThrottle): per user name and per client address,
so neither guessing one user's password nor trying many users from one address goes faster than a few tries a
minute. Behind a reverse proxy every client has the proxy's address; the per-name limit still holds.
"""
from __future__ import annotations

import json
import math
import re
import time
from collections import OrderedDict
from typing import Any, Callable
from urllib.parse import parse_qs

_API_INFO = re.compile(rb"window\.gradio_api_info\s*=\s*\{.*?\};\s*</script>", re.S)
_EMPTY_INFO = b'window.gradio_api_info = {"named_endpoints": {}, "unnamed_endpoints": {}};</script>'


def middleware() -> Any:
    """A starlette Middleware entry for FastAPI(middleware=[...])."""
    from starlette.middleware import Middleware

    return Middleware(HideApiInfoWithoutSession)


def _signed_in(scope: dict) -> bool:
    """Whether the request carries a session cookie the Gradio app issued (as its get_current_user checks)."""
    app = scope.get("app")
    if getattr(app, "auth", None) is None or getattr(app, "tokens", None) is None:
        return True  # no login configured: nothing to hide
    return session_user(scope) is not None


def session_user(scope: dict) -> str | None:
    """The user name of the request's session cookie (None without a valid one; "" when there are no logins)."""
    app = scope.get("app")
    tokens = getattr(app, "tokens", None)
    if getattr(app, "auth", None) is None or tokens is None:
        return ""
    cookie_id = getattr(app, "cookie_id", "")
    cookies = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                cookies[key] = val
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return tokens.get(token) if token else None


class HideApiInfoWithoutSession:
    """Pure ASGI middleware: buffers HTML responses to clients without a session and blanks the API info."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or _signed_in(scope):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        body = bytearray()
        passthrough = False

        async def capture(message: dict) -> None:
            nonlocal passthrough
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                passthrough = not headers.get(b"content-type", b"").startswith(b"text/html")
                if passthrough:
                    await send(message)
                else:
                    start.update(message)
                return
            if passthrough:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body"):
                html = _API_INFO.sub(lambda _: _EMPTY_INFO, bytes(body))
                sent = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
                sent.append((b"content-length", str(len(html)).encode()))
                await send({**start, "headers": sent})
                await send({"type": "http.response.body", "body": html})

        await self.app(scope, receive, capture)


# -- sign-in throttling ---------------------------------------------------------------------------------------
_WINDOW = 15 * 60  # seconds a failed sign-in counts against its user name and address
_MAX_LOCKOUT = 3600.0
_MAX_KEYS = 10_000  # user names and addresses tracked at once (oldest forgotten first)
_MAX_FORM = 64 * 1024


class LoginThrottle:
    """Failed sign-ins counted per user name and per client address.

    After max_failures failures of one key within 15 minutes, sign-ins for that key are refused for lockout
    seconds, doubled at every further failure (up to an hour). A success clears its user name's count.

    Args:
        max_failures: failures allowed before the lockout.
        lockout: seconds of the first lockout.
        clock: seconds, monotonic (injected by tests).
    """

    def __init__(self, max_failures: int = 5, lockout: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.lockout, self.clock = max(1, max_failures), lockout, clock
        self._failures: OrderedDict[str, list[float]] = OrderedDict()

    def wait(self, keys: list[str]) -> float:
        """Seconds before these keys may try again (0: now)."""
        now = self.clock()
        return max([0.0, *(self._locked_until(key, now) - now for key in keys)])

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        for key in keys:
            times = [t for t in self._failures.pop(key, []) if now - t < _WINDOW] + [now]
            self._failures[key] = times
        while len(self._failures) > _MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)

    def _locked_until(self, key: str, now: float) -> float:
        times = [t for t in self._failures.get(key, []) if now - t < _WINDOW]
        if len(times) < self.max_failures:
            return 0.0
        return times[-1] + min(_MAX_LOCKOUT, self.lockout * 2 ** (len(times) - self.max_failures))


def throttle_middleware(max_failures: int, lockout_seconds: float) -> Any:
    """A starlette Middleware entry that throttles POST /login."""
    from starlette.middleware import Middleware

    return Middleware(ThrottleLogins, throttle=LoginThrottle(max_failures, lockout_seconds))


class ThrottleLogins:
    """Pure ASGI middleware: refuses sign-ins of a locked user name or address with 429 and Retry-After."""

    def __init__(self, app: Any, throttle: LoginThrottle):
        self.app, self.throttle = app, throttle

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or \
                not scope.get("path", "").rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        user = parse_qs(body.decode("utf-8", "replace")).get("username", [""])[0].strip().lower()
        keys = [f"user:{user}", f"addr:{(scope.get('client') or ('?',))[0]}"]
        wait = self.throttle.wait(keys)
        if wait > 0:
            await _send_text(send, 429, f"Too many failed sign-ins; try again in {math.ceil(wait)} s.",
                             [(b"retry-after", str(math.ceil(wait)).encode())])
            return
        status = {}

        async def replay() -> dict:
            if "sent" not in status:
                status["sent"] = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status.get("code") == 200:
            self.throttle.succeeded(keys[0])
        elif status.get("code") in (400, 401, 403):
            self.throttle.failed(keys)


async def _read_body(receive: Any) -> bytes:
    body, more = bytearray(), True
    while more and len(body) <= _MAX_FORM:
        message = await receive()
        body.extend(message.get("body", b""))
        more = message.get("more_body", False)
    return bytes(body[:_MAX_FORM])


async def _send_text(send: Any, status: int, text: str, headers: list | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), *(headers or [])]})
    await send({"type": "http.response.body", "body": json.dumps({"detail": text}).encode()})
