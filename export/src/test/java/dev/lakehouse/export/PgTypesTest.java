package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class PgTypesTest {

  @Test
  void decimalsKeepTheirPrecisionAndScale() {
    assertThat(PgTypes.columnType(DataTypes.createDecimalType(18, 2))).isEqualTo("numeric(18,2)");
    assertThat(PgTypes.columnType(DataTypes.createDecimalType(38, 0))).isEqualTo("numeric(38,0)");
  }

  @Test
  void goldTypesMapToTheirPostgresqlTypes() {
    assertThat(PgTypes.columnType(DataTypes.IntegerType)).isEqualTo("integer");
    assertThat(PgTypes.columnType(DataTypes.LongType)).isEqualTo("bigint");
    assertThat(PgTypes.columnType(DataTypes.DoubleType)).isEqualTo("double precision");
    assertThat(PgTypes.columnType(DataTypes.BooleanType)).isEqualTo("boolean");
    assertThat(PgTypes.columnType(DataTypes.DateType)).isEqualTo("date");
    assertThat(PgTypes.columnType(DataTypes.TimestampType)).isEqualTo("timestamptz");
    assertThat(PgTypes.columnType(DataTypes.StringType)).isEqualTo("text");
  }

  @Test
  void typesGoldDoesNotUseBecomeText() {
    assertThat(PgTypes.columnType(DataTypes.ShortType)).isEqualTo("text");
    assertThat(PgTypes.columnType(DataTypes.FloatType)).isEqualTo("text");
    assertThat(PgTypes.columnType(DataTypes.TimestampNTZType)).isEqualTo("text");
    assertThat(PgTypes.columnType(DataTypes.createArrayType(DataTypes.StringType)))
        .isEqualTo("text");
  }

  @Test
  void columnDefinitionsFollowTheSchemaOrder() {
    StructType schema =
        new StructType()
            .add("account_id", DataTypes.StringType)
            .add("month_start", DataTypes.DateType)
            .add("closing_balance_inr", DataTypes.createDecimalType(18, 2))
            .add("txn_count", DataTypes.LongType);

    assertThat(PgTypes.columnDefinitions(schema))
        .isEqualTo(
            "account_id text, month_start date, closing_balance_inr numeric(18,2), txn_count"
                + " bigint");
  }
}
