"""The ASGI application: REST API, OpenAPI docs, the call WebSocket and the browser UI.

``create_app(settings)`` builds everything from one :class:`Settings`; nothing
is global, so tests create as many independent apps (each with its own
database) as they like. Migrations run when the app starts.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from simulator.settings import Settings
from web import ui
from web.api import (
    accounts,
    analytics,
    assignments,
    auth,
    calls,
    health,
    personas,
    scorecards,
    sessions,
    testchat,
)
from web.db.engine import make_engine, make_session_factory
from web.db.migrate import upgrade
from web.live import LiveBackend, RuntimeBackend
from web.middleware import BodyLimitMiddleware, SameOriginMiddleware, SecurityHeadersMiddleware
from web.services.llm import LLMProvider
from web.services.recovery import recover_interrupted_calls
from web.services.testchat import TestChats
from web.state import WebState

logger = logging.getLogger("web")

API_DESCRIPTION = """\
REST API of the sales role-play simulator. Sign in with `POST /api/auth/signin`
(JSON); the session cookie then authenticates every call. Every POST, PUT, PATCH
and DELETE must carry the `X-CSRF-Token` header returned by sign-in and
`GET /api/auth/me`. The live call itself runs over the WebSocket `/ws/call`
(see `docs/call-protocol.md`).
"""


def build_state(settings: Settings, *, live: LiveBackend | None = None) -> WebState:
    """Engine, session factory, catalogues and the live-call backend for ``settings``."""
    engine = make_engine(settings.resolved_database_url)
    recordings = settings.resolved_recordings_dir
    recordings.mkdir(parents=True, exist_ok=True)
    llm = LLMProvider(settings)
    return WebState(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        recordings_dir=recordings,
        live=live or RuntimeBackend(settings),
        llm=llm,
        chats=TestChats(llm),
    )


def create_app(
    settings: Settings, *, state: WebState | None = None, warm_up_calls: bool = False
) -> FastAPI:
    """The full web app for ``settings``.

    ``state`` lets tests inject collaborators; ``warm_up_calls`` starts loading
    the voice pipeline at startup (``serve`` does; tests load it on first call).
    """
    state = state or build_state(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        revision = await run_in_threadpool(upgrade, state.engine)
        logger.info("database at revision %s (%s)", revision, state.engine.url.render_as_string())
        recovered = await run_in_threadpool(_recover, state)
        if recovered:
            logger.info("recovered %d call(s) interrupted by the last shutdown", recovered)
        if warm_up_calls:
            state.live.warm_up()
        yield
        await state.live.aclose()
        await state.llm.aclose()
        state.engine.dispose()

    app = FastAPI(
        title="Sales role-play simulator",
        version="1",
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    for router in (
        auth.router, accounts.router, personas.router, scorecards.router, assignments.router,
        sessions.router, calls.router, analytics.router, testchat.router, health.router,
    ):
        app.include_router(router)
    _add_docs(app)
    app.mount("/static", StaticFiles(directory=ui.STATIC_DIR), name="static")
    app.include_router(ui.router)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal server error; see the server log"}, 500)

    app.add_middleware(SameOriginMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.ssl_certfile is not None)
    return app


def _recover(state: WebState) -> int:
    with state.sessions() as db:
        return recover_interrupted_calls(db, state.recordings_dir, state.scorecards.score)


def _add_docs(app: FastAPI) -> None:
    """Swagger UI from the ``swagger-ui-bundle-v2`` package: no CDN, works offline."""
    from swagger_ui_bundle import swagger_ui_path

    assets = str(swagger_ui_path)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Sales role-play simulator API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        allowed = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"}
        if name not in allowed:
            raise HTTPException(404, "no such asset")
        return FileResponse(f"{assets}/{name}")
