package dev.lakehouse.bronze;

import dev.lakehouse.contract.FieldSpec;
import dev.lakehouse.contract.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark schemas of the bronze tables, derived from the event contract. */
public final class BronzeSchemas {
  static final DataType MONEY = DataTypes.createDecimalType(18, 2);
  static final DataType PRICE = DataTypes.createDecimalType(18, 4);

  /** Where a row came from; every bronze table ends with these columns. */
  static final List<StructField> PROVENANCE =
      List.of(
          DataTypes.createStructField("kafka_topic", DataTypes.StringType, false),
          DataTypes.createStructField("kafka_partition", DataTypes.IntegerType, false),
          DataTypes.createStructField("kafka_offset", DataTypes.LongType, false),
          DataTypes.createStructField("kafka_ts", DataTypes.TimestampType, false),
          DataTypes.createStructField("kafka_key", DataTypes.StringType, true));

  /** The output of the parse step: provenance, verdict and one struct per topic. */
  static final StructType PARSED;

  static {
    List<StructField> fields = new ArrayList<>(PROVENANCE);
    fields.add(DataTypes.createStructField("reason_code", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("stage", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("message", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("raw_value", DataTypes.BinaryType, true));
    fields.add(DataTypes.createStructField("raw_text", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("extra_fields", DataTypes.StringType, true));
    for (String topic : Topic.names()) {
      fields.add(DataTypes.createStructField(topic, contractStruct(topic), true));
    }
    PARSED = DataTypes.createStructType(fields);
  }

  private BronzeSchemas() {}

  /** The typed struct of a topic's event as the contract defines it. */
  public static StructType contractStruct(String topic) {
    List<StructField> fields = new ArrayList<>();
    for (FieldSpec spec : Topic.of(topic).fields()) {
      fields.add(DataTypes.createStructField(spec.name(), sparkType(spec), !spec.required()));
    }
    return DataTypes.createStructType(fields);
  }

  static DataType sparkType(FieldSpec spec) {
    return switch (spec.type()) {
      case STRING, ENUM, CURRENCY, OBJECT -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case PRICE -> PRICE;
      case MONEY, POSITIVE_MONEY -> MONEY;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DATE -> DataTypes.DateType;
      case DOUBLE -> DataTypes.DoubleType;
    };
  }
}
