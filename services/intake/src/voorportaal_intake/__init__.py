"""Voorportaal intake service: Life-event questionnaires, triage with reasons, and the checklist+."""
