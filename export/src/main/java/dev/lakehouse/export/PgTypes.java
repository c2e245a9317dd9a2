package dev.lakehouse.export;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark column types as PostgreSQL column types: what the staging tables of the export declare. */
final class PgTypes {
  private PgTypes() {}

  /**
   * The PostgreSQL type of a Spark column. Gold uses only the types matched here; anything else is
   * declared text, which accepts the value's text form rather than failing the export.
   */
  static String columnType(DataType type) {
    if (type instanceof DecimalType d) {
      return "numeric(" + d.precision() + "," + d.scale() + ")";
    }
    if (type.equals(DataTypes.IntegerType)) {
      return "integer";
    }
    if (type.equals(DataTypes.LongType)) {
      return "bigint";
    }
    if (type.equals(DataTypes.DoubleType)) {
      return "double precision";
    }
    if (type.equals(DataTypes.BooleanType)) {
      return "boolean";
    }
    if (type.equals(DataTypes.DateType)) {
      return "date";
    }
    if (type.equals(DataTypes.TimestampType)) {
      return "timestamptz";
    }
    return "text";
  }

  /** The column list of a CREATE TABLE for a Spark schema, in the schema's order. */
  static String columnDefinitions(StructType schema) {
    List<String> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      columns.add(f.name() + " " + columnType(f.dataType()));
    }
    return String.join(", ", columns);
  }
}
