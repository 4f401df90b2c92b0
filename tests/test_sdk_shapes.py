"""The shape checker itself must catch what it is there to catch."""

from tests.sdk_shapes import conformance_errors, model_spec


def test_unknown_fields_wrong_types_and_enums_are_reported():
    errors = conformance_errors({"foo": 1, "id": 3, "cellPhone": {"display": "x", "bad": 1}}, "ExternalContact")
    assert "$.foo: not a field of ExternalContact" in errors
    assert "$.id: expected str" in errors
    assert "$.cellPhone.bad: not a field of PhoneNumber" in errors
    session = {"mediaType": "telepathy", "segments": [{"segmentStart": "2026-01-01T00:00:00", "segmentType": "wrapup"}]}
    errors = conformance_errors(session, "AnalyticsSession")
    assert any("telepathy" in e for e in errors)
    assert any("ending in Z" in e for e in errors)


def test_a_valid_payload_passes():
    assert (
        conformance_errors({"id": "a", "cellPhone": {"e164": "+14155550199"}, "type": "Curated"}, "ExternalContact")
        == []
    )
    assert "mediaType" in model_spec("AnalyticsSession")[1]
