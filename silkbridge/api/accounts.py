from typing import Any

from django.http import HttpRequest
from ninja import Router

from silkbridge.api.auth import token_required
from silkbridge.api.schemas import ErrorOut, MeOut

router = Router(auth=token_required)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["accounts"])
def me(request: HttpRequest) -> Any:
    user: Any = request.user
    organisations = [
        {"id": m.organisation_id, "name": m.organisation.name, "role": m.role}
        for m in user.memberships.select_related("organisation")
    ]
    return {**{f: getattr(user, f) for f in MeOut.model_fields if f != "organisations"}, "organisations": organisations}
