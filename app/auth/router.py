"""The caller's organisation and its API keys (tenant-scoped; keys are managed by admins)."""
import uuid

from fastapi import APIRouter, Query
from sqlmodel import func, select

from app.auth.keys import issue_key, revoke_key
from app.auth.models import ApiKey, Organisation
from app.auth.schemas import ApiKeyCreate, ApiKeyIssued, ApiKeyList, ApiKeyPublic, OrganisationPublic, OrganisationSettings, WhoAmI
from app.deps import AdminKey, AnyKey, SessionDep, SettingsDep
from app.tenancy import get_owned

router = APIRouter(prefix="/v1", tags=["organisation"])


@router.get("/me", response_model=WhoAmI, summary="The organisation and key making this request")
def who_am_i(key: AnyKey, session: SessionDep) -> WhoAmI:
    organisation = session.get(Organisation, key.organisation_id)
    return WhoAmI(
        organisation=OrganisationPublic.model_validate(organisation), key=ApiKeyPublic.model_validate(key)
    )


@router.patch("/organisation", response_model=OrganisationPublic, summary="Change your organisation's settings (admin)")
def update_organisation(body: OrganisationSettings, key: AdminKey, session: SessionDep) -> OrganisationPublic:
    organisation = session.get(Organisation, key.organisation_id)
    organisation.screening_mode = body.screening_mode
    session.add(organisation)
    session.commit()
    return OrganisationPublic.model_validate(organisation)


@router.get("/api-keys", response_model=ApiKeyList, summary="Your organisation's API keys")
def list_keys(
    key: AdminKey, session: SessionDep, include_revoked: bool = False,
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
) -> ApiKeyList:
    where = [ApiKey.organisation_id == key.organisation_id]
    if not include_revoked:
        where.append(ApiKey.revoked_at.is_(None))
    count = session.exec(select(func.count()).select_from(ApiKey).where(*where)).one()
    rows = session.exec(select(ApiKey).where(*where).order_by(ApiKey.created_at, ApiKey.id).offset(offset).limit(limit))
    return ApiKeyList(data=[ApiKeyPublic.model_validate(r) for r in rows], count=count)


@router.post("/api-keys", response_model=ApiKeyIssued, status_code=201, summary="Issue a key for your organisation")
def create_key(body: ApiKeyCreate, key: AdminKey, session: SessionDep, settings: SettingsDep) -> ApiKeyIssued:
    organisation = session.get(Organisation, key.organisation_id)
    issued = issue_key(session, organisation, body.role, body.name, settings.api_key_pepper)
    return ApiKeyIssued(key=issued.key, **ApiKeyPublic.model_validate(issued.record).model_dump())


@router.get("/api-keys/{key_id}", response_model=ApiKeyPublic, summary="One of your organisation's keys")
def get_key(key_id: uuid.UUID, key: AdminKey, session: SessionDep) -> ApiKeyPublic:
    return ApiKeyPublic.model_validate(get_owned(session, ApiKey, key_id, key.organisation_id))


@router.delete("/api-keys/{key_id}", response_model=ApiKeyPublic, summary="Revoke one of your organisation's keys")
def delete_key(key_id: uuid.UUID, key: AdminKey, session: SessionDep) -> ApiKeyPublic:
    return ApiKeyPublic.model_validate(revoke_key(session, get_owned(session, ApiKey, key_id, key.organisation_id)))
