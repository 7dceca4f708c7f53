"""HTTP: the life events and their questionnaires (public: no personal data)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath

from voorportaal_contracts.api.intake import LifeEventOut, LocalText, QuestionnaireOut
from voorportaal_intake.adapters.content_files import load_life_events
from voorportaal_intake.domain.content import LifeEventContent, Text
from voorportaal_kit.errors import NotFound


def local(text: Text) -> LocalText:
    """A content text in every language the content gives it."""
    return LocalText(nl=text.nl, en=text.en, tr=text.tr, ar=text.ar, pl=text.pl)


def _compact(questionnaire: QuestionnaireOut) -> dict[str, Any]:
    """The questionnaire as the content files say it: keys as written (`in`, `not`, `from`) and
    what is not set left out."""
    return questionnaire.model_dump(mode="json", by_alias=True, exclude_none=True)


class LifeEventController(Controller):
    """The life events and their questionnaires (public: no personal data)."""

    path = "/life-events"
    tags = ["life events"]

    @get("/", operation_id="listLifeEvents", sync_to_thread=False)
    def list_life_events(self) -> list[LifeEventOut]:
        """The six life events the intake covers."""
        return [
            LifeEventOut(
                code=c.code,
                title=local(c.title),
                intro=local(c.intro),
            )
            for c in load_life_events().values()
        ]

    @get(
        "/{code:str}",
        operation_id="getQuestionnaire",
        sync_to_thread=False,
        type_encoders={QuestionnaireOut: _compact},
    )
    def get_questionnaire(self, code: FromPath[str]) -> QuestionnaireOut:
        """One life event's questionnaire, signals and checklist+ (the content as data)."""
        content: LifeEventContent | None = next(
            (c for c in load_life_events().values() if c.code.value == code), None
        )
        if content is None:
            raise NotFound(f"No life event {code!r}.")
        return QuestionnaireOut.model_validate(
            content.model_dump(mode="json", by_alias=True, exclude_none=True)
        )
