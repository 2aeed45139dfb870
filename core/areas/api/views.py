"""Public risk-area endpoints: GPS lookup, name search, area detail, children,
history and GeoJSON. Responses are cached server-side and carry ETag/Cache-Control."""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.views import APIView

from core.api.serializers import BoundedDateField
from core.api.throttling import WindowRateThrottle
from core.areas import selectors
from core.areas.cache import cached_json, cached_payload, json_response
from core.i18n import request_language


class AreaRateThrottle(WindowRateThrottle):
    """Per client (user or IP), at `SIGAP_THROTTLE_AREAS`: generous, these are cheap
    cached reads."""

    scope = "areas"

    def get_rate(self) -> str:
        return settings.SIGAP_THROTTLE_AREAS

    def get_cache_key(self, request, view) -> str:
        user = getattr(request, "user", None)
        ident = (
            f"u{user.pk}"
            if user is not None and user.is_authenticated
            else self.get_ident(request)
        )
        return f"throttle_areas:{ident}"


class _PublicAreaApi(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AreaRateThrottle]


class AreaRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    level = serializers.IntegerField()
    kind = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "enum": ["<5", "≥5"]},
        ]
    }
)
class PublishedCountField(serializers.JSONField):
    """A count, or its marker when hidden: "<5" (1-4) or "≥5" (hidden so that a
    "<5" cannot be derived from a total by subtraction)."""


class ZoneSerializer(serializers.Serializer):
    zone = serializers.ChoiceField(choices=["hijau", "kuning", "oranye", "merah"])
    label = serializers.CharField()
    level = serializers.IntegerField()
    rule = serializers.DictField()
    explanation = serializers.CharField()
    households_confirmed_7d = PublishedCountField()
    children = serializers.DictField(allow_null=True)


FIGURES_HELP = (
    'count, or "<5" (1-4, any level) or "≥5" (hidden so no "<5" can be derived by '
    "subtraction) when SMALL_COUNT_SUPPRESSION is on"
)


class AreaStateSerializer(AreaRefSerializer):
    parents = AreaRefSerializer(many=True)
    date = serializers.DateField()
    figures = serializers.DictField(help_text=FIGURES_HELP)
    zone = ZoneSerializer(allow_null=True)


class AreaChildSerializer(AreaRefSerializer):
    """One child in `/children`: its figures and zone, no parents (the `parent`)."""

    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    date = serializers.DateField()
    figures = serializers.DictField(help_text=FIGURES_HELP)
    zone = ZoneSerializer(allow_null=True)


class AreaLookupApi(_PublicAreaApi):
    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(min_value=-90, max_value=90)
        lng = serializers.FloatField(min_value=-180, max_value=180)

        def validate(self, attrs):
            bad = {
                k: "Harus berupa angka."
                for k, v in attrs.items()
                if not math.isfinite(v)
            }
            if bad:
                raise serializers.ValidationError(bad)
            return attrs

    class OutputSerializer(AreaStateSerializer):
        approximate = serializers.BooleanField()
        distance_m = serializers.FloatField()

    @extend_schema(
        parameters=[InputSerializer],
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="outside_indonesia"),
        },
        tags=["areas"],
        summary="The kecamatan at a GPS point, with its zone and figures",
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        lat, lng = data.validated_data["lat"], data.validated_data["lng"]
        hit = selectors.area_locate(lat=lat, lng=lng)
        lang = request_language(request)
        payload = cached_payload(
            lang,
            f"area:{hit.code}",
            lambda: selectors.area_located_detail(hit.code, lang=lang),
        )
        return json_response(
            request,
            {**payload, "approximate": hit.approximate, "distance_m": hit.distance_m},
            max_age=settings.SIGAP_AREAS_CACHE_SECONDS,
        )


class AreaSearchApi(_PublicAreaApi):
    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=100, trim_whitespace=True)
        level = serializers.IntegerField(required=False, min_value=1, max_value=4)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=50, default=10
        )

    class OutputSerializer(AreaRefSerializer):
        parents = AreaRefSerializer(many=True)
        score = serializers.FloatField()
        match = serializers.CharField()

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "AreaSearchResults", {"results": OutputSerializer(many=True)}
        ),
        tags=["areas"],
        summary="Regions by name (typos, prefixes, 'Kec.', 'Kab.', 'Kota') or by code",
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        digest = hashlib.sha1(params["q"].lower().encode()).hexdigest()
        key = f"search:{digest}:{params.get('level')}:{params['limit']}"
        return cached_json(
            request,
            key,
            lambda: {
                "results": selectors.area_search(
                    q=params["q"], level=params.get("level"), limit=params["limit"]
                )
            },
        )


class AreaDetailApi(_PublicAreaApi):
    @extend_schema(
        responses=AreaStateSerializer, tags=["areas"], summary="One area, any level"
    )
    def get(self, request, code: str):
        region = selectors.region_get(code)
        lang = request_language(request)
        return cached_json(
            request,
            f"area:{region.code}",
            lambda: selectors.area_detail(region, lang=lang),
        )


class AreaChildrenApi(_PublicAreaApi):
    @extend_schema(
        responses=inline_serializer(
            "AreaChildren",
            {
                "parent": AreaRefSerializer(),
                "results": AreaChildSerializer(many=True),
            },
        ),
        tags=["areas"],
    )
    def get(self, request, code: str):
        region = selectors.region_get(code)
        lang = request_language(request)
        return cached_json(
            request,
            f"children:{region.code}",
            lambda: {
                "parent": selectors.region_ref(region),
                "results": selectors.area_children(region, lang=lang),
            },
        )


class AreaHistoryApi(_PublicAreaApi):
    class InputSerializer(serializers.Serializer):
        vars()["from"] = BoundedDateField(required=False)
        to = BoundedDateField(required=False)

    @extend_schema(
        parameters=[InputSerializer], responses=OpenApiTypes.OBJECT, tags=["areas"]
    )
    def get(self, request, code: str):
        region = selectors.region_get(code)
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        start, end = selectors.history_range(
            region,
            start=data.validated_data.get("from"),
            end=data.validated_data.get("to"),
        )
        return cached_json(
            request,
            f"history:{region.code}:{start}:{end}",
            lambda: selectors.area_history(region, start=start, end=end),
        )


class AreaGeoJsonApi(_PublicAreaApi):
    class InputSerializer(serializers.Serializer):
        zoom = serializers.IntegerField(required=False, min_value=0, max_value=22)

    @extend_schema(
        parameters=[InputSerializer],
        # A FeatureCollection, served as GeoJSON's own media type (RFC 7946).
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
        tags=["areas"],
    )
    def get(self, request, code: str):
        region = selectors.region_get(code)
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        default_zoom = {1: 7, 2: 10, 3: 13}.get(region.level, 13)
        zoom = data.validated_data.get("zoom", default_zoom)
        lang = request_language(request)
        response = cached_json(
            request,
            f"geojson:{region.code}:{zoom}",
            lambda: selectors.area_geojson(region, zoom=zoom, lang=lang),
            max_age=max(settings.SIGAP_AREAS_CACHE_SECONDS, 600),
        )
        if response.status_code == 200:
            response["Content-Type"] = "application/geo+json"
        return response
