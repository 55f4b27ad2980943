"""Liveness and readiness."""
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import RuntimeDep
from app.errors import problem_response

router = APIRouter(tags=["system"])


@router.get("/health", summary="Liveness: the process is up")
def health() -> dict:
    return {"status": "ok"}


@router.get(
    "/ready",
    summary="Readiness: taxonomies, embedding model and label embeddings are loaded",
    responses={503: {"description": "Still loading, or loading failed (problem+json)"}},
)
def ready(runtime: RuntimeDep) -> JSONResponse:
    body = runtime.describe()
    if runtime.state == "ready":
        return JSONResponse(body)
    if runtime.state == "failed":
        return problem_response(503, "load_failed", f"Start-up loading failed: {runtime.error}", **body)
    return problem_response(503, "not_ready", "Still loading taxonomies and the embedding model.",
                            headers={"Retry-After": "5"}, **body)
