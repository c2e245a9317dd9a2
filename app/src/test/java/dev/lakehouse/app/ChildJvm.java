package dev.lakehouse.app;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A service the cluster test starts in a JVM of its own (a Spark master or worker, the REST
 * catalog), with its output in a log file, stopped with everything it started.
 */
final class ChildJvm implements AutoCloseable {
  static final Path TARGET = Path.of(System.getProperty("user.dir"), "target");

  private final String name;
  private final Process process;
  final Path log;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** java [the Spark opens] -cp classpath mainClass args, with extra environment variables. */
  static ChildJvm start(
      String name,
      String classpath,
      String mainClass,
      List<String> args,
      Map<String, String> environment,
      Path logDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(javaOptions());
    command.addAll(speedOptions());
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new ChildJvm(name, builder.start(), log);
  }

  /**
   * {@code java ... dev.lakehouse.app.Lakehouse args} on this JVM's classpath, with Spark's opens
   * and this JVM's test-speed settings (C1 only, no generated code): a command in a process of its
   * own, for the tests that kill one.
   */
  static List<String> lakehouseCommand(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens")
          || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dspark.")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(speedOptions());
    cmd.add("-cp");
    cmd.add(
        System.getProperty("java.class.path")
            + File.pathSeparator
            + System.getProperty("surefire.test.class.path", ""));
    cmd.add(Lakehouse.class.getName());
    cmd.addAll(args);
    return cmd;
  }

  /** The --add-opens Spark needs on Java 17 (the surefire JVM's own set). */
  static List<String> javaOptions() {
    List<String> out = new ArrayList<>();
    for (String opt : System.getProperty("spark.jvm.opens", "").split(" ")) {
      if (!opt.isBlank()) {
        out.add(opt);
      }
    }
    return out;
  }

  /**
   * This JVM's test-speed options that suit any JVM a test starts (C1 only, transparent huge pages;
   * see test.jvm.fast in the parent pom): short-lived JVMs spend their CPU on compiling and on page
   * faults, not on running compiled code.
   */
  static List<String> speedOptions() {
    List<String> out = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:TieredStopAtLevel")
          || arg.equals("-XX:+UseTransparentHugePages")
          || arg.startsWith("-XX:ReservedCodeCacheSize")) {
        out.add(arg);
      }
    }
    return out;
  }

  /** What a Spark 4.0.0 distribution puts on the classpath (written by the common module). */
  static String sparkClasspath() throws IOException {
    return Files.readString(
            TARGET
                .getParent()
                .getParent()
                .resolve("common/target/spark-distribution-classpath.txt"))
        .strip();
  }

  /** What a spark-submit printed and how it exited. */
  record Submission(int exitCode, String output) {}

  /**
   * java -cp [Spark's classpath] org.apache.spark.deploy.SparkSubmit [sparkOptions] --class
   * dev.lakehouse.app.Lakehouse target/lakehouse-jobs.jar [args], in a JVM of its own (at most 5
   * minutes), with extra environment variables.
   */
  static Submission sparkSubmit(
      List<String> jvmOptions,
      List<String> sparkOptions,
      Map<String, String> environment,
      Path logDir,
      String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(javaOptions());
    command.addAll(List.of("-cp", sparkClasspath(), "org.apache.spark.deploy.SparkSubmit"));
    command.addAll(sparkOptions);
    command.addAll(
        List.of(
            "--class",
            "dev.lakehouse.app.Lakehouse",
            TARGET.resolve("lakehouse-jobs.jar").toString()));
    command.addAll(List.of(args));
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, "spark-submit", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "spark-submit did not finish in 5 minutes:\n" + Files.readString(log));
    }
    return new Submission(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Waits until an HTTP GET of the URL answers with a body the predicate accepts. */
  void awaitHttp(String url, Predicate<String> ready, Duration atMost) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Awaitility.await(name + " at " + url)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(name + " exited:\n" + logText());
              }
              try {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && ready.test(r.body());
              } catch (IOException e) {
                return false;
              }
            });
  }

  String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the JVM and whatever it started (a worker's executors). */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
