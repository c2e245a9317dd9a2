package dev.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.contract.ContractLimits;
import dev.lakehouse.contract.ContractParser;
import dev.lakehouse.contract.ParsedMessage;
import dev.lakehouse.contract.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The pure transforms of the bronze job: Kafka rows to parsed rows, then to table rows. */
final class MessageParsing {
  private MessageParsing() {}

  /**
   * Kafka source rows (key, value, topic, partition, offset, timestamp) to {@link
   * BronzeSchemas#PARSED}.
   */
  static Dataset<Row> parse(Dataset<Row> kafka, ContractLimits limits) {
    return kafka
        .select("key", "value", "topic", "partition", "offset", "timestamp")
        .mapPartitions(new ParseFunction(limits), Encoders.row(BronzeSchemas.PARSED));
  }

  /** The rows of one topic that passed the contract, in the column order of its bronze table. */
  static Dataset<Row> valid(Dataset<Row> parsed, String topic, java.sql.Timestamp ingestedAt) {
    return parsed
        .filter(col("kafka_topic").equalTo(topic).and(col("reason_code").isNull()))
        .select(
            col(topic + ".*"),
            lit(1).as("schema_version"),
            col("extra_fields"),
            col("kafka_topic"),
            col("kafka_partition"),
            col("kafka_offset"),
            col("kafka_ts"),
            col("kafka_key"),
            lit(ingestedAt).as("ingested_at"));
  }

  /** Every message that broke the contract, in the column order of bronze.dead_letters. */
  static Dataset<Row> deadLetters(Dataset<Row> parsed, java.sql.Timestamp ingestedAt) {
    Column[] columns = {
      col("kafka_topic"),
      col("kafka_partition"),
      col("kafka_offset"),
      col("kafka_ts"),
      col("kafka_key"),
      col("raw_value"),
      col("raw_text"),
      col("reason_code"),
      col("stage"),
      col("message"),
      lit(ingestedAt).as("ingested_at"),
      lit(null).cast("timestamp").as("replayed_at")
    };
    return parsed.filter(col("reason_code").isNotNull()).select(columns);
  }

  static final class ParseFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final ContractLimits limits;

    ParseFunction(ContractLimits limits) {
      this.limits = limits;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
      ContractParser parser = new ContractParser(limits);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return input.hasNext();
        }

        @Override
        public Row next() {
          return toRow(parser, input.next());
        }
      };
    }
  }

  static Row toRow(ContractParser parser, Row kafka) {
    byte[] key = (byte[]) kafka.get(0);
    byte[] value = (byte[]) kafka.get(1);
    String topic = kafka.getString(2);
    ParsedMessage parsed = parser.parse(topic, value);
    Object[] out = new Object[BronzeSchemas.PARSED.size()];
    out[0] = topic;
    out[1] = kafka.getInt(3);
    out[2] = kafka.getLong(4);
    out[3] = kafka.get(5);
    out[4] = key == null ? null : new String(key, StandardCharsets.UTF_8);
    if (parsed.isDeadLetter()) {
      out[5] = parsed.reason().name();
      out[6] = parsed.reason().stage();
      out[7] = parsed.message();
      out[8] = value;
      out[9] = parsed.rawText();
    } else {
      out[10] = parsed.extraFields();
      out[11 + Topic.names().indexOf(topic)] = RowFactory.create(parsed.values());
    }
    return RowFactory.create(out);
  }
}
