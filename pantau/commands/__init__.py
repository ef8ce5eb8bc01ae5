"""One module per verb of the ``pantau`` command line; each exposes ``register(verbs)``.

Adding a verb means adding a module here and its name to ``COMMANDS``; the modules stay small and
independent, and ``pantau.cli`` only wires them together and turns user errors into one line.
"""

COMMANDS = ("db", "demo", "export", "anomalies", "ingest", "users")
