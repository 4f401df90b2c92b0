"""DAG support: what the DAG files in ``dags/`` import. Shared defaults (schedule, retries, pools,
assets) in ``defaults``, the Airflow hook that turns the ``genesys_cloud`` connection into settings
in ``hook``, and the tasks' work as plain functions of a day in ``tasks``.

``defaults`` is imported at DAG parse time and must stay light: it imports only Airflow's SDK and
the stream registry. ``hook`` and ``tasks`` are imported inside tasks, at run time. It may import
``extract``, ``streams``, ``settings`` and ``errors``; it must not import ``warehouse``, ``readers``
or ``local``."""
