package dev.lakehouse.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of the command line: exit code, stdout and stderr. In a {@link CliTestBase}
 * class the class's session is running first, so the command uses it and leaves it running, as a
 * command does in any JVM that already has a session on the same lake.
 */
record CliRun(int exitCode, String out, String err) {
  static CliRun of(String... args) {
    if (CliTestBase.sharing) {
      CliTestBase.spark();
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakehouse.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Shared options followed by a command's own arguments. */
  static String[] concat(String[] common, String... args) {
    String[] out = java.util.Arrays.copyOf(common, common.length + args.length);
    System.arraycopy(args, 0, out, common.length, args.length);
    return out;
  }

  /** The --json summary: the last line of stdout. */
  JsonNode json() {
    String[] lines = out.strip().split("\n");
    try {
      return new ObjectMapper().readTree(lines[lines.length - 1]);
    } catch (IOException e) {
      throw new AssertionError(
          "The last line of stdout is not JSON: " + lines[lines.length - 1], e);
    }
  }
}
