"""Extraction: what landing one stream's slice for one UTC day means. It joins the two halves
below it: ``genesys_elt.api`` fetches pages, ``genesys_elt.landing`` writes slices. The base
``Extractor`` holds the plumbing and dispatches on the stream registry; each stream family's
calls, waits and skips live in their own module (``predictive_engagement``, ``conversations``,
``journey``).

It may import ``api``, ``landing``, ``streams``, ``settings`` and ``errors``. It must not import
``warehouse``, ``dag_support``, ``readers`` or ``local``, nor Airflow."""
