"""Readers: what people and commands read back from a built warehouse. The HTML report
(``report``), one customer's timeline as JSON (``timeline``), the end-of-run summary that
``make run`` prints (``summary``), and identity resolution scored against a known truth
(``identity_quality``). They open the warehouse read-only.

They may import ``settings``, ``errors``, ``landing.pseudonymize`` (to look a phone or email up
by its token) and ``warehouse.dbt`` (the mart names). They must not import ``api``, ``extract``,
``dag_support`` or ``local``, and never write to the warehouse."""
