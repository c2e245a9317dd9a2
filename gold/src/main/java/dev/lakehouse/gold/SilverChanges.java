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
 * ignored), and the dates of the transactions a changed account, customer or merchant row can
 * change in gold (a late reference row, a corrected opening balance, a new merchant category): of
 * an account or merchant, every date, but only when a column gold's dated models read changed; of a
 * customer gold already holds a current version of, the dates from the earliest change's updated_at
 * on (a move opens a version there, a correction recorded no later than its version's start
 * rewrites that version in place, an attribute of the dimension alone changes no fact); of a new or
 * inferred customer, every date.
 */
final class SilverChanges {
  /** Dates to rebuild; {@code everything} when gold must rebuild all of silver, and why. */
  record Changes(SortedSet<LocalDate> dates, boolean everything, String reason) {}

  /**
   * The columns of a reference table that gold's dated models (facts, balances, marts) read; a
   * change elsewhere (an overdraft limit, a merchant's city, updated_at) reaches only the
   * dimension, which every run rebuilds from the whole of silver.
   */
  static final Map<Topic, List<String>> DATED_COLUMNS =
      Map.of(
          Topic.ACCOUNTS,
          List.of("account_id", "customer_id", "account_type", "opened_at", "opening_balance"),
          Topic.MERCHANTS,
          List.of("merchant_id", "category"));

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
      if (topic == Topic.CUSTOMERS
          && org.apache.iceberg.util.SnapshotUtil.isAncestorOf(
              LakehouseSpark.icebergTable(spark, table), now, was)) {
        dates.addAll(datesOfChangedCustomers(spark, statesSince(spark, table, was, now), was));
        continue;
      }
      if (topic == Topic.CUSTOMERS) {
        // Not an ancestor (rolled back past): every date of every customer that differs.
        dates.addAll(
            datesOfTransactionsOf(
                spark,
                topic,
                spark.sql(
                    "SELECT * FROM "
                        + Tables.qualified(table)
                        + " EXCEPT SELECT * FROM "
                        + Tables.qualified(table)
                        + " VERSION AS OF "
                        + was)));
        continue;
      }
      String columns = String.join(", ", DATED_COLUMNS.get(topic));
      Dataset<Row> changed =
          spark.sql(
              "SELECT "
                  + columns
                  + " FROM "
                  + Tables.qualified(table)
                  + " EXCEPT SELECT "
                  + columns
                  + " FROM "
                  + Tables.qualified(table)
                  + " VERSION AS OF "
                  + was);
      dates.addAll(datesOfTransactionsOf(spark, topic, changed));
    }
    return new Changes(dates, false, null);
  }

  /**
   * The event dates of the silver transactions a customer change since snapshot {@code was} can
   * change: from the earliest updated_at among the customer's rows in the states since then on,
   * when gold holds a current, not inferred, version of the customer; every date otherwise.
   */
  private static SortedSet<LocalDate> datesOfChangedCustomers(
      SparkSession spark, List<Long> states, long was) {
    String table = Tables.qualified(Topic.CUSTOMERS.silverTable());
    String key = Topic.CUSTOMERS.keyField();
    String time = Topic.CUSTOMERS.eventTimeColumn();
    List<String> changedInState = new ArrayList<>();
    for (long state : states) {
      changedInState.add(
          "(SELECT * FROM "
              + table
              + " VERSION AS OF "
              + state
              + " EXCEPT SELECT * FROM "
              + table
              + " VERSION AS OF "
              + was
              + ")");
    }
    String sql =
        "WITH changed AS ("
            + String.join(" UNION ALL ", changedInState)
            + "), first_change AS (SELECT "
            + key
            + ", min("
            + time
            + ") AS first_change, count_if("
            + time
            + " IS NULL) AS undated FROM changed GROUP BY "
            + key
            + "), since AS (SELECT f."
            + key
            + ", CASE WHEN d."
            + key
            + " IS NULL OR d.is_inferred OR f.undated > 0 THEN NULL ELSE f.first_change END AS"
            + " since FROM first_change f LEFT JOIN (SELECT "
            + key
            + ", is_inferred FROM "
            + Tables.qualified(Tables.GOLD_DIM_CUSTOMER)
            + " WHERE is_current) d ON d."
            + key
            + " = f."
            + key
            + ") SELECT DISTINCT to_date(t.event_ts) FROM "
            + Tables.qualified(Tables.SILVER_TRANSACTIONS)
            + " t JOIN since s ON t."
            + key
            + " = s."
            + key
            + " AND (s.since IS NULL OR t.event_ts >= s.since)";
    SortedSet<LocalDate> dates = new TreeSet<>();
    for (Row r : spark.sql(sql).collectAsList()) {
      dates.add(r.getDate(0).toLocalDate());
    }
    return dates;
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
