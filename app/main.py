"""The FastAPI application factory."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import __version__
from app.auth.router import router as auth_router
from app.courses.router import router as courses_router
from app.db import make_engine, migrate
from app.errors import install_error_handlers
from app.jobfairs.router import router as jobfairs_router
from app.matches.router import router as matches_router
from app.occupations.router import router as occupations_router
from app.passports.router import router as passports_router
from app.rpl.router import router as rpl_router
from app.runtime import Runtime
from app.settings import Settings, get_settings
from app.system.router import router as system_router
from app.uploads.router import router as uploads_router
from app.uploads.worker import UploadWorker
from app.vacancies.router import router as vacancies_router

DESCRIPTION = """
returnmatch helps returning migrant workers find work again: it codes a returnee's experience to
ISCO-08, ranks vacancies and training, and pre-screens recognition of prior learning.

Every `/v1` route needs an API key in the `X-API-Key` header. Errors are RFC 9457 problem details
(`application/problem+json`) with a machine-readable `code`.
"""


def _code_pending(engine, runtime: Runtime, stop: threading.Event) -> None:
    from app.passports.service import code_pending

    try:
        done = code_pending(engine, runtime, stop=stop)
        if done:
            logging.getLogger("returnmatch").info("coded %d passports saved while the coder was loading", done)
    except Exception:  # logged, and the passports stay pending (coded on next read)
        logging.getLogger("returnmatch").exception("coding pending passports failed")


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(settings.database_url)
    runtime = runtime or Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.auto_migrate:
            migrate(settings.database_url)
        runtime.start()
        stop = threading.Event()
        threading.Thread(target=_code_pending, args=(engine, runtime, stop), name="code-pending", daemon=True).start()
        if settings.upload_worker:
            app.state.upload_worker = UploadWorker(engine, runtime, settings)
            app.state.upload_worker.start()
        yield
        stop.set()
        if app.state.upload_worker is not None:
            app.state.upload_worker.stop()
        engine.dispose()

    app = FastAPI(
        title="returnmatch", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        license_info={"name": "Apache-2.0"},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.runtime = runtime
    app.state.upload_worker = None
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                           allow_headers=["X-API-Key", "Content-Type", "If-Match", "X-Purpose"], expose_headers=["ETag", "Location"])
    install_error_handlers(app)
    app.include_router(system_router)
    app.include_router(auth_router)
    app.include_router(occupations_router)
    app.include_router(passports_router)
    app.include_router(jobfairs_router)
    app.include_router(vacancies_router)
    app.include_router(courses_router)
    app.include_router(uploads_router)
    app.include_router(matches_router)
    app.include_router(rpl_router)
    return app
