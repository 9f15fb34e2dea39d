"""The gateway: the one public port of `ikz up`, in front of the Prefect UI and API.

Open without login: `/api/health`, the login pages, and the public routers (mail-link
answer pages under `/answer/`). Everything else needs a person: a session cookie from a
login link, or `Authorization: Bearer <token>` (a personal API token). The gateway then
forwards to the Prefect server on its internal port with the server's basic auth (known
only to ikz-flow's processes), stamping every flow run it creates (ikz.gateway.proxy).
"""

from __future__ import annotations

import base64
import importlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from prefect.client.base import PrefectHttpxAsyncClient
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from ikz.app import App
from ikz.forms.messages import german as forms_german
from ikz.gateway import identity as ident
from ikz.gateway.login import SESSION_COOKIE, LoginPages, SendMail, html, language
from ikz.gateway.page_links import PREFIX as PAGE_PREFIX
from ikz.gateway.page_links import TITLES, page_of
from ikz.gateway.pages import message, t
from ikz.gateway.proxy import Refused, deployment_of, rewrite
from ikz.proof.secret import server_secret
from ikz.proof.stamp import STAMP_PARAMETER

log = logging.getLogger("ikz.gateway")

HEALTH = "/api/health"
# Where the Prefect UI has a form checked before Submit (answered in German, see
# ikz.forms.messages).
FORM_CHECK = "/api/ui/schemas/validate"

# --- Public routers: reachable without login. ------------------------------------------
# "module:attribute" of a FastAPI APIRouter each; a module that is not installed is
# skipped. The routers find the application as `request.app.state.ikz` (an ikz App).
PUBLIC_ROUTERS: tuple[str, ...] = ("ikz.answers.web:router",)
# Path prefixes the public routers serve (and the gateway's own login pages).
PUBLIC_PREFIXES: tuple[str, ...] = ("/answer/", "/login", "/logout")

# Request headers not passed on: hop-by-hop, and the person's own credentials.
DROP_REQUEST = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "upgrade",
        "te",
        "authorization",
        "cookie",
        "content-length",
        "accept-encoding",
    }
)
DROP_RESPONSE = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"}
)


def basic_auth(auth_string: str) -> str:
    return "Basic " + base64.b64encode(auth_string.encode()).decode()


def is_public(path: str) -> bool:
    if path == HEALTH:
        return True
    return any(path == p.rstrip("/") or path.startswith(p) for p in PUBLIC_PREFIXES)


def create_gateway(
    app: App,
    upstream: str,
    auth_string: str,
    *,
    send_mail: SendMail | None = None,
) -> FastAPI:
    """The gateway for the Prefect server at `upstream` (http://127.0.0.1:PORT, no /api).

    `send_mail(app, after_outbox_id)` sends a queued login mail right away (the stack
    passes the dispatcher's send_now); without it the mail waits for the dispatcher."""
    secret = server_secret(app.settings)
    basic = basic_auth(auth_string)

    @asynccontextmanager
    async def lifespan(web: FastAPI) -> AsyncIterator[None]:
        # Prefect's own client, so the gateway retries as it would: a local server on
        # SQLite answers 503 when its database is busy (a burst of clicks), and a
        # browser's form would show "Something went wrong" instead of trying again.
        async with PrefectHttpxAsyncClient(
            base_url=upstream, timeout=120, raise_on_all_errors=False
        ) as client:
            web.state.client = client
            yield

    web = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    web.state.ikz = app
    web.add_exception_handler(ClientDisconnect, client_gone)

    def who(request: Request) -> ident.Identity | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            return ident.token_identity(app, header[7:].strip())
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return ident.session_identity(app, cookie)

    web.include_router(LoginPages(app, send_mail).router())

    # --- public routers (e.g. the mail-link answer pages) -------------------------------
    include_public_routers(web, app)

    # --- stable page links (mails, log lines): the newest version of a keyed artifact --
    add_page_links(web, who, basic)

    # --- everything else: the Prefect UI and API, for a person --------------------------

    async def forward(request: Request, body: bytes) -> Response:
        client: httpx.AsyncClient = request.app.state.client
        path = request.url.path
        # The path as sent (still percent-encoded, e.g. a deployment's name), which the
        # server decodes as this gateway did for its checks.
        raw = request.scope.get("raw_path") or path.encode()
        query = f"?{request.url.query}" if request.url.query else ""
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in DROP_REQUEST]
        headers.append(("authorization", basic))
        upstream_response = await client.request(
            request.method,
            httpx.URL(upstream + raw.decode("latin-1") + query),
            headers=headers,
            content=body or None,
        )
        content = upstream_response.content
        if path.endswith("/ui-settings") and upstream_response.status_code == 200:
            content = _ui_settings(request, content)
        if path.endswith(FORM_CHECK) and language(request) == "de":
            content = forms_german(content)  # the form's checks, in German
        out = Response(content, status_code=upstream_response.status_code)
        for k, v in upstream_response.headers.multi_items():
            if k.lower() not in DROP_RESPONSE:
                out.headers.append(k, v)
        return out

    @web.api_route(
        "/{path:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        include_in_schema=False,
    )
    async def prefect(request: Request, path: str) -> Response:
        full = request.url.path
        if "//" in full or "/../" in full or "/./" in full or full.endswith(("/..", "/.")):
            return JSONResponse({"detail": "bad path"}, status_code=400)
        if full == HEALTH and request.method in ("GET", "HEAD"):
            return await forward(request, b"")
        if is_public(full):  # a public page that is not there
            return JSONResponse({"detail": "not found"}, status_code=404)
        person_ = await run_in_threadpool(who, request)
        if person_ is None:
            if full.startswith("/api/") or full == "/api":
                return JSONResponse(
                    {
                        "detail": "Anmeldung erforderlich / Login required",
                        "code": "gateway_login_required",
                    },
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="ikz-flow"'},
                )
            return RedirectResponse(f"/login?lang={language(request)}", status_code=303)
        body = await request.body()
        dep = deployment_of(request.method, full)
        client = request.app.state.client
        stamps = dep is None or await takes_stamp(client, basic, dep)
        try:
            body = rewrite(request.method, full, body, secret, person_.proof, stamps=stamps)
        except Refused as exc:
            return JSONResponse(exc.refusal.body(), status_code=exc.refusal.status)
        return await forward(request, body)

    return web


async def client_gone(request: Request, exc: Exception) -> Response:
    """A client that hung up before its request was read (a closed tab, a client's own
    timeout during a burst): nothing was done, and there is no one left to answer. Without
    this the server logged a traceback in the terminal of `ikz up` for it."""
    return Response(status_code=400)


async def takes_stamp(client: httpx.AsyncClient, basic: str, deployment_id: str) -> bool:
    """Whether the deployment's flow takes the stamp (its parameter schema says so);
    stamped when in doubt, so an action's run is never left without one."""
    r = await client.get(f"/api/deployments/{deployment_id}", headers={"authorization": basic})
    if r.status_code != 200:
        return True
    schema = r.json().get("parameter_openapi_schema") or {}
    return STAMP_PARAMETER in (schema.get("properties") or {})


def add_page_links(
    web: FastAPI, who: Callable[[Request], ident.Identity | None], basic: str
) -> None:
    """`/seite/...` (ikz.gateway.page_links): for a person logged in, a redirect to the
    newest version of the page's artifact, or a German page saying there is none."""

    @web.get(PAGE_PREFIX + "{path:path}", include_in_schema=False)
    async def stable_page(request: Request, path: str) -> Response:
        person_ = await run_in_threadpool(who, request)
        lang = language(request)
        if person_ is None:
            return RedirectResponse(f"/login?lang={lang}", status_code=303)
        found = page_of(path)
        artifact_id = None
        if found is not None:
            client: httpx.AsyncClient = request.app.state.client
            # Not GET /api/artifacts/{key}/latest: Prefect 3.9 answers it with the id of
            # the key's collection, which is no artifact's id. The collection's
            # latest_id is the newest version's.
            latest = await client.post(
                "/api/artifacts/latest/filter",
                json={"artifacts": {"key": {"any_": [found[1]]}}, "limit": 1},
                headers={"authorization": basic},
            )
            if latest.status_code == 200:
                rows = latest.json()
                artifact_id = rows[0].get("latest_id") if rows else None
            else:
                return html(
                    message(
                        lang,
                        t(lang, "Seite nicht erreichbar", "Page not reachable"),
                        t(
                            lang,
                            f"Der Prefect-Server antwortet mit {latest.status_code}; "
                            "bitte gleich noch einmal versuchen.",
                            f"The Prefect server answers {latest.status_code}; please try "
                            "again in a moment.",
                        ),
                        link_to_login=False,
                    ),
                    503,
                )
        if not artifact_id:
            return html(missing_page(lang, path, found), 404)
        return RedirectResponse(f"/artifacts/artifact/{artifact_id}", status_code=303)


def missing_page(lang: str, path: str, found: tuple[str, str] | None) -> str:
    """The German (or English) page for a stable link with no page behind it."""
    if found is None:
        what = t(lang, f"Die Seite „{path}“", f"The page “{path}”")
        why = t(lang, "gibt es nicht.", "does not exist.")
    else:
        number = path.strip("/").rpartition("/")[2]
        de, en = TITLES[found[0]]
        what = t(lang, de, en).format(id=number)
        why = t(
            lang,
            "ist noch nicht geschrieben (sie entsteht mit der nächsten Änderung oder "
            "Aktualisierung), oder es gibt sie nicht.",
            "has not been written yet (it is with the next change or refresh), or it "
            "does not exist.",
        )
    return message(
        lang,
        t(lang, "Seite nicht gefunden", "Page not found"),
        f"{what} {why}",
        link_to_login=False,
    )


def _ui_settings(request: Request, content: bytes) -> bytes:
    """The UI asks the server where its API is and whether it needs a password: the API
    is the gateway's, and there is no password prompt (the gateway logged the person in)."""
    import json

    try:
        data: dict[str, Any] = json.loads(content)
    except ValueError:
        return content
    base = str(request.base_url).rstrip("/")
    data["api_url"] = f"{base}/api"
    data["auth"] = None
    return json.dumps(data).encode()


def include_public_routers(web: FastAPI, app: App) -> None:
    """Serve PUBLIC_ROUTERS without a login. A router that acts through an App (the answer
    pages) is bound to the gateway's own, not a second one with its own engines."""
    for ref in PUBLIC_ROUTERS:
        module, _, attr = ref.partition(":")
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module.startswith(exc.name):
                continue  # not installed in this version
            raise
        bind = getattr(mod, "bind", None)
        if callable(bind):
            bind(app)
        web.include_router(getattr(mod, attr))
