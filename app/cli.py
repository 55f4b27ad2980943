"""``returnmatch`` command line: serve, worker, migrate, organisations, API keys, label embeddings."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlmodel import Session, select

from app.auth.keys import create_organisation, find_organisation, issue_key, revoke_key
from app.auth.models import ApiKey, Organisation, Role
from app.db import make_engine, migrate
from app.settings import Settings


def _session(settings: Settings) -> Session:
    migrate(settings.database_url)
    return Session(make_engine(settings.database_url), expire_on_commit=False)


def _org_or_exit(session: Session, ref: str) -> Organisation:
    organisation = find_organisation(session, ref)
    if organisation is None:
        sys.exit(f"error: no organisation {ref!r}")
    return organisation


def cmd_serve(args, settings: Settings) -> None:
    import os

    import uvicorn

    if args.demo:
        os.environ["RETURNMATCH_DEMO_DATA"] = "true"
        settings = Settings()
    migrate(settings.database_url)
    if settings.demo_data:
        from app.demo import seed_demo

        with Session(make_engine(settings.database_url)) as session:
            keys = seed_demo(session, settings.api_key_pepper)
        print("\nreturnmatch demo — API keys for the organisation 'demo' (header X-API-Key):")
        for label, key in keys.items():
            print(f"  {label:28s} {key}")
        base = f"http://{args.host or settings.host}:{args.port or settings.port}"
        print(f"\n  try:  curl -H 'X-API-Key: {keys['counsellor']}' '{base}/v1/occupations?q=scafolder'")
        print(f"        curl -H 'X-API-Key: {keys['counsellor']}' -H 'Content-Type: application/json' "
              f"-d '{{\"items\": [{{\"text\": \"kasambahay sa Riyadh 3 taon\"}}]}}' {base}/v1/occupations/code")
        print(f"  docs: {base}/docs   readiness: {base}/ready (the first start builds label embeddings: minutes)\n")
    os.environ["RETURNMATCH_AUTO_MIGRATE"] = "false"  # done above, once, not by every worker
    uvicorn.run("app.main:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers or settings.workers, log_level="info")


def cmd_migrate(_args, settings: Settings) -> None:
    migrate(settings.database_url)
    print("database is at the latest migration")


def cmd_org_create(args, settings: Settings) -> None:
    with _session(settings) as session:
        try:
            organisation = create_organisation(session, args.name, args.slug, args.country)
        except ValueError as exc:
            sys.exit(f"error: {exc}")
        print(json.dumps({"id": str(organisation.id), "slug": organisation.slug, "name": organisation.name}))


def cmd_org_list(_args, settings: Settings) -> None:
    with _session(settings) as session:
        for organisation in session.exec(select(Organisation).order_by(Organisation.slug)):
            print(f"{organisation.slug}\t{organisation.id}\t{organisation.name}")


def cmd_key_issue(args, settings: Settings) -> None:
    with _session(settings) as session:
        organisation = _org_or_exit(session, args.org)
        issued = issue_key(session, organisation, Role(args.role), args.name, settings.api_key_pepper)
        print(json.dumps({"id": str(issued.record.id), "role": args.role, "key": issued.key}))
        print("store this key now: it is not kept in clear and cannot be shown again", file=sys.stderr)


def cmd_key_list(args, settings: Settings) -> None:
    with _session(settings) as session:
        organisation = _org_or_exit(session, args.org)
        rows = session.exec(select(ApiKey).where(ApiKey.organisation_id == organisation.id).order_by(ApiKey.created_at))
        for row in rows:
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            print(f"{row.id}\t{row.prefix}\t{row.role}\t{row.name}\t{state}")


def cmd_key_revoke(args, settings: Settings) -> None:
    with _session(settings) as session:
        organisation = _org_or_exit(session, args.org)
        rows = session.exec(select(ApiKey).where(ApiKey.organisation_id == organisation.id)).all()
        matches = [r for r in rows if args.key in (str(r.id), r.prefix)]
        if len(matches) != 1:
            sys.exit(f"error: no key {args.key!r} in organisation {organisation.slug!r}")
        revoke_key(session, matches[0])
        print(f"revoked {matches[0].id}")


def _load_indexes(settings: Settings):
    from app.runtime import LabelData, build_label_indexes, encoder_for
    from taxonomies import load_taxonomies

    tx = load_taxonomies()
    data = LabelData.load(tx)
    encoder = encoder_for(settings)
    return tx, data, encoder, build_label_indexes(tx, data, encoder, settings)


def cmd_worker(args, settings: Settings) -> None:
    """Run upload jobs (and code pending catalogue records) in the foreground until stopped."""
    import logging
    import signal

    from app.runtime import Runtime
    from app.uploads.worker import UploadWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    migrate(settings.database_url)
    runtime = Runtime(settings)
    runtime.start()
    worker = UploadWorker(make_engine(settings.database_url), runtime, settings, poll_s=args.poll)
    signal.signal(signal.SIGTERM, lambda *_: worker.stop_event.set())
    print(f"upload worker {worker.worker_id} started", flush=True)
    try:
        worker.loop()
    except KeyboardInterrupt:
        pass


def cmd_build_embeddings(_args, settings: Settings) -> None:
    started = time.perf_counter()
    tx, _data, encoder, indexes = _load_indexes(settings)
    for name, index in indexes.items():
        print(f"{name}: {len(index.labels)} labels, {index.matrix.shape[0]} unique texts, dim {index.dimension}")
    print(f"model {encoder.model_id}; taxonomy {tx.version}; cache {settings.cache_dir}; "
          f"{time.perf_counter() - started:.1f}s")


def cmd_build_coder(args, settings: Settings) -> None:
    from app.runtime import build_coder
    from matching.coding.training import fit_combiner, mask_rows_factory, training_queries
    from models.artifacts import COMBINER_PATH
    from taxonomies.labels import ilo_heldout_ids

    started = time.perf_counter()
    tx, data, encoder, indexes = _load_indexes(settings)
    coder = build_coder(tx, data, encoder, indexes, settings, combiner=None)
    queries = training_queries(tx, data.aliases, ilo_heldout_ids(tx))
    combiner = fit_combiner(coder, queries, mask_rows_factory(coder.dense.indexes))
    combiner.meta.update(model_id=encoder.model_id, taxonomy_version=tx.version, alias_version=data.aliases.version)
    path = args.output or COMBINER_PATH
    combiner.save(path)
    print(json.dumps(combiner.meta, indent=1))
    print(f"wrote {path} in {time.perf_counter() - started:.1f}s")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="returnmatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (uvicorn)")
    serve.add_argument("--demo", action="store_true", help="seed demo data and print demo API keys")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    worker = sub.add_parser("worker", help="run upload jobs in the foreground (any number of workers can share a database)")
    worker.add_argument("--poll", type=float, default=2.0, help="seconds between looks at the queue when idle")
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("build-embeddings", help="build (or verify) the cached label embeddings").set_defaults(
        func=cmd_build_embeddings)
    coder = sub.add_parser("build-coder", help="train the occupation coder's combiner (taxonomy data only)")
    coder.add_argument("--output", type=Path, help="where to write it (default: models/artifacts/)")
    coder.set_defaults(func=cmd_build_coder)

    org = sub.add_parser("org", help="organisations (tenants)").add_subparsers(dest="org_command", required=True)
    create = org.add_parser("create", help="create an organisation")
    create.add_argument("--name", required=True)
    create.add_argument("--slug", required=True)
    create.add_argument("--country", help="ISO 3166 alpha-2")
    create.set_defaults(func=cmd_org_create)
    org.add_parser("list", help="list organisations").set_defaults(func=cmd_org_list)

    key = sub.add_parser("key", help="API keys").add_subparsers(dest="key_command", required=True)
    issue = key.add_parser("issue", help="issue a key (printed once)")
    issue.add_argument("--org", required=True, help="organisation slug or id")
    issue.add_argument("--role", required=True, choices=[r.value for r in Role])
    issue.add_argument("--name", default="cli")
    issue.set_defaults(func=cmd_key_issue)
    listing = key.add_parser("list", help="list an organisation's keys")
    listing.add_argument("--org", required=True)
    listing.set_defaults(func=cmd_key_list)
    revoke = key.add_parser("revoke", help="revoke a key by id or prefix")
    revoke.add_argument("--org", required=True)
    revoke.add_argument("key", help="key id or prefix")
    revoke.set_defaults(func=cmd_key_revoke)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:
        sys.exit(f"error: {exc}")
    args.func(args, settings)


if __name__ == "__main__":
    main()
