"""Every table of the service, imported in one place for Alembic and the tests."""
from app.audit.models import AuditEvent
from app.auth.models import ApiKey, Organisation
from app.passports.models import OccupationOverride, Passport, PassportOccupation, PassportSkill

__all__ = ["ApiKey", "AuditEvent", "OccupationOverride", "Organisation", "Passport", "PassportOccupation",
           "PassportSkill"]
