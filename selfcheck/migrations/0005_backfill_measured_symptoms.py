"""The signals count the symptoms an assessment was judged by, not only those ticked:
triage-v2 counts a measured temperature of 38.0 °C or more as fever, triage-v1 does
not. Assessments stored before that give their symptom rows the symptoms their own rule
version counted from a measurement (`measured`), so history reads as it was judged."""

from django.db import migrations

BATCH = 2000


def backfill_measured_symptoms(apps, schema_editor):
    # The rule registry is code whose versions are never edited (selfcheck/rules.py),
    # so each assessment is judged here exactly as it was when it was stored.
    from selfcheck import rules

    Assessment = apps.get_model("selfcheck", "Assessment")
    AssessmentSymptom = apps.get_model("selfcheck", "AssessmentSymptom")
    versions = [
        version
        for version in rules.rule_versions()
        if rules.get_rule(version).symptoms_judged is not rules.ticked_symptoms
    ]
    stored = (
        Assessment.objects.filter(rule_version__in=versions)
        .order_by()
        .values_list("pk", "rule_version", "answers", "day", "district_id")
    )
    batch = []
    for pk, version, answers, day, district_id in stored.iterator(chunk_size=BATCH):
        try:
            parsed = rules.answers_from_dict(answers)
        except rules.InvalidAnswers:
            continue  # not answers these rules can judge; its rows stay as they are
        added = rules.effective_symptoms(parsed, version) - parsed.symptoms
        batch += [
            AssessmentSymptom(
                assessment_id=pk,
                symptom=symptom,
                measured=True,
                day=day,
                district_id=district_id,
            )
            for symptom in sorted(added)
        ]
        if len(batch) >= BATCH:
            AssessmentSymptom.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    AssessmentSymptom.objects.bulk_create(batch, ignore_conflicts=True)


def remove_measured_symptoms(apps, schema_editor):
    AssessmentSymptom = apps.get_model("selfcheck", "AssessmentSymptom")
    AssessmentSymptom.objects.filter(measured=True).delete()


class Migration(migrations.Migration):
    dependencies = [("selfcheck", "0004_assessmentsymptom_measured")]

    operations = [
        migrations.RunPython(backfill_measured_symptoms, remove_measured_symptoms)
    ]
