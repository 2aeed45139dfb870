"""Bridge to SATUSEHAT, Kemenkes' HL7 FHIR R4 platform: integrated cases and isolation
check-ins go out through a database outbox (services, tasks); lab results come in as
FHIR Bundles (inbound); a reconciliation compares what Sigap holds with what the centre
acknowledged (reconcile)."""
