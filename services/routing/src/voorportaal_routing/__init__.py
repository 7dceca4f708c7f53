"""Voorportaal routing service: agency directory, referrals, SLA clocks, estafettes."""
