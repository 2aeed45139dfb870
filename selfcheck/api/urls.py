from __future__ import annotations

from django.urls import path

from selfcheck.api import views

urlpatterns = [
    path(
        "assessments",
        views.AssessmentListCreateApi.as_view(),
        name="selfcheck-assessments",
    ),
    path(
        "assessments/<uuid:assessment_id>",
        views.AssessmentDetailApi.as_view(),
        name="selfcheck-assessment-detail",
    ),
    path(
        "assessments/<uuid:assessment_id>/explain",
        views.AssessmentExplainApi.as_view(),
        name="selfcheck-assessment-explain",
    ),
    path(
        "questionnaire",
        views.QuestionnaireApi.as_view(),
        name="selfcheck-questionnaire",
    ),
    path("signals", views.SignalsApi.as_view(), name="selfcheck-signals"),
]
