"""Token login and logout for scripts (knox); the browser uses the session instead."""

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox import views as knox_views
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from articles.public.throttles import LOGIN, attempt_refused
from editorial.api.common import ErrorSerializer
from editorial.tokens import TokenAuthentication

BAD_CREDENTIALS = "Unable to log in with the username and password given."


class TokenScheme(KnoxTokenScheme):
    """Our knox authentication (editorial.tokens) documented as knox's own."""

    target_class = "editorial.tokens.TokenAuthentication"


class LoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context.get("request")
        # django-axes records failures on, and its middleware reads, Django's own request.
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(BAD_CREDENTIALS, code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer[Any]):
    expiry = serializers.DateTimeField(allow_null=True)
    token = serializers.CharField()


@extend_schema(tags=["auth"])
class LoginView(knox_views.LoginView):
    """Exchange a username and password for a token: `Authorization: Token <token>`."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Wrong username or password."),
            429: OpenApiResponse(ErrorSerializer, description="Too many attempts: wait."),
        },
        auth=[],
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        account = str(data.get("username", ""))
        if refused := attempt_refused(request._request, LOGIN, account=account):
            raise Throttled(detail=refused)
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]  # knox issues the token to request.user
        return super().post(request, format=format)


@extend_schema(tags=["auth"])
class LogoutView(knox_views.LogoutView):
    """Revoke the token the request was made with (token authentication only)."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        request=None,
        responses={204: None, 403: OpenApiResponse(ErrorSerializer, description="No token.")},
    )
    def post(self, request: Request, format: str | None = None) -> Response:
        return super().post(request, format=format)
