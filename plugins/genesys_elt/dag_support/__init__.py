"""DAG support: what the DAG files in ``dags/`` import. Shared defaults (schedule, retries, pools,
assets) in ``defaults``, the extract operator in ``operators``, the Airflow hook that turns the
``genesys_cloud`` connection into settings in ``hook``, the tasks' work as plain functions of a day
in ``tasks``, and what an extract task tells OpenLineage it read and wrote in ``lineage``.

``defaults`` and ``operators`` are imported at DAG parse time and must stay light: they import only
Airflow's SDK and the stream registry. ``hook``, ``tasks`` and ``lineage`` are imported inside tasks,
at run time. It may import ``extract``, ``api``, ``landing``, ``streams``, ``settings`` and
``errors``; it must not import ``warehouse``, ``readers`` or ``local``."""
