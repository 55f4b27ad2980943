"""Every table of the service, imported in one place for Alembic and the tests."""
from app.auth.models import ApiKey, Organisation

__all__ = ["ApiKey", "Organisation"]
