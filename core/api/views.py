from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import (
    FacilitySerializer,
    PersonNameField,
    RegionRefSerializer,
    StrictSerializer,
    UserOutputSerializer,
)
from core.api.throttling import ScopedRateThrottle, client_ident
from core.i18n import pick, request_language, tr_lazy
from core.models import DeviceToken, User
from core.selectors import facility_list, region_list, session_list
from core.services import accounts, privacy, signin, tokens


class RootApi(APIView):
    @extend_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "name": "Sigap API",
                "version": "v1",
                "schema": request.build_absolute_uri("/api/schema/"),
                "docs": request.build_absolute_uri("/api/docs/"),
            }
        )


class OtpRequestApi(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(StrictSerializer):
        phone = serializers.CharField(max_length=32)

    class OutputSerializer(serializers.Serializer):
        detail = serializers.CharField(help_text="'Kode dikirim.' / 'Code sent.'")
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer, responses={202: OutputSerializer}, tags=["auth"]
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        otp = signin.otp_request(**data.validated_data, client=client_ident(request))
        return Response(
            {
                "detail": pick(
                    {"id": "Kode dikirim.", "en": "Code sent."},
                    request_language(request),
                ),
                "expires_at": otp.expires_at,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class OtpVerifyApi(APIView):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(StrictSerializer):
        phone = serializers.CharField(max_length=32)
        code = serializers.RegexField(
            r"^\d{6}$",
            error_messages={
                "invalid": tr_lazy(
                    {"id": "Kode terdiri dari 6 digit.", "en": "The code is 6 digits."}
                )
            },
        )

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        created = serializers.BooleanField()
        user = UserOutputSerializer()

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["auth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token, created = signin.otp_verify(
            **data.validated_data,
            client=client_ident(request),
            device=request.headers.get("User-Agent", "")[:100],
            language=request_language(request),
        )
        return Response(
            {
                "token": token,
                "created": created,
                "user": UserOutputSerializer(user).data,
            },
            status=status.HTTP_200_OK,
        )


class PasswordSignInApi(APIView):
    """Staff sign-in: phone + password (+ a one-time code where configured)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "otp"

    class InputSerializer(StrictSerializer):
        phone = serializers.CharField(max_length=32)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        code = serializers.RegexField(r"^\d{6}$", required=False)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        user = UserOutputSerializer()

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["auth"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = signin.staff_sign_in(
            request=request._request,
            **data.validated_data,
            device=request.headers.get("User-Agent", "")[:100],
        )
        return Response({"token": token, "user": UserOutputSerializer(user).data})


class SignOutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        signin.sign_out(user=request.user, token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        full_name = PersonNameField(max_length=150, required=False)
        language = serializers.ChoiceField(
            choices=User.Language.choices, required=False
        )
        birth_date = serializers.DateField(required=False, allow_null=True)
        sex = serializers.ChoiceField(choices=["M", "F"], required=False)
        nik = serializers.CharField(
            max_length=16, required=False, allow_null=True, allow_blank=True
        )
        home_village = serializers.CharField(
            max_length=13, required=False, allow_null=True
        )

    @extend_schema(responses=UserOutputSerializer, tags=["account"])
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        request=InputSerializer, responses=UserOutputSerializer, tags=["account"]
    )
    def patch(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.profile_update(user=request.user, data=data.validated_data)
        request.user.refresh_from_db()
        return Response(UserOutputSerializer(request.user).data)

    class DeleteInputSerializer(StrictSerializer):
        """Nothing to send: any field is refused (as for `POST /me/consent`), so a
        client never believes an option it sent (a scope, "keep my data") applied."""

    @extend_schema(request=None, responses={204: None}, tags=["account"])
    def delete(self, request):
        self.DeleteInputSerializer(data=request.data or {}).is_valid(
            raise_exception=True
        )
        privacy.user_erase(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentApi(APIView):
    permission_classes = [IsAuthenticated]

    class PurposeSerializer(serializers.Serializer):
        purpose = serializers.DictField(child=serializers.CharField())
        version = serializers.CharField()

    @extend_schema(request=None, responses=PurposeSerializer, tags=["account"])
    def get(self, request):
        return Response(
            {"purpose": accounts.CONSENT_PURPOSE, "version": accounts.CONSENT_VERSION}
        )

    class InputSerializer(StrictSerializer):
        """Nothing to send (an empty body or `{}`): the purpose and version given are
        the ones `GET` shows. Any field is refused, so a client never believes it
        recorded something (a scope, a flag) that was silently ignored."""

    @extend_schema(
        request=InputSerializer, responses={201: UserOutputSerializer}, tags=["account"]
    )
    def post(self, request):
        self.InputSerializer(data=request.data or {}).is_valid(raise_exception=True)
        accounts.consent_give(user=request.user, language=request_language(request))
        request.user.refresh_from_db()
        return Response(
            UserOutputSerializer(request.user).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                description="`active_isolation`: refused while care that needs "
                "consent is running (`fields.isolation`: home isolation monitored "
                "by a puskesmas, until it ends it); nothing changed."
            ),
        },
        description="Withdraw consent to health-data processing; it applies to the "
        "next request. Refused with 409 `active_isolation` while the person is under "
        "isolation monitoring: check-ins and their danger alerts need it. A retried "
        "check-in already stored still answers 200.",
        tags=["account"],
    )
    def delete(self, request):
        accounts.consent_withdraw(user=request.user, language=request_language(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceTokenApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        token = serializers.CharField(max_length=512)
        platform = serializers.ChoiceField(choices=DeviceToken.Platform.choices)

    @extend_schema(request=InputSerializer, responses={201: None}, tags=["account"])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.device_token_register(user=request.user, **data.validated_data)
        return Response(status=status.HTTP_201_CREATED)


class SessionListApi(APIView):
    """The user's own app sign-ins (tokens), to revoke a lost phone's."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        prefix = serializers.CharField()
        created_at = serializers.DateTimeField()
        last_used_at = serializers.DateTimeField(allow_null=True)
        expires_at = serializers.DateTimeField()
        current = serializers.SerializerMethodField()

        def get_current(self, obj) -> bool:
            return obj.pk == self.context["current"]

    @extend_schema(responses=OutputSerializer(many=True), tags=["account"])
    def get(self, request):
        current = getattr(request.auth, "pk", None)
        return Response(
            self.OutputSerializer(
                session_list(user=request.user), many=True, context={"current": current}
            ).data
        )

    @extend_schema(
        responses={204: None},
        tags=["account"],
        operation_id="v1_me_sessions_revoke_all",
    )
    def delete(self, request):
        tokens.token_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None}, tags=["account"])
    def delete(self, request, session_id: int):
        tokens.token_revoke(user=request.user, token_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict}, tags=["account"])
    def get(self, request):
        response = Response(privacy.user_export(user=request.user))
        name = pick(
            {"id": "sigap-data-saya.json", "en": "sigap-my-data.json"},
            request_language(request),
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class RegionListApi(APIView):
    class FilterSerializer(StrictSerializer):
        parent = serializers.CharField(required=False, max_length=13)
        level = serializers.IntegerField(required=False, min_value=1, max_value=4)
        q = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=RegionRefSerializer(many=True),
        tags=["regions"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        regions = region_list(**filters.validated_data)[:500]
        return Response(RegionRefSerializer(regions, many=True).data)


class FacilityListApi(APIView):
    class FilterSerializer(StrictSerializer):
        district = serializers.CharField(required=False, max_length=13)
        kind = serializers.CharField(required=False, max_length=16)
        referral = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses=FacilitySerializer(many=True),
        tags=["facilities"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return Response(
            FacilitySerializer(facility_list(**filters.validated_data), many=True).data
        )
