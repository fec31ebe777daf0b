"""Keep the app's API description out of the login page.

Gradio (6.x) answers "/" without a session with its login page, but that page still embeds
`window.gradio_api_info`: every endpoint with its parameters, including the choices of the Documents and
Country dropdowns, that is the indexed file names and countries (routes.py renders it whatever the auth state).
This ASGI middleware blanks that object in HTML sent to a client without a valid session; the logged-in page
is untouched, and every JSON route already refuses such a client with 401.

Use: `app.launch(..., app_kwargs={"middleware": [ui_auth.middleware()]})` when logins are configured.
"""
from __future__ import annotations

import re
from typing import Any

_API_INFO = re.compile(rb"window\.gradio_api_info\s*=\s*\{.*?\};\s*</script>", re.S)
_EMPTY_INFO = b'window.gradio_api_info = {"named_endpoints": {}, "unnamed_endpoints": {}};</script>'


def middleware() -> Any:
    """A starlette Middleware entry for FastAPI(middleware=[...])."""
    from starlette.middleware import Middleware

    return Middleware(HideApiInfoWithoutSession)


def _signed_in(scope: dict) -> bool:
    """Whether the request carries a session cookie the Gradio app issued (as its get_current_user checks)."""
    app = scope.get("app")
    tokens = getattr(app, "tokens", None)
    if getattr(app, "auth", None) is None or tokens is None:
        return True  # no login configured: nothing to hide
    cookie_id = getattr(app, "cookie_id", "")
    cookies = {}
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                cookies[key] = val
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return token in tokens


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
