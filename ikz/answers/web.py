"""The answer pages: `router` (FastAPI), mounted publicly at /answer/ by the gateway that
`ikz up` serves.

GET /answer/{token} shows the question; POST /answer/{token} takes the form (step
"review": the confirmation page; "edit": back to the question with the choice kept;
"confirm": record, then resume the waiting Prefect run). The token in the path is the
only credential, and the form posts back to it, so another site cannot post an answer
(it would need the token). Every POST checks the link again. A refused link gets its
page with a 4xx status and changes nothing; a client with too many refused links gets
429 for a while (`FailureLimiter`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from ikz.answers import pages
from ikz.answers.links import LinkRefused
from ikz.answers.record import answer, clean_note, question
from ikz.answers.resume import resume_run
from ikz.answers.shapes import Outcome, Question
from ikz.app import App, open_app
from states.errors import IkzError

log = logging.getLogger("ikz.answers")

STATUS = {"forged": 404, "used": 410, "expired": 410, "foreign": 409}
MAX_BODY = 16_384
HEADERS = {
    # The token is in the address: never cache it or send it on as a referrer.
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


class FailureLimiter:
    """Refused links per client: more than `limit` within `window` seconds and the client
    gets 429 until its oldest failure leaves the window."""

    def __init__(
        self, limit: int = 10, window: float = 900.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        now = self.clock()
        q = self._failures.setdefault(client, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client)) >= self.limit

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self.clock())


class _Binding:
    """The application the pages act through: bound by whoever serves the router (the
    gateway, a test), else opened from the settings on first use."""

    def __init__(self) -> None:
        self.app: App | None = None
        self.limiter = FailureLimiter()
        self._lock = threading.Lock()

    def get(self) -> App:
        with self._lock:
            if self.app is None:
                self.app = open_app()
            return self.app


BINDING = _Binding()


def bind(app: App, limiter: FailureLimiter | None = None) -> None:
    """Serve the pages through `app` (and a fresh limiter, or the one given)."""
    BINDING.app = app
    BINDING.limiter = limiter or FailureLimiter()


router = APIRouter()


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refused(request: Request, code: str) -> HTMLResponse:
    BINDING.limiter.failed(_client(request))
    return _html(pages.refused_page(code), STATUS.get(code, 400))


def _action(token: str) -> str:
    # Relative to the page itself: right behind any prefix the gateway mounts it at.
    return token


@router.get("/answer/{token}", response_class=HTMLResponse)
async def show_question(token: str, request: Request) -> HTMLResponse:
    if BINDING.limiter.blocked(_client(request)):
        return _html(pages.refused_page("rate_limited"), 429)
    try:
        q = await run_in_threadpool(question, BINDING.get(), token)
    except LinkRefused as exc:
        return _refused(request, exc.code)
    return _html(pages.question_page(q, _action(token)))


@router.post("/answer/{token}", response_class=HTMLResponse)
async def take_answer(token: str, request: Request) -> HTMLResponse:
    if BINDING.limiter.blocked(_client(request)):
        return _html(pages.refused_page("rate_limited"), 429)
    body = await request.body()
    if len(body) > MAX_BODY:
        return _html(pages.refused_page("too_large"), 413)
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}
    app = BINDING.get()
    try:
        q = await run_in_threadpool(question, app, token)
    except LinkRefused as exc:
        return _refused(request, exc.code)
    chosen = form.get("answer")
    note = form.get("note", "").strip()
    step = form.get("step", "review")
    errors = _errors(q, chosen, note)
    if errors or step == "edit":
        status = 422 if errors else 200
        return _html(
            pages.question_page(q, _action(token), chosen=chosen, note=note, errors=errors),
            status,
        )
    assert chosen is not None
    if step != "confirm":
        return _html(pages.confirm_page(q, _action(token), chosen, note))
    try:
        outcome = await run_in_threadpool(answer, app, token, chosen == "yes", note)
    except LinkRefused as exc:
        return _refused(request, exc.code)
    except IkzError as exc:
        # The act itself refused (e.g. the cooperation ended meanwhile): nothing written.
        log.warning("Antwort nicht erfasst: %s", exc.text())
        return _html(pages.refused_page("foreign"), 409)
    await run_in_threadpool(_resume, app, outcome)
    return _html(pages.done_page(outcome))


def _errors(q: Question, chosen: str | None, note: str) -> dict[str, str]:
    en = q.language == "en"
    errors: dict[str, str] = {}
    if chosen not in {"yes", "no"}:
        errors["answer"] = "Please choose Yes or No." if en else "Bitte wählen Sie Ja oder Nein."
    try:
        clean_note(note)
    except IkzError as exc:
        errors["note"] = exc.text("en" if en else "de")
    return errors


def _resume(app: App, outcome: Outcome) -> None:
    if outcome.flow_run_id:
        resume_run(app.settings, outcome.flow_run_id)
    elif outcome.cooperation_id:
        refresh_page(app, outcome.cooperation_id)


def refresh_page(app: App, cooperation_id: int) -> None:
    """The cooperation's page written anew with the answer (a sign-off's is written by
    its resumed run). Never fails the answer, which is recorded: a page not written now
    is with the next change or the hourly refresh."""
    from ikz.events.artifacts import publish_markdown
    from ikz.gateway.page_links import coop_key
    from ikz.review import cooperation_markdown

    markdown = cooperation_markdown(app, cooperation_id)
    done = publish_markdown(
        app.settings,
        coop_key(cooperation_id),
        markdown,
        f"Kooperation {cooperation_id}: Zustand, Checkliste, Verlauf",
    )
    if done not in ("ok", "no_server"):
        log.warning("Seite der Kooperation %s nicht aktualisiert: %s", cooperation_id, done)
