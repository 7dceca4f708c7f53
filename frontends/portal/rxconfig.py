"""Reflex configuration of the citizen portal (prod mode serves page and websocket on one port)."""

import reflex as rx

from portal.settings import get_settings

_settings = get_settings()

config = rx.Config(
    app_name="portal",
    frontend_port=_settings.port,
    backend_port=_settings.port,
    # A `localhost` api_url is rewritten by Reflex's page to the host it was opened at, so the
    # websocket goes back to the same origin whether one opens localhost or 127.0.0.1.
    api_url=_settings.effective_public_url,
    deploy_url=_settings.effective_public_url,
    cors_allowed_origins=list(_settings.allowed_origins),
    # No telemetry from a government site.
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                accent_color="blue", gray_color="slate", appearance="light", radius="small"
            )
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
