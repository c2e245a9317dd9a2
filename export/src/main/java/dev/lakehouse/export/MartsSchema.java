package dev.lakehouse.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema {@code marts} over one JDBC connection, which the caller owns: runs the statements of
 * {@link MartsSql}, reads the manifest, and publishes staged tables in one transaction.
 */
final class MartsSchema {
  private final Connection connection;

  MartsSchema(Connection connection) {
    this.connection = connection;
  }

  void prepare() throws SQLException {
    execute(MartsSql.PREPARE);
  }

  /** Runs the statements in order, each committed on its own. */
  void execute(List<String> statements) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Mart name to the gold snapshot its latest publication holds. */
  Map<String, Long> publishedSnapshots() throws SQLException {
    Map<String, Long> snapshots = new LinkedHashMap<>();
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.PUBLISHED_SNAPSHOTS)) {
      while (r.next()) {
        snapshots.put(r.getString(1), r.getLong(2));
      }
    }
    return snapshots;
  }

  long rowCount(String table) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet r = s.executeQuery(MartsSql.countRows(table))) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * One transaction: swap every staged table in and record its manifest row. On any failure nothing
   * of it is visible.
   */
  void publish(List<StagedTable> staged, String runId) throws SQLException {
    if (staged.isEmpty()) {
      return;
    }
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement();
        PreparedStatement manifest = connection.prepareStatement(MartsSql.INSERT_MANIFEST)) {
      for (StagedTable t : staged) {
        for (String sql : MartsSql.swapIn(t)) {
          s.execute(sql);
        }
        manifest.setString(1, t.table().name());
        manifest.setLong(2, t.snapshotId());
        manifest.setString(3, runId);
        manifest.setLong(4, t.rows());
        manifest.setString(5, t.checksum().text());
        manifest.executeUpdate();
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }
}
