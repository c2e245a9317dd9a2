package dev.lakehouse.export;

import java.sql.Connection;
import java.util.Iterator;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Runs on an executor: COPYs one partition into a staging table over a connection of its own, so
 * the partitions load in parallel.
 */
final class CopyPartition implements ForeachPartitionFunction<Row> {
  private static final long serialVersionUID = 1L;
  private final String url;
  private final String user;
  private final String password;
  private final String table;

  CopyPartition(String url, String user, String password, String table) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.table = table;
  }

  @Override
  public void call(Iterator<Row> rows) throws Exception {
    if (!rows.hasNext()) {
      return;
    }
    try (Connection c = PostgresConnections.connect(url, user, password)) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn(CsvEncoding.copyCommand(table), new CsvReader(rows));
    }
  }
}
