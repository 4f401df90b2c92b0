"""The API client: everything that talks to Genesys Cloud. OAuth tokens (``auth``), the shared
rate budget (``rate_budget``), retries and the HTTP session (``client``), the endpoint catalogue
declared as data (``catalogue``), one paginator per paging style (``paging``) and asynchronous
queries (``async_queries``).

It may import ``genesys_elt.errors`` and ``genesys_elt.settings`` only; it must not import the
stream registry or any other subpackage. It knows nothing of slices, streams or the warehouse: it
returns pages of JSON."""
