"""The shapes of the services' HTTP answers: one typed model per answer.

Each service's handlers return these models (so its OpenAPI document is generated from them),
and the console and the citizen portal import the same models to read the answers instead of
parsing JSON by hand. One module per service (`dossier`, `routing`, `intake`, `notify`), and
`citizen` for what the intake and the dossier both take from a citizen, `texts` for the
text in every citizen language both give. Like
the events, they are a public interface: fields are added, never renamed or removed, without
a new version.
"""
