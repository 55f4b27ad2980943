"""Settings refuse unsafe defaults outside development."""
import pytest

from app.settings import DEV_PEPPER, Settings

GOOD_PEPPER = "p" * 40


def test_development_accepts_defaults():
    assert Settings(environment="development").api_key_pepper == DEV_PEPPER


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({}, "API_KEY_PEPPER"),
        ({"api_key_pepper": "short"}, "API_KEY_PEPPER"),
        ({"api_key_pepper": GOOD_PEPPER, "demo_data": True}, "DEMO_DATA"),
        ({"api_key_pepper": GOOD_PEPPER, "cors_origins": ["*"]}, "CORS_ORIGINS"),
    ],
)
def test_production_refuses_unsafe_defaults(overrides, message):
    with pytest.raises(ValueError, match=message):
        Settings(environment="production", **overrides)


def test_production_with_safe_settings():
    settings = Settings(environment="production", api_key_pepper=GOOD_PEPPER,
                        database_url="postgresql+psycopg://u:p@db/returnmatch")
    assert not settings.is_sqlite


def test_database_url_from_plain_env(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:p@db/x")
    assert Settings().database_url == "postgresql+psycopg://u:p@db/x"
