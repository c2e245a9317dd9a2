"""The `--master` that Airflow 2.10 with apache-airflow-providers-apache-spark 5.0.0 gives spark-submit
for a connection defined in an AIRFLOW_CONN_<ID> environment variable, without Airflow installed.

Usage: python3 spark_connection.py CONNECTION_VALUE. Prints JSON: the connection's fields as Airflow
parses them, and the master and deploy mode the hook resolves. (Airflow's optional secrets cache,
[secrets] use_cache, off by default, stores connections as URIs; it is not modelled.)

A small re-implementation of the code paths involved, read from apache/airflow:
* airflow/secrets/base_secrets.py, BaseSecretsBackend.deserialize_connection: a value starting with "{"
  is JSON (Connection.from_json), anything else a URI (Connection(uri=...)).
* airflow/models/connection.py (2.x): Connection._parse_from_uri, _normalize_conn_type,
  _parse_netloc_to_hostname, _create_host and from_json (host, port and extra only).
* providers/src/airflow/providers/apache/spark/hooks/spark_submit.py, SparkSubmitHook._resolve_connection
  (unchanged from 4.x through 5.x until apache/airflow#61528, 2026): master = "host:port" when the
  connection has a port, else host. The connection type is dropped, so a URI
  spark://spark-master:7077 becomes `--master spark-master:7077` (apache/airflow#46169, #56453).
"""

import json
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

EXTRA_KEY = "__extra__"


def normalize_conn_type(conn_type):
    if conn_type == "postgresql":
        return "postgres"
    return conn_type.replace("-", "_") if "-" in conn_type else conn_type


def netloc_to_hostname(parts):
    hostname = unquote(parts.hostname or "")
    if "/" in hostname:
        hostname = parts.netloc
        if "@" in hostname:
            hostname = hostname.rsplit("@", 1)[1]
        if ":" in hostname:
            hostname = hostname.split(":", 1)[0]
        hostname = unquote(hostname)
    return hostname


def from_uri(uri):
    schemes = uri.count("://")
    if schemes > 2:
        raise ValueError("Invalid connection string: " + uri)
    host_with_protocol = schemes == 2
    conn_type = urlsplit(uri).scheme
    rest = uri.replace(conn_type + "://", "" if host_with_protocol else "//")
    if host_with_protocol:
        first = rest.split("://", 1)[0]
        if "@" in first or ":" in first:
            raise ValueError("Invalid connection string: " + uri)
    parts = urlsplit(rest)
    protocol = parts.scheme if host_with_protocol else None
    host = netloc_to_hostname(parts)
    if host and protocol:
        host = protocol + "://" + host
    extra = {}
    if parts.query:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        extra = json.loads(query[EXTRA_KEY]) if EXTRA_KEY in query else query
    return {"conn_type": normalize_conn_type(conn_type), "host": host, "port": parts.port, "extra": extra}


def from_json(value):
    kwargs = json.loads(value)
    extra = kwargs.get("extra") or {}
    return {
        "conn_type": normalize_conn_type(kwargs["conn_type"]) if kwargs.get("conn_type") else None,
        "host": kwargs.get("host"),
        "port": int(kwargs["port"]) if kwargs.get("port") else None,
        "extra": json.loads(extra) if isinstance(extra, str) else extra,
    }


def deserialize(value):
    value = value.strip()
    return from_json(value) if value[0] == "{" else from_uri(value)


def resolve(conn):
    """SparkSubmitHook._resolve_connection of provider 5.0.0: master and deploy mode."""
    master = "{}:{}".format(conn["host"], conn["port"]) if conn["port"] else conn["host"]
    return {"master": master, "deploy_mode": conn["extra"].get("deploy-mode")}


def main(value):
    conn = deserialize(value)
    print(json.dumps({"connection": conn, "resolved": resolve(conn)}))


if __name__ == "__main__":
    main(sys.argv[1])
