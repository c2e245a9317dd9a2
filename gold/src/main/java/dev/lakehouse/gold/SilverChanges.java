package dev.lakehouse.gold;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import dev.lakehouse.contract.Topic;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The event dates gold must rebuild because silver changed since the snapshots gold last consumed,
 * whatever dates those changes touched: the days(event_ts) partitions of silver.transactions that
 * any commit since then added or removed files in (read from Iceberg's metadata, compactions
 * ignored), and the dates of every transaction of an account, customer or merchant whose silver row
 * changed (a late reference row, a corrected opening balance, a new merchant category).
 */
final class SilverChanges {
  /** Dates to rebuild; {@code everything} when gold must rebuild all of silver, and why. */
  record Changes(SortedSet<LocalDate> dates, boolean everything, String reason) {}

  private SilverChanges() {}

  /**
   * What changed since {@code consumed} (silver table -> snapshot id gold last read); every date
   * silver holds when gold has consumed nothing yet or the consumed snapshot is gone.
   */
  static Changes since(SparkSession spark, Map<String, Long> consumed, Map<String, Long> current) {
    String transactions = Tables.SILVER_TRANSACTIONS;
    Long from = consumed.get(transactions);
    if (from == null || from < 0) {
      return everything(spark, "gold has not consumed silver yet");
    }
    SortedSet<LocalDate> dates = new TreeSet<>();
    if (!from.equals(current.get(transactions))) {
      Table table = LakehouseSpark.icebergTable(spark, transactions);
      String problem = partitionDatesSince(table, from, current.get(transactions), dates);
      if (problem != null) {
        return everything(spark, problem);
      }
    }
    for (Topic topic : List.of(Topic.CUSTOMERS, Topic.ACCOUNTS, Topic.MERCHANTS)) {
      String table = topic.silverTable();
      Long was = consumed.get(table);
      Long now = current.get(table);
      if (now == null || now.equals(was)) {
        continue;
      }
      if (was == null || was < 0) {
        dates.addAll(datesOfTransactionsOf(spark, topic, spark.table(Tables.qualified(table))));
        continue;
      }
      if (LakehouseSpark.icebergTable(spark, table).snapshot(was) == null) {
        return everything(spark, table + " no longer has snapshot " + was);
      }
      Dataset<Row> changed =
          spark.sql(
              "SELECT * FROM "
                  + Tables.qualified(table)
                  + " EXCEPT SELECT * FROM "
                  + Tables.qualified(table)
                  + " VERSION AS OF "
                  + was);
      dates.addAll(datesOfTransactionsOf(spark, topic, changed));
    }
    return new Changes(dates, false, null);
  }

  /**
   * Adds the partition dates of the files every non-compaction commit after {@code from} up to
   * {@code to} added or removed; a problem when {@code from} is not an ancestor of {@code to}.
   */
  private static String partitionDatesSince(
      Table table, long from, long to, SortedSet<LocalDate> dates) {
    List<Snapshot> since = committedSince(table, from, to);
    if (since == null) {
      return Tables.SILVER_TRANSACTIONS
          + " snapshot "
          + from
          + " that gold last read is no longer in its history (expired or rolled back)";
    }
    for (Snapshot snapshot : since) {
      if (DataOperations.REPLACE.equals(snapshot.operation())) {
        continue; // compaction or a manifest rewrite: the same rows in other files
      }
      List<ContentFile<?>> files = new ArrayList<>();
      snapshot.addedDataFiles(table.io()).forEach(files::add);
      snapshot.removedDataFiles(table.io()).forEach(files::add);
      snapshot.addedDeleteFiles(table.io()).forEach(files::add);
      snapshot.removedDeleteFiles(table.io()).forEach(files::add);
      for (ContentFile<?> f : files) {
        LocalDate date = partitionDate(table.specs().get(f.specId()), f);
        if (date == null) {
          return Tables.SILVER_TRANSACTIONS + " has a file outside the days(event_ts) partitioning";
        }
        dates.add(date);
      }
    }
    return null;
  }

  /**
   * The snapshots of {@code table} committed after {@code from} up to {@code to}, oldest first,
   * compactions skipped: every state silver held since gold last looked, so that every change in
   * between becomes a version. Only {@code to} when {@code from} is unknown, the same, or no longer
   * in the table's history.
   */
  static List<Long> statesSince(SparkSession spark, String table, Long from, long to) {
    if (from == null || from < 0 || from == to || to < 0) {
      return List.of(to);
    }
    List<Snapshot> since = committedSince(LakehouseSpark.icebergTable(spark, table), from, to);
    if (since == null) {
      return List.of(to);
    }
    List<Long> states = new ArrayList<>();
    for (Snapshot s : since) {
      if (!DataOperations.REPLACE.equals(s.operation()) || s.snapshotId() == to) {
        states.add(0, s.snapshotId());
      }
    }
    return states;
  }

  /**
   * The snapshots from {@code to} back to, not including, {@code from}, newest first; null when
   * {@code from} is not an ancestor of {@code to} (expired, or rolled back past).
   */
  private static List<Snapshot> committedSince(Table table, long from, long to) {
    List<Snapshot> since = new ArrayList<>();
    Snapshot s = table.snapshot(to);
    while (s != null && s.snapshotId() != from) {
      since.add(s);
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    return s == null ? null : since;
  }

  private static LocalDate partitionDate(PartitionSpec spec, ContentFile<?> file) {
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      PartitionField field = fields.get(i);
      if (field.transform().toString().equals("day")
          && spec.schema().findColumnName(field.sourceId()).equals("event_ts")) {
        Integer days = file.partition().get(i, Integer.class);
        return days == null ? null : LocalDate.ofEpochDay(days);
      }
    }
    return null;
  }

  /** The event dates of the silver transactions of the accounts, customers or merchants given. */
  private static SortedSet<LocalDate> datesOfTransactionsOf(
      SparkSession spark, Topic topic, Dataset<Row> changedRows) {
    String key = topic.keyField();
    String view = "gold_changed_" + topic.topicName();
    changedRows.select(key).distinct().createOrReplaceTempView(view);
    SortedSet<LocalDate> dates = new TreeSet<>();
    for (Row r :
        spark
            .sql(
                "SELECT DISTINCT to_date(t.event_ts) FROM "
                    + Tables.qualified(Tables.SILVER_TRANSACTIONS)
                    + " t LEFT SEMI JOIN "
                    + view
                    + " c ON t."
                    + key
                    + " = c."
                    + key)
            .collectAsList()) {
      dates.add(r.getDate(0).toLocalDate());
    }
    return dates;
  }

  static Changes everything(SparkSession spark, String reason) {
    SortedSet<LocalDate> dates = new TreeSet<>();
    for (Row r :
        spark
            .sql(
                "SELECT DISTINCT to_date(event_ts) FROM "
                    + Tables.qualified(Tables.SILVER_TRANSACTIONS))
            .collectAsList()) {
      dates.add(r.getDate(0).toLocalDate());
    }
    return new Changes(dates, true, reason);
  }
}
