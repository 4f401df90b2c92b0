"""Landing: everything between an API record and a published slice on disk. It owns the landing
area's layout (``layout``), the pydantic payload models that accept or reject a record
(``payloads``), where PII sits in each stream's records (``pii_rules``) and its keyed
pseudonymization (``pseudonymize``), the atomic slice writer and skip notes (``writer``) and the
slice reader (``reader``).

It may import ``genesys_elt.errors`` and the stream registry (``genesys_elt.streams``), which
names each stream's model and PII rule. It must not import ``api``, ``extract``,
``warehouse``, ``dag_support``, ``readers`` or ``local``: what lands on disk does not depend on
how it was fetched or what reads it later."""
