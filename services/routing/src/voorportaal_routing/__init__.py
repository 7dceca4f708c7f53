"""Voorportaal routing service: Agency directory, referrals over per-agency topics, SLA clocks, estafette chains."""
