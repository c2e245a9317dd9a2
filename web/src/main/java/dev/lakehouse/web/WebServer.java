package dev.lakehouse.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lakehouse.common.ConfigException;
import dev.lakehouse.common.LakehouseConfig;
import dev.lakehouse.common.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboards: a few HTML pages whose scripts fetch JSON from this server and draw it with
 * Chart.js, served from this jar (the pages work offline). The JDK's own HTTP server, bound to
 * {@code web.bind-address} (127.0.0.1 by default). Pages put every value in the document as text,
 * never as markup, and the Content-Security-Policy allows scripts from this server only.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  /** The pages, in the order of the navigation bar: path to title. */
  static final Map<String, String> PAGES = new java.util.LinkedHashMap<>();

  static {
    PAGES.put("kpis", "Business KPI trends");
    PAGES.put("statements", "Statement explorer");
    PAGES.put("advisors", "Advisor lists");
    PAGES.put("health", "Pipeline health");
    PAGES.put("fraud", "Fraud alerts");
    PAGES.put("markets", "Stocks and sectors");
  }

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none';"
          + " form-action 'self'";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Dashboards dashboards;
  private final ObjectMapper json =
      new ObjectMapper().configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
  private final String chartJs;

  private WebServer(HttpServer server, Dashboards dashboards) {
    this.server = server;
    this.dashboards = dashboards;
    this.executor = Executors.newFixedThreadPool(4);
    this.chartJs = chartJsResource();
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Checks that the marts are readable by the dashboards' login, then serves them; a {@link
   * ConfigException} saying what is wrong when PostgreSQL is unreachable, refuses the login, or
   * lacks the marts, or when the address is taken.
   */
  public static WebServer start(LakehouseConfig config) {
    MartsDatabase db = MartsDatabase.of(config);
    db.checkReady();
    return start(
        db,
        new StreamLag(config.get(Settings.KAFKA_BOOTSTRAP)),
        config.get(Settings.WEB_BIND_ADDRESS),
        config.intValue(Settings.WEB_PORT));
  }

  static WebServer start(
      MartsDatabase db,
      Function<List<Map<String, Object>>, Map<String, Long>> liveLag,
      String bindAddress,
      int port) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
      WebServer web = new WebServer(http, new Dashboards(db, liveLag));
      http.start();
      LOG.info("Dashboards at {} (reading the marts as {}).", web.url(), db.user());
      return web;
    } catch (IOException e) {
      throw new ConfigException(
          "Cannot listen on "
              + bindAddress
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "). Choose another with --port or web.port, or stop what uses it.");
    }
  }

  /** The address people open, e.g. {@code http://127.0.0.1:8090/}. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return "http://" + host + ":" + a.getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    // Closed after the catch clauses (a try-with-resources would close it before them).
    try {
      ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        error(ex, 405, "Only GET is served here.");
        return;
      }
      route(ex);
    } catch (BadRequest e) {
      error(ex, 400, e.getMessage());
    } catch (SQLException e) {
      LOG.warn("{} failed: {}", ex.getRequestURI(), e.getMessage());
      error(ex, 503, "The marts cannot be read right now: " + e.getMessage());
    } catch (RuntimeException | Error e) {
      LOG.error("{} failed", ex.getRequestURI(), e);
      error(ex, 500, "Internal error: " + e);
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) throws IOException, SQLException {
    String path = ex.getRequestURI().getPath();
    Map<String, String> q = query(ex.getRequestURI());
    if (path.equals("/")) {
      ex.getResponseHeaders().set("Location", "/kpis");
      ex.sendResponseHeaders(302, -1);
      return;
    }
    String page = path.substring(1);
    if (PAGES.containsKey(page)) {
      resource(ex, "web/page.html", "html", html -> pageHtml(html, page));
      return;
    }
    if (path.startsWith("/static/")) {
      String name = path.substring("/static/".length());
      if (name.equals("chart.umd.js")) {
        resource(ex, chartJs, "js", null);
      } else if (name.matches("[a-z-]+\\.(js|css|svg)")) {
        resource(ex, "web/static/" + name, name.substring(name.lastIndexOf('.') + 1), null);
      } else {
        error(ex, 404, "No such file.");
      }
      return;
    }
    switch (path) {
      case "/api/kpis" -> json(ex, dashboards.kpis());
      case "/api/accounts" -> json(ex, dashboards.accounts(account(q.getOrDefault("q", ""))));
      case "/api/statement" -> {
        Optional<Statement> s = statement(q);
        if (s.isPresent()) {
          json(ex, s.get().toJson());
        } else {
          error(ex, 404, noStatement(q));
        }
      }
      case "/statement.csv", "/statement.pdf" -> {
        Optional<Statement> s = statement(q);
        if (s.isEmpty()) {
          error(ex, 404, noStatement(q));
          return;
        }
        boolean csv = path.endsWith(".csv");
        byte[] body = csv ? StatementFiles.csv(s.get()) : StatementFiles.pdf(s.get());
        String file = "statement-" + s.get().accountId() + "-" + s.get().month();
        ex.getResponseHeaders()
            .set("Content-Type", csv ? "text/csv; charset=utf-8" : "application/pdf");
        ex.getResponseHeaders()
            .set(
                "Content-Disposition",
                "attachment; filename=\"" + file + (csv ? ".csv" : ".pdf") + "\"");
        send(ex, 200, body);
      }
      case "/api/advisors" -> json(ex, dashboards.advisors(month(q.get("month"))));
      case "/api/health" -> json(ex, dashboards.health());
      case "/api/fraud" -> json(ex, dashboards.fraud());
      case "/api/markets" -> json(ex, dashboards.markets());
      case "/metrics" -> {
        ex.getResponseHeaders()
            .set("Content-Type", dev.lakehouse.common.PrometheusText.CONTENT_TYPE);
        send(ex, 200, dashboards.metrics().getBytes(StandardCharsets.UTF_8));
      }
      default -> error(ex, 404, "No page at " + path + ".");
    }
  }

  private Optional<Statement> statement(Map<String, String> q) throws SQLException {
    String account = account(q.get("account"));
    if (account.isEmpty()) {
      throw new BadRequest("Give an account, e.g. ?account=A00000001&month=2026-10.");
    }
    String m = q.get("month");
    try {
      return dashboards.statement(account, YearMonth.parse(m == null ? "" : m));
    } catch (DateTimeParseException e) {
      throw new BadRequest("Invalid month '" + m + "': use YYYY-MM, e.g. 2026-10.");
    }
  }

  private static String noStatement(Map<String, String> q) {
    return "No statement for account "
        + q.get("account")
        + " in "
        + q.get("month")
        + ": the account is unknown or had no balance that month.";
  }

  private static String account(String value) {
    String a = value == null ? "" : value.trim();
    if (!a.matches("[A-Za-z0-9_-]{0,40}")) {
      throw new BadRequest("Invalid account '" + a + "': letters, digits, '-' and '_' only.");
    }
    return a;
  }

  private static LocalDate month(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return YearMonth.parse(value.length() > 7 ? value.substring(0, 7) : value).atDay(1);
    } catch (DateTimeParseException e) {
      throw new BadRequest("Invalid month '" + value + "': use YYYY-MM.");
    }
  }

  /** The shared page with its title, navigation and page script filled in. */
  private static String pageHtml(String html, String page) {
    StringBuilder nav = new StringBuilder();
    PAGES.forEach(
        (path, title) ->
            nav.append("<a href=\"/")
                .append(path)
                .append('"')
                .append(path.equals(page) ? " class=\"active\" aria-current=\"page\"" : "")
                .append('>')
                .append(title)
                .append("</a>"));
    return html.replace("{{title}}", PAGES.get(page))
        .replace("{{nav}}", nav)
        .replace("{{page}}", page);
  }

  private void resource(
      HttpExchange ex, String name, String type, Function<String, String> transform)
      throws IOException {
    try (InputStream in = WebServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        error(ex, 404, "No such file.");
        return;
      }
      byte[] body = in.readAllBytes();
      if (transform != null) {
        body = transform.apply(new String(body, StandardCharsets.UTF_8)).getBytes(UTF8);
      }
      ex.getResponseHeaders().set("Content-Type", TYPES.get(type));
      ex.getResponseHeaders().set("Content-Security-Policy", CSP);
      ex.getResponseHeaders()
          .set("Cache-Control", type.equals("html") ? "no-store" : "public, max-age=3600");
      send(ex, 200, body);
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private void json(HttpExchange ex, Object value) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    send(ex, 200, json.writeValueAsBytes(value));
  }

  private void error(HttpExchange ex, int status, String message) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    send(ex, status, json.writeValueAsBytes(Map.of("error", message)));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    boolean head = "HEAD".equals(ex.getRequestMethod());
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  /** Where the Chart.js webjar keeps its browser build, whatever its version. */
  private static String chartJsResource() {
    try (InputStream in =
        WebServer.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return "META-INF/resources/webjars/chart.js/"
          + p.getProperty("version", "4.4.1")
          + "/dist/chart.umd.js";
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the Chart.js webjar: " + e.getMessage(), e);
    }
  }

  /** A request whose parameters are wrong: 400 with the message. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
