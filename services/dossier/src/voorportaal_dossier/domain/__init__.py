"""Domain layer of the dossier service: pure rules, no IO.

`projection` builds a case from events, `ownership` is the buddy system's state machine,
`promises` the promise ledger, `sharing` decides every read, `documents` checks uploads,
`citizen_link` signs the citizen's link and shapes their view, `retention` anonymises closed
cases. Errors live in `errors`, agency display names in `agencies`. The access log's chain is
the kit's (`voorportaal_kit.audit`).
"""
