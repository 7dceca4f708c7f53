"""The dossier API's answers now live in `voorportaal_contracts.api.dossier` (one pydantic
model per answer, shared with the console and the portal); re-exported here for old imports."""

from voorportaal_contracts.api.dossier import *  # noqa: F403 - a re-export of the whole module
from voorportaal_contracts.api.dossier import __all__ as __all__
