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
  private final org.apache.spark.util.CollectionAccumulator<Checksum> checksums;

  /** Each partition's checksum goes to {@code checksums} (once per partition: an action's). */
  CopyPartition(
      String url,
      String user,
      String password,
      String table,
      org.apache.spark.util.CollectionAccumulator<Checksum> checksums) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.table = table;
    this.checksums = checksums;
  }

  @Override
  public void call(Iterator<Row> rows) throws Exception {
    if (!rows.hasNext()) {
      return;
    }
    Checksum.Running checksum = new Checksum.Running();
    try (Connection c = PostgresConnections.connect(url, user, password)) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn(CsvEncoding.copyCommand(table), new CsvReader(rows, checksum));
    }
    checksums.add(checksum.checksum());
  }
}
