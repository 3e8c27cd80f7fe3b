"""Keeping children's records: backups, encryption keys, retention and subject access."""

from voice_app.audit_labels import label_actions

label_actions(
    {
        "records.corrected": "Corrected a recorded fact (the value before is kept)",
        "records.erasure_requested": "Asked for the record to be erased",
        "records.erasure_confirmed": "Confirmed the erasure (a second person)",
        "records.erasure_cancelled": "Cancelled the erasure request",
        "records.subject_access_export": "Made the subject access ZIP",
        "records.retention_anonymised": "Anonymised under the retention rules",
        "records.retention_applied": "Deleted under the retention rules",
        "records.keys_rotated": "Re-encrypted with a new key",
    }
)
