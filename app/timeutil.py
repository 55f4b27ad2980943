from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now in UTC, with microseconds dropped (portable across SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(microsecond=0)
