from __future__ import annotations

from rest_framework import serializers


class FaqRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    score = serializers.FloatField()


class HoaxRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.CharField()
    verdict = serializers.ChoiceField(choices=["hoax", "misleading", "fact"])
    score = serializers.FloatField()
