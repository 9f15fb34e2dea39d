"""The gateway's login pages: ask for a link by mail, use a link, log out.

A link printed on the console logs in when opened (one click); a mailed link first asks
(a button), since mail scanners open links. Requests for links and invalid links are
rate-limited per client address (and per address asked for).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ikz.app import App
from ikz.gateway import identity as ident
from ikz.gateway import pages
from ikz.proof.links import digest
from models import gateway as g
from models.outbox import last_id
from models.people import person
from states.errors import IkzError

log = logging.getLogger("ikz.gateway")

SESSION_COOKIE = "ikz_session"
# Sends the mail queued after outbox row `after_id` now (the stack: flows.common.send_now).
SendMail = Callable[[App, int], object]


@dataclass
class RateLimit:
    """At most `limit` events per key within `window` seconds (in memory, per process)."""

    limit: int
    window: float
    _seen: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str) -> int:
        """Events of `key` within the window."""
        now = time.monotonic()
        with self._lock:
            q = self._seen[key]
            while q and q[0] <= now - self.window:
                q.popleft()
            return len(q)

    def hit(self, key: str) -> bool:
        """Count one event; False when the key is over its limit."""
        now = time.monotonic()
        with self._lock:
            q = self._seen[key]
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            return True


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in ("de", "en"):
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "de"


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})


def client_of(request: Request) -> str:
    return request.client.host if request.client else "?"


class LoginPages:
    def __init__(
        self,
        app: App,
        send_mail: SendMail | None = None,
        *,
        failures: RateLimit | None = None,
    ) -> None:
        self.app = app
        self.send_mail = send_mail
        # Links asked for: per address (a person's inbox) and per client (an office
        # behind one address asks for several people).
        self.per_address = RateLimit(limit=5, window=900)
        self.per_client = RateLimit(limit=30, window=900)
        self.failures = failures or RateLimit(limit=10, window=900)
        self.secure = app.settings.ui_base_url.startswith("https://")

    def router(self) -> APIRouter:
        r = APIRouter()
        r.add_api_route("/login", self.login_page, methods=["GET"])
        r.add_api_route("/login", self.ask_for_link, methods=["POST"])
        r.add_api_route("/login/{secret_part}", self.open_link, methods=["GET"])
        r.add_api_route("/login/{secret_part}", self.use_link, methods=["POST"])
        r.add_api_route("/logout", self.logout_page, methods=["GET"])
        r.add_api_route("/logout", self.logout, methods=["POST"])
        return r

    def login_page(self, request: Request) -> HTMLResponse:
        return html(pages.login_form(language(request)))

    async def ask_for_link(self, request: Request) -> HTMLResponse:
        lang = language(request)
        form = urllib.parse.parse_qs((await request.body()).decode(errors="replace"))
        email = (form.get("email") or [""])[0].strip().lower()[:320]
        if not email or "@" not in email:
            note = pages.t(
                lang, "Bitte eine E-Mail-Adresse angeben.", "Please enter an email address."
            )
            return html(pages.login_form(lang, note), 400)
        if not (self.per_client.hit(client_of(request)) and self.per_address.hit(email)):
            return self._too_many(lang, mails=True)
        await run_in_threadpool(self._request_link, email)
        return html(pages.link_sent(lang))

    def _request_link(self, email: str) -> None:
        with self.app.db.read() as s:
            before = last_id(s)
        if ident.request_mail_link(self.app, email) is not None and self.send_mail is not None:
            try:
                self.send_mail(self.app, before)
            except Exception:  # the dispatcher sends it later
                log.exception("login mail not sent at once")

    def _too_many(self, lang: str, *, mails: bool) -> HTMLResponse:
        text = (
            pages.t(
                lang,
                "Zu viele Anmeldelinks in kurzer Zeit. Bitte warten Sie 15 Minuten.",
                "Too many login links in a short time. Please wait 15 minutes.",
            )
            if mails
            else pages.t(
                lang,
                "Zu viele ungültige Links in kurzer Zeit. Bitte warten Sie 15 Minuten.",
                "Too many invalid links in a short time. Please wait 15 minutes.",
            )
        )
        title = pages.t(lang, "Zu viele Versuche", "Too many attempts")
        return html(pages.message(lang, title, text), 429)

    def _pending_link(self, secret_part: str) -> tuple[str, str, str] | None:
        """(channel, name, language) of an unused, unexpired link; None otherwise."""
        with self.app.db.read() as s:
            link = g.login_link_by_hash(digest(secret_part), session=s)
            if link is None or link.used_at is not None or link.expires_at <= self.app.clock():
                return None
            p = person(link.person_id, session=s)
        if p is None:
            return None
        return link.channel, p.name, p.language

    async def open_link(self, request: Request, secret_part: str) -> Response:
        found = await run_in_threadpool(self._pending_link, secret_part)
        if found is not None and found[0] == "mail":
            _channel, name, lang = found
            return html(pages.confirm_link(lang, name, f"/login/{secret_part}"))
        return await self.use_link(request, secret_part)

    async def use_link(self, request: Request, secret_part: str) -> Response:
        lang = language(request)
        # Only failed attempts count against the limit.
        if self.failures.count(f"ip:{client_of(request)}") >= self.failures.limit:
            return self._too_many(lang, mails=False)
        try:
            session_secret, row = await run_in_threadpool(ident.redeem, self.app, secret_part)
        except IkzError as exc:
            self.failures.hit(f"ip:{client_of(request)}")
            title = pages.t(lang, "Anmeldung nicht möglich", "Cannot log in")
            return html(pages.message(lang, title, exc.en if lang == "en" else exc.de), 400)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_secret,
            max_age=int(self.app.settings.session_hours * 3600),
            httponly=True,
            samesite="lax",
            secure=self.secure,
            path="/",
        )
        log.info("person %s logged in (session %s)", row.person_id, row.id)
        return response

    def logout_page(self, request: Request) -> HTMLResponse:
        return html(pages.logout_form(language(request)))

    async def logout(self, request: Request) -> Response:
        lang = language(request)
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie:
            await run_in_threadpool(ident.logout, self.app, cookie)
        title = pages.t(lang, "Abgemeldet", "Logged out")
        response = html(
            pages.message(lang, title, pages.t(lang, "Sie sind abgemeldet.", "You are logged out."))
        )
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
