"""What the pages render, made once from the dossier's typed answers.

`buddy.api` validates every dossier answer into its model from `voorportaal_contracts.api.dossier`
(`QueueItem`, `CasePage`, `SupervisorFigures`, `CaseSearchHit`); the modules here turn a
validated model into the small dataclasses the pages hold in their state (Reflex state vars
must be serialisable, and dataclasses are what its docs recommend for them): texts already
joined and formatted for display, flags as real booleans, and every code a person reads as
`Words` (Dutch and English, from the one label table in `buddy.labels`) next to the code the
pages keep for logic. No JSON is read here, so no field is guessed at.

- `formats`: times, sizes, rates and lists as the console shows them, for every page.
- `lists`: the rows of the work queue and of the find page.
- `case_parts`: what the case page holds (`CaseView`, its header, the rows of its parts) and
  each part's row made from its dossier model.
- `case`: the whole case page (`case_view`) put together, its header included.
- `figures`: the supervisor's overview (`supervisor_view`).
"""
