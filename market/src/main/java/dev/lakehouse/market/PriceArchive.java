package dev.lakehouse.market;

import dev.lakehouse.common.LakehouseSpark;
import dev.lakehouse.common.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bronze.price_responses}: every request sent to the market-data API and its raw answer,
 * appended before anything is parsed from it. An answer archived once never needs to be asked
 * again: when the API fails, the fetcher reads the symbol's latest good answer from here. It is
 * also the day's request count for the budget. The API key is never in it.
 */
public final class PriceArchive {
  static final StructType SCHEMA =
      new StructType()
          .add("response_id", DataTypes.StringType)
          .add("symbol", DataTypes.StringType)
          .add("request_url", DataTypes.StringType)
          .add("output_size", DataTypes.StringType)
          .add("attempt", DataTypes.IntegerType)
          .add("waited_ms", DataTypes.LongType)
          .add("http_status", DataTypes.IntegerType)
          .add("outcome", DataTypes.StringType)
          .add("detail", DataTypes.StringType)
          .add("body", DataTypes.StringType)
          .add("fetched_at", DataTypes.TimestampType);

  /** A good answer read back from the archive. */
  public record Archived(String body, Instant fetchedAt) {}

  private final SparkSession spark;

  public PriceArchive(SparkSession spark) {
    this.spark = spark;
  }

  public static void createIfMissing(SparkSession spark) {
    LakehouseSpark.createNamespaces(spark, Tables.BRONZE);
    spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Tables.BRONZE_PRICE_RESPONSES
            + " (response_id STRING, symbol STRING,"
            + " request_url STRING COMMENT 'the request without its API key',"
            + " output_size STRING, attempt INT COMMENT '1 for the first try of a request',"
            + " waited_ms BIGINT COMMENT 'the backoff before this attempt',"
            + " http_status INT COMMENT 'null when no answer came (timeout, refused)',"
            + " outcome STRING COMMENT 'OK, HTTP_RETRYABLE, HTTP_REJECTED, TIMEOUT, UNREACHABLE,"
            + " MALFORMED, API_ERROR or DAILY_LIMIT', detail STRING,"
            + " body STRING COMMENT 'the raw answer, exactly as received', fetched_at TIMESTAMP)"
            + " USING iceberg PARTITIONED BY (days(fetched_at))"
            + " COMMENT 'One row per request sent to the market-data API, with its raw answer.'"
            + " TBLPROPERTIES ('format-version'='2', 'write.parquet.compression-codec'='zstd',"
            + " 'write.metadata.delete-after-commit.enabled'='true',"
            + " 'write.metadata.previous-versions-max'='100')");
  }

  /** Appends a symbol's attempts in one commit. */
  public void append(MarketDataClient.Result result) {
    if (result.attempts().isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (MarketDataClient.Attempt a : result.attempts()) {
      rows.add(
          RowFactory.create(
              UUID.randomUUID().toString(),
              result.symbol(),
              result.requestUrl(),
              result.outputSize(),
              a.number(),
              a.waitedBefore().toMillis(),
              a.httpStatus(),
              a.outcome().name(),
              a.detail(),
              a.body(),
              Timestamp.from(a.sentAt())));
    }
    LakehouseSpark.append(spark.createDataFrame(rows, SCHEMA), Tables.BRONZE_PRICE_RESPONSES);
  }

  /** Requests sent on a UTC day (each archived attempt was one). */
  public long requestsOn(LocalDate day) {
    Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return spark
        .table(Tables.qualified(Tables.BRONZE_PRICE_RESPONSES))
        .where(
            org.apache
                .spark
                .sql
                .functions
                .col("fetched_at")
                .geq(org.apache.spark.sql.functions.lit(Timestamp.from(from)))
                .and(
                    org.apache
                        .spark
                        .sql
                        .functions
                        .col("fetched_at")
                        .lt(org.apache.spark.sql.functions.lit(Timestamp.from(to)))))
        .count();
  }

  /** The symbol's latest answer that held prices. */
  public Optional<Archived> latestGood(String symbol) {
    List<Row> rows =
        spark
            .table(Tables.qualified(Tables.BRONZE_PRICE_RESPONSES))
            .where(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("symbol")
                    .equalTo(symbol)
                    .and(org.apache.spark.sql.functions.col("outcome").equalTo("OK")))
            .orderBy(org.apache.spark.sql.functions.col("fetched_at").desc())
            .select("body", "fetched_at")
            .limit(1)
            .collectAsList();
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(
            new Archived(rows.get(0).getString(0), rows.get(0).getTimestamp(1).toInstant()));
  }
}
