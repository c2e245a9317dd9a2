"""The lakehouse's daily run, one business date per DAG run.

Every task submits the same application jar (app/target/lakehouse-jobs.jar) to Spark with
SparkSubmitOperator, so the jobs run exactly as they do from a terminal:

    prices_fetch >> drain_stream >> silver >> observe_silver >> dq_gate >> gold >> observe_gold >> export >> maintain
    fraud >> export
    drain_stream >> trading_silver >> trading_gold >> export

* prices_fetch  prices fetch --from {{ ds }} --to {{ ds }}: the date's daily prices from the market-data API
                (market.base-url; the key from LAKEHOUSE_MARKET_API_KEY), only for symbols bronze lacks,
                within the day's request budget, each raw answer archived, the archive as fallback.
                drain_stream runs whatever its outcome (trigger_rule all_done): payments never wait for
                the market-data API.
* fraud         fraud --available-now --skip-if-running: scores the payments Kafka holds with the fraud
                rules (and the model, once fraud-train has saved one), so export publishes every alert.
                When the continuous fraud stream runs (the compose stack's fraud-stream service), it does
                that work: the task sees its lock, says so and succeeds without scoring.
* drain_stream  bronze --available-now: lands what Kafka holds, exactly once, then stops. (If you run the
                continuous stream instead, replace it with a `status` task: it exits 1 when the stream lags.)
* silver        silver --date {{ ds }}: the logical date, with the 3-day lookback for late settlements.
* observe_silver  observe --date {{ ds }} --layer bronze,silver: the metrics of bronze and silver for the
                window, judged against their own history; anomalies go to ops.anomalies.
* dq_gate       dq-gate --date {{ ds }}: exit 3 (task failure) when the silver run broke a fail rule,
                was suspicious or quarantined too much (or, with dq-gate.fail-on-anomalies, when
                observe_silver found anomalies); gold does not run on bad data.
* gold          gold --date {{ ds }}: star schema and marts for the same window.
* observe_gold  observe --date {{ ds }} --layer gold: the same for gold's transactions, before export
                publishes them (the dashboards' health page shows the anomalies).
* trading_silver, trading_gold  trading silver / gold --date {{ ds }}: the trading warehouse (prices, orders,
                trades) with its rules and quarantine, then its star schema and marts.
* export        export: publishes changed marts to PostgreSQL in one transaction.
* maintain      maintain --date {{ ds }}: compaction outside the lookback, snapshot expiry, orphans.

Every task is safe to retry or to submit twice: the ledger (ops.runs) decides, and a run that already
finished for the date with the same inputs records a NOOP instead of writing again. catchup=True with
max_active_runs=1 processes missed dates oldest first, which is what silver's gap check expects.

A date's gold waits for the previous date's gold and export (wait_for_downstream), and export for the
previous export (depends_on_past): after a failure the next date stops before gold instead of publishing
around the gap, and holds the dates after it (max_active_runs=1). Once the cause is fixed, clear the
failed task with its Downstream and Future tasks; the cleared dates run again, oldest first.
A failed task logs one line naming the DAG, task, logical date and the task's log (log_failure).

Configuration comes from the `compose` profile baked into the jar plus LAKEHOUSE_* environment variables
of the Airflow worker (service addresses, LAKEHOUSE_POSTGRES_PASSWORD, LAKEHOUSE_PII_HMAC_KEY,
LAKEHOUSE_MARKET_API_KEY, AWS_*).
The Spark driver inherits that environment and the jobs refuse LAKEHOUSE_* variables that are not
configuration keys, so nothing else uses the prefix: the jar's path is a constant, where
docker-compose.yml mounts app/target.
"""

import logging
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JOBS_JAR = "/opt/lakehouse/jars/lakehouse-jobs.jar"
MAIN_CLASS = "dev.lakehouse.app.Lakehouse"
PROFILE = os.environ.get("LAKEHOUSE_PROFILE", "compose")
SPARK_CONN = "spark_default"

# Spark on Java 17 needs these on the driver and the executors (same set as bin/lakehouse).
JAVA_OPTIONS = " ".join(
    "--add-opens=java.base/" + p + "=ALL-UNNAMED"
    for p in (
        "java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
        "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "sun.nio.ch", "sun.nio.cs",
        "sun.security.action", "sun.util.calendar",
    )
) + " -Djdk.reflect.useDirectMethodHandle=false"

SPARK_CONF = {
    "spark.driver.extraJavaOptions": JAVA_OPTIONS,
    "spark.executor.extraJavaOptions": JAVA_OPTIONS,
    "spark.sql.session.timeZone": "UTC",
}

# What every task shares: the jar, its entry point, the Spark connection and configuration.
SPARK_JOB = {
    "conn_id": SPARK_CONN,
    "application": JOBS_JAR,
    "java_class": MAIN_CLASS,
    "conf": SPARK_CONF,
}


def log_failure(context):
    """One line for whoever watches the scheduler's or the task's log; no external service is called."""
    ti = context["task_instance"]
    logging.getLogger("lakehouse_daily").error(
        "Lakehouse task %s of DAG %s failed for logical date %s (try %s); log: %s; error: %s",
        ti.task_id,
        ti.dag_id,
        context["ds"],
        ti.try_number,
        ti.log_url,
        context.get("exception"),
    )


default_args = {
    "owner": "data-platform",
    "depends_on_past": False,
    "on_failure_callback": log_failure,
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=2),
}

with DAG(
    dag_id="lakehouse_daily",
    description="Kafka -> bronze -> silver -> DQ gate -> gold -> PostgreSQL marts, then maintenance",
    schedule="@daily",
    start_date=datetime(2026, 11, 1),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    tags=["lakehouse", "spark", "iceberg"],
) as dag:
    prices_fetch = SparkSubmitOperator(
        task_id="prices_fetch",
        name="lakehouse-prices",
        **SPARK_JOB,
        application_args=[
            "--profile", PROFILE, "--json", "prices", "fetch", "--from", "{{ ds }}", "--to", "{{ ds }}",
        ],
        # The API's own retries and budget are inside the command; one task retry covers a lost worker.
        retries=1,
    )

    drain_stream = SparkSubmitOperator(
        task_id="drain_stream",
        name="lakehouse-bronze",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "bronze", "--available-now"],
        trigger_rule="all_done",
    )

    fraud = SparkSubmitOperator(
        task_id="fraud",
        name="lakehouse-fraud",
        **SPARK_JOB,
        application_args=[
            "--profile", PROFILE, "--json", "fraud", "--available-now", "--skip-if-running",
        ],
    )

    silver = SparkSubmitOperator(
        task_id="silver",
        name="lakehouse-silver",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "silver", "--date", "{{ ds }}"],
    )

    observe_silver = SparkSubmitOperator(
        task_id="observe_silver",
        name="lakehouse-observe-silver",
        **SPARK_JOB,
        application_args=[
            "--profile", PROFILE, "--json", "observe", "--date", "{{ ds }}", "--layer", "bronze,silver",
        ],
    )

    dq_gate = SparkSubmitOperator(
        task_id="dq_gate",
        name="lakehouse-dq-gate",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "dq-gate", "--date", "{{ ds }}"],
        # A failed verdict does not change on retry; one retry covers a lost executor or a restarted worker.
        retries=1,
    )

    # Gold for a date starts only when the previous date's gold and export succeeded: the marts are built
    # and published date after date, never around a failed date. depends_on_past rather than an
    # ExternalTaskSensor: the previous run is of this DAG, and a sensor would hold a worker slot while waiting.
    gold = SparkSubmitOperator(
        task_id="gold",
        name="lakehouse-gold",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "gold", "--date", "{{ ds }}"],
        depends_on_past=True,
        wait_for_downstream=True,
    )

    observe_gold = SparkSubmitOperator(
        task_id="observe_gold",
        name="lakehouse-observe-gold",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "observe", "--date", "{{ ds }}", "--layer", "gold"],
    )

    trading_silver = SparkSubmitOperator(
        task_id="trading_silver",
        name="lakehouse-trading-silver",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "trading", "silver", "--date", "{{ ds }}"],
    )

    trading_gold = SparkSubmitOperator(
        task_id="trading_gold",
        name="lakehouse-trading-gold",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "trading", "gold", "--date", "{{ ds }}"],
    )

    export = SparkSubmitOperator(
        task_id="export",
        name="lakehouse-export",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "export"],
        depends_on_past=True,
    )

    maintain = SparkSubmitOperator(
        task_id="maintain",
        name="lakehouse-maintain",
        **SPARK_JOB,
        application_args=["--profile", PROFILE, "--json", "maintain", "--date", "{{ ds }}"],
        retries=5,
    )

    prices_fetch >> drain_stream >> silver >> observe_silver >> dq_gate >> gold >> observe_gold >> export >> maintain
    fraud >> export
    drain_stream >> trading_silver >> trading_gold >> export
