"""Voorportaal notify service: SMS and e-mail status updates in the citizen's language, bundled."""
