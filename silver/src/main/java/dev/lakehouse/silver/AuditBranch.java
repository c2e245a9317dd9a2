package dev.lakehouse.silver;

import dev.lakehouse.common.LakehouseSpark;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;

/**
 * Write-audit-publish for one silver run: the run writes each silver table on an Iceberg branch
 * named after the run, the audit reads those branches, and {@link #publish()} fast-forwards {@code
 * main} to them. Until then readers of the tables (gold, analysts) see {@code main} unchanged. A
 * table's branch is opened when the run first writes it, so tables the run leaves alone get no
 * branch and no commit.
 */
final class AuditBranch {
  private final SparkSession spark;
  private final String name;

  /** The tables this run opened its branch on. */
  private final Set<String> opened = new LinkedHashSet<>();

  AuditBranch(SparkSession spark, String runId) {
    this.spark = spark;
    this.name = "audit_" + runId.replace("-", "").substring(0, 16);
  }

  String name() {
    return name;
  }

  /** The table's identifier on this run's branch, opening the branch from main if needed. */
  String ref(String table) {
    if (!opened.contains(table)) {
      Table t = LakehouseSpark.icebergTable(spark, table);
      Snapshot main = t.currentSnapshot();
      ManageSnapshots m = t.manageSnapshots();
      // A table without a snapshot gets an empty one on the branch.
      (main == null ? m.createBranch(name) : m.createBranch(name, main.snapshotId())).commit();
      opened.add(table);
    }
    return table + ".branch_" + name;
  }

  /** The identifier to read the table as this run sees it: its branch once opened, else main. */
  String read(String table) {
    return opened.contains(table) ? table + ".branch_" + name : table;
  }

  boolean isOpen(String table) {
    return opened.contains(table);
  }

  /** Whether the run opened a branch on any table (and so wrote to it). */
  boolean isOpenAny() {
    return !opened.isEmpty();
  }

  /**
   * Makes every branch the table's main: a fast-forward, which Iceberg refuses if main moved since
   * the branch was opened (another writer), and then drops the branch.
   */
  void publish() {
    for (String table : opened) {
      Table t = LakehouseSpark.icebergTable(spark, table);
      SnapshotRef branch = t.refs().get(name);
      Snapshot main = t.currentSnapshot();
      ManageSnapshots m = t.manageSnapshots();
      if (main == null) {
        m.createBranch(SnapshotRef.MAIN_BRANCH, branch.snapshotId());
      } else if (main.snapshotId() != branch.snapshotId()) {
        m.fastForwardBranch(SnapshotRef.MAIN_BRANCH, name);
      }
      m.removeBranch(name).commit();
    }
  }

  /** Drops the branches of a run that wrote nothing to them. */
  void discard() {
    for (String table : opened) {
      LakehouseSpark.icebergTable(spark, table).manageSnapshots().removeBranch(name).commit();
    }
    opened.clear();
  }
}
