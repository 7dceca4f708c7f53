"""Voorportaal intake service: Life-event questionnaires, triage with reasons, the checklist+."""
