package dev.lakehouse.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class CsvEncodingTest {

  static String field(Object value) {
    StringBuilder sb = new StringBuilder();
    CsvEncoding.appendField(value, sb);
    return sb.toString();
  }

  static String line(Object... values) {
    List<Object> list = Arrays.asList(values);
    StringBuilder sb = new StringBuilder();
    CsvEncoding.appendLine(list.size(), list::get, sb);
    return sb.toString();
  }

  @Test
  void nullIsAnEmptyUnquotedFieldButAnEmptyTextIsQuoted() {
    assertThat(line(1, null, "")).isEqualTo("1,,\"\"\n");
    assertThat(field("NULL")).isEqualTo("\"NULL\""); // text that merely reads NULL stays text
  }

  @Test
  void textIsQuotedWithQuotesDoubledAndNothingElseEscaped() {
    assertThat(field("Pune")).isEqualTo("\"Pune\"");
    assertThat(field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(field("a,b")).isEqualTo("\"a,b\"");
    assertThat(field("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(field("back\\slash")).isEqualTo("\"back\\slash\"");
  }

  @Test
  void decimalsArePlainWithTheirScale() {
    assertThat(field(new BigDecimal("10.00"))).isEqualTo("10.00");
    assertThat(field(new BigDecimal("-0.05"))).isEqualTo("-0.05");
    assertThat(field(new BigDecimal("1E+3"))).isEqualTo("1000"); // never an exponent
  }

  @Test
  void timestampsAreUtcInstantsAndDatesAreIsoDays() {
    assertThat(field(Timestamp.from(Instant.parse("2026-01-05T06:00:00Z"))))
        .isEqualTo("2026-01-05T06:00:00Z");
    assertThat(field(Timestamp.from(Instant.parse("2026-01-05T23:59:59.123456Z"))))
        .isEqualTo("2026-01-05T23:59:59.123456Z");
    assertThat(field(Date.valueOf(LocalDate.of(2026, 1, 31)))).isEqualTo("2026-01-31");
  }

  @Test
  void numbersAndBooleansAreUnquoted() {
    assertThat(line(42L, 7, 0.25d, true, false)).isEqualTo("42,7,0.25,true,false\n");
  }

  @Test
  void copyCommandReadsCsv() {
    assertThat(CsvEncoding.copyCommand("marts.dim_date__stage_1a2b3c4d"))
        .isEqualTo("COPY marts.dim_date__stage_1a2b3c4d FROM STDIN WITH (FORMAT csv)");
  }

  @Test
  void readerStreamsEveryRowAcrossBatchesAndSmallBuffers() throws IOException {
    // 450 rows span three encoding batches of 200; a 7-character buffer splits lines across reads.
    List<Row> rows = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 450; i++) {
      rows.add(RowFactory.create(i, "r" + i, null));
      expected.append(i).append(",\"r").append(i).append("\",\n");
    }

    StringBuilder read = new StringBuilder();
    try (Reader reader = new CsvReader(rows.iterator())) {
      char[] buf = new char[7];
      for (int n = reader.read(buf, 0, buf.length); n >= 0; n = reader.read(buf, 0, buf.length)) {
        read.append(buf, 0, n);
      }
    }

    assertThat(read.toString()).isEqualTo(expected.toString());
  }

  @Test
  void theChecksumTakenWhileStreamingEqualsTheChecksumOfTheRowsAndAddsUpByParts() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 450; i++) {
      rows.add(RowFactory.create(i, "r" + i, i % 3 == 0 ? null : new BigDecimal(i + ".50")));
    }
    // Independently: the first 8 bytes of each line's SHA-256, as a signed long, summed.
    java.math.BigInteger expected = java.math.BigInteger.ZERO;
    for (int i = 0; i < 450; i++) {
      String text = i + ",\"r" + i + "\"," + (i % 3 == 0 ? "" : i + ".50") + "\n";
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      expected = expected.add(java.math.BigInteger.valueOf(java.nio.ByteBuffer.wrap(d).getLong()));
    }

    Checksum.Running streamed = new Checksum.Running();
    try (Reader reader = new CsvReader(rows.iterator(), streamed)) {
      char[] buf = new char[64];
      while (reader.read(buf, 0, buf.length) >= 0) {
        // read to the end
      }
    }

    assertThat(streamed.checksum()).isEqualTo(new Checksum(450, expected));
    assertThat(Checksum.of(rows)).isEqualTo(new Checksum(450, expected));
    assertThat(Checksum.of(rows.subList(0, 100)).plus(Checksum.of(rows.subList(100, 450))))
        .isEqualTo(new Checksum(450, expected));
  }

  @Test
  void readerOfNoRowsIsEmpty() throws IOException {
    try (Reader reader = new CsvReader(List.<Row>of().iterator())) {
      assertThat(reader.read(new char[8], 0, 8)).isEqualTo(-1);
    }
  }

  @Test
  void exporterLineIsTheCsvOfTheRow() {
    StringBuilder sb = new StringBuilder();
    PostgresExporter.csvLine(RowFactory.create("A1", new BigDecimal("110.00"), null), sb);
    assertThat(sb.toString()).isEqualTo("\"A1\",110.00,\n");
  }
}
