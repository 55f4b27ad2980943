"""Every table of the service, imported in one place for Alembic and the tests."""
from app.audit.models import AuditEvent
from app.auth.models import ApiKey, Organisation
from app.courses.models import Course, CourseSkill
from app.jobfairs.models import JobFair
from app.passports.models import OccupationOverride, Passport, PassportOccupation, PassportSkill
from app.uploads.models import UploadJob, UploadProblem
from app.vacancies.models import Vacancy, VacancySkill

__all__ = ["ApiKey", "AuditEvent", "Course", "CourseSkill", "JobFair", "OccupationOverride", "Organisation",
           "Passport", "PassportOccupation", "PassportSkill", "UploadJob", "UploadProblem", "Vacancy", "VacancySkill"]
