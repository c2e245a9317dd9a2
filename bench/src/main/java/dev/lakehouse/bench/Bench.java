package dev.lakehouse.bench;

import dev.lakehouse.app.Lakehouse;
import java.io.PrintWriter;
import java.util.List;

/**
 * The benchmark's entry point: the lakehouse command line plus its {@code bench} command, which the
 * application and the jobs jar do not carry.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    int code =
        Lakehouse.execute(
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            List.of(new BenchCommand(), new FraudBenchCommand()),
            args);
    System.exit(code);
  }
}
