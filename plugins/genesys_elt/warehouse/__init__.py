"""The warehouse runner: the dbt project and how to run it outside Airflow (``dbt``), the mirror
of landed slices into tables for a server warehouse that cannot read files (``raw_sync``), and
PostgreSQL administration for local databases (``postgres``), the docs site (``docs``) and the
metrics layer's MetricFlow queries (``metrics``). The transformations themselves are
the dbt project in ``dbt_project/``.

It may import ``settings``, ``errors``, ``streams``, ``landing.layout`` (paths), ``landing.reader``
and ``landing.mirror`` (a landing area on an object store copied locally before a build). It must
not import ``api``, ``extract``, ``dag_support``, ``readers`` or ``local``."""
