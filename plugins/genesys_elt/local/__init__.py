"""The local harness behind ``make run`` and the Airflow-driven tests: an Airflow installation of
its own run as real processes (``airflow_instance``), the sandbox started as the org
(``sandbox``), and the end-to-end run that backfills the extract DAGs, runs the warehouse DAG and
writes the report (``run``).

It sits on top and may import any other subpackage; nothing else imports it. The DAGs and the
library work the same without it."""
