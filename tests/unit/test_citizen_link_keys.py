"""The three services that sign or check a citizen's short link hold the same key by default
(development): notify signs the links in messages, the intake the status link at submission,
and the dossier checks both."""

from __future__ import annotations

from pathlib import Path

from voorportaal_dossier.settings import DossierSettings
from voorportaal_intake.settings import IntakeSettings
from voorportaal_notify.settings import NotifySettings


def test_the_intake_signs_status_links_with_the_key_notify_and_the_dossier_hold(
    tmp_path: Path,
) -> None:
    intake = IntakeSettings(data_dir=tmp_path).link_key
    assert intake == DossierSettings(data_dir=tmp_path).link_key
    assert intake == NotifySettings(data_dir=tmp_path).link_key.get_secret_value().encode()
