"""Reflex configuration of the buddy console."""

import reflex as rx

config = rx.Config(
    app_name="buddy",
    frontend_port=3000,
    backend_port=3001,
    # No telemetry from a government console.
    telemetry_enabled=False,
)
