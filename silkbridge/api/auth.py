"""API authentication: `Authorization: Bearer <token>`.

Public reads accept anonymous requests; a request that sends a token must send a
valid one (a wrong token is a 401, never a silent downgrade to anonymous).
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from silkbridge.accounts.domain import user_for_api_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


class OptionalTokenAuth(TokenAuth):
    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get("Authorization"):
            request.user = AnonymousUser()
            return request.user
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError
        return user


token_required = TokenAuth()
public = OptionalTokenAuth()
