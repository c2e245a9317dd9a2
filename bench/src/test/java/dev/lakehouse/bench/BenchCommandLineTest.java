package dev.lakehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.app.Lakehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark is a command of the lakehouse command line only where the bench module is loaded.
 */
class BenchCommandLineTest {
  private static String[] run(List<dev.lakehouse.app.LakehouseCommand> extra, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Lakehouse.execute(new PrintWriter(out, true), new PrintWriter(err, true), extra, args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void benchHasHelpWithTheGlobalOptions() {
    String[] r = run(List.of(new BenchCommand()), "bench", "--help");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("Usage: lakehouse bench").contains("--profile").contains("--repeats");
  }

  @Test
  void badArgumentsStopWithExitCode2BeforeMeasuring() {
    String[] r = run(List.of(new BenchCommand()), "bench", "--repeats", "0");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--repeats must be at least 1");
  }

  @Test
  void theApplicationAloneHasNoBenchCommand() {
    String[] r = run(List.of(), "bench", "--repeats", "3");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("Unmatched argument").contains("'bench'");
  }

  @Test
  void benchFraudChecksItsArgumentsBeforeMeasuring() {
    String[] help = run(List.of(new FraudBenchCommand()), "bench-fraud", "--help");
    assertThat(help[0]).isEqualTo("0");
    assertThat(help[1]).contains("Usage: lakehouse bench-fraud").contains("--rate");
    String[] r = run(List.of(new FraudBenchCommand()), "bench-fraud", "--seconds", "10");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--warmup-seconds must be shorter than --seconds");
  }

  @Test
  void percentilesAreNearestRank() {
    long[] ms = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    // Sorted 1..10: p50 is the 5th value, p95 and p99 the 10th.
    assertThat(FraudBenchCommand.percentiles(ms))
        .containsEntry("count", 10)
        .containsEntry("p50", 5L)
        .containsEntry("p95", 10L)
        .containsEntry("p99", 10L);
  }
}
