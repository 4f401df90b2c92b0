# The Airflow image the compose topology runs: the official Apache Airflow 3.3 image plus the
# project's pinned requirements (dbt, Cosmos, DuckDB...). The project folders are mounted, not copied.
FROM apache/airflow:3.3.2-python3.11
COPY requirements.txt constraints.txt /tmp/genesys/
RUN pip install --no-cache-dir -r /tmp/genesys/requirements.txt -c /tmp/genesys/constraints.txt
