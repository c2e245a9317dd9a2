package dev.lakehouse.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium driven by Selenium: the operating system's packages (Debian's {@code
 * chromium} and {@code chromium-driver}, which .ci/run installs), never a downloaded driver.
 */
final class Browsers {
  private static final List<String> BROWSERS =
      List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVERS =
      List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private static final Duration INSTALL_WAIT = Duration.ofMinutes(15);

  private Browsers() {}

  static ChromeDriver headlessChromium() {
    awaitInstall();
    String binary = first(BROWSERS, "chromium");
    String driver = first(DRIVERS, "chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--lang=en-IN");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(Path.of(driver).toFile()).build();
    return new ChromeDriver(service, options);
  }

  /**
   * .ci/run installs the browser in the background while Maven builds the modules before this one
   * and names the installing process in CI_BROWSER_INSTALL_PID: wait for it to end.
   */
  private static void awaitInstall() {
    String pid = System.getenv("CI_BROWSER_INSTALL_PID");
    if (pid == null || pid.isBlank()) {
      return;
    }
    Optional<ProcessHandle> install = ProcessHandle.of(Long.parseLong(pid.strip()));
    if (install.isEmpty() || !install.get().isAlive()) {
      return;
    }
    System.out.println("Waiting for the browser install that .ci/run started (pid " + pid + ")...");
    try {
      install.get().onExit().get(INSTALL_WAIT.toMinutes(), TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "The browser install (pid " + pid + ") has not ended after " + INSTALL_WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the browser install.", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String first(List<String> paths, String debianPackage) {
    return paths.stream()
        .filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No "
                        + debianPackage
                        + " at "
                        + paths
                        + ": install it with 'apt-get install -y chromium chromium-driver'"
                        + " (.ci/run does)."));
  }
}
