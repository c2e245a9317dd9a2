// The dashboards' pages. Every value goes into the page as text (textContent), never as markup, so a
// merchant or city named "<script>" shows as those characters. Charts are kept in window.charts by
// id, so their data can be inspected (the browser tests compare it with the marts).
"use strict";

window.charts = {};
const pendingCharts = [];

const INR = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", maximumFractionDigits: 2 });
const INR_SHORT = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", notation: "compact", maximumFractionDigits: 1 });
const COUNT = new Intl.NumberFormat("en-IN");
const PCT = new Intl.NumberFormat("en-IN", { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
const SHARE = new Intl.NumberFormat("en-IN", { style: "percent", maximumFractionDigits: 1 });
const COLORS = ["#1f4e79", "#e07b39", "#2e8b57", "#b3261e", "#7b5ea7", "#1b998b", "#c49a00", "#5b6b7c", "#d45087", "#4f81bd"];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function status(text, isError) {
  const s = document.getElementById("status");
  s.textContent = text || "";
  s.classList.toggle("error", !!isError);
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.status + " " + response.statusText);
  return body;
}

const num = (v) => (v === null || v === undefined ? null : Number(v));
const inr = (v) => (v === null || v === undefined ? "–" : INR.format(Number(v)));
const count = (v) => (v === null || v === undefined ? "–" : COUNT.format(Number(v)));
const pct = (v) => (v === null || v === undefined ? "–" : PCT.format(Number(v)));
const when = (v) => (v ? String(v).replace("T", " ").replace("Z", " UTC") : "–");
const month = (v) => String(v).slice(0, 7);

// A table whose columns sort on click; each column: {key, label, format, num}.
function table(columns, rows, options) {
  const opts = options || {};
  const t = el("table", opts.id ? { id: opts.id } : {});
  const head = el("tr");
  const body = el("tbody");
  let sortKey = null;
  let ascending = true;
  function render() {
    body.replaceChildren();
    const sorted = rows.slice();
    if (sortKey) {
      sorted.sort((a, b) => {
        const x = a[sortKey], y = b[sortKey];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        const nx = Number(x), ny = Number(y);
        const c = !isNaN(nx) && !isNaN(ny) && typeof x !== "boolean" ? nx - ny : String(x).localeCompare(String(y));
        return ascending ? c : -c;
      });
    }
    const filter = (opts.filter && opts.filter()) || "";
    for (const r of sorted) {
      if (filter && !columns.some((c) => String(r[c.key] ?? "").toLowerCase().includes(filter))) continue;
      const tr = el("tr", opts.rowClass ? { class: opts.rowClass(r) } : {});
      for (const c of columns) {
        const v = r[c.key];
        tr.append(el("td", { class: c.num ? "num" : (c.cls ? c.cls(v, r) : ""), "data-key": c.key, text: c.format ? c.format(v, r) : v ?? "–" }));
      }
      body.append(tr);
    }
    if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: columns.length, class: "note", text: opts.empty || "Nothing to show." })));
  }
  for (const c of columns) {
    const th = el("th", { class: c.num ? "num" : "", scope: "col", text: c.label });
    th.addEventListener("click", () => {
      ascending = sortKey === c.key ? !ascending : true;
      sortKey = c.key;
      head.querySelectorAll("th").forEach((h) => h.classList.remove("sorted-asc", "sorted-desc"));
      th.classList.add(ascending ? "sorted-asc" : "sorted-desc");
      render();
    });
    head.append(th);
  }
  t.append(el("thead", {}, head), body);
  t.refresh = render;
  render();
  return el("div", { class: "table-box" }, t);
}

// A chart card; kind "bar" or "line"; series: [{label, data, stack?, axis?}]; unit "INR", "count" or "pct".
function chart(id, title, kind, labels, series, unit, options) {
  const opts = options || {};
  const canvas = el("canvas", { id: "chart-" + id, role: "img", "aria-label": title });
  const box = el("div", { class: "chart" }, el("h3", { text: title }), el("div", { class: "canvas-box" }, canvas));
  const format = unit === "INR" ? (v) => INR.format(v) : unit === "pct" ? (v) => PCT.format(v) : unit === "share" ? (v) => SHARE.format(v) : (v) => COUNT.format(v);
  const tick = unit === "INR" ? (v) => INR_SHORT.format(v) : format;
  const config = {
    type: kind,
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        stack: s.stack,
        backgroundColor: COLORS[i % COLORS.length] + (kind === "bar" ? "cc" : "33"),
        borderColor: COLORS[i % COLORS.length],
        borderWidth: kind === "bar" ? 0 : 2,
        pointRadius: s.pointRadius ?? 3,
        pointStyle: s.pointStyle || "circle",
        borderDash: s.borderDash,
        spanGaps: true,
        tension: 0.2,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { display: series.length > 1, position: "bottom" },
        tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + (ctx.parsed.y === null ? "–" : format(ctx.parsed.y)) + (opts.partial && opts.partial[ctx.dataIndex] ? " (partial month)" : "") } },
      },
      scales: {
        x: { stacked: !!opts.stacked, title: { display: true, text: opts.xTitle || "Month" } },
        y: { stacked: !!opts.stacked, beginAtZero: unit !== "pct", title: { display: true, text: opts.yTitle || (unit === "INR" ? "INR" : unit === "pct" ? "Return" : "Count") }, ticks: { callback: tick } },
      },
    },
  };
  pendingCharts.push(() => { window.charts[id] = new Chart(canvas, config); });
  return box;
}

function card(key, label, value, growth) {
  const delta = growth === null || growth === undefined
    ? el("div", { class: "delta note", text: "no month-over-month figure" })
    : el("div", { class: "delta " + (growth >= 0 ? "up" : "down"), text: PCT.format(growth) + " vs previous month" });
  return el("div", { class: "card", "data-kpi": key }, el("div", { class: "label", text: label }), el("div", { class: "value", text: value }), delta);
}

// One series per value of seriesKey over the sorted values of rowKey; a missing point is `missing`
// (0 for counts, null, drawn as a gap, for measures such as returns).
function pivot(rows, rowKey, seriesKey, valueKey, missing) {
  const labels = [...new Set(rows.map((r) => r[rowKey]))].sort();
  const names = [...new Set(rows.map((r) => r[seriesKey]))].sort((a, b) => String(a).localeCompare(String(b)));
  const series = names.map((n) => ({
    label: String(n),
    data: labels.map((l) => { const r = rows.find((x) => x[rowKey] === l && x[seriesKey] === n); return r ? num(r[valueKey]) : (missing === undefined ? 0 : missing); }),
  }));
  return { labels, series };
}

const pages = {
  async kpis(content) {
    const d = await getJson("/api/kpis");
    if (!d.months.length) { status("No months published yet. Run lakehouse export."); return; }
    const full = d.months.filter((m) => !m.is_partial_month);
    const latest = full.length ? full[full.length - 1] : d.months[d.months.length - 1];
    content.append(el("h2", { text: "Latest complete month: " + month(latest.month_start) }));
    content.append(el("div", { class: "cards" },
      card("revenue_inr", "Revenue (fees)", inr(latest.revenue_inr), latest.revenue_growth),
      card("volume_inr", "Volume", inr(latest.volume_inr), latest.volume_growth),
      card("txn_count", "Transactions", count(latest.txn_count), latest.txn_count_growth),
      card("new_customers", "New customers", count(latest.new_customers), latest.new_customers_growth),
      card("active_customers", "Active customers", count(latest.active_customers), latest.active_customers_growth)));
    const labels = d.months.map((m) => month(m.month_start) + (m.is_partial_month ? " (partial)" : ""));
    const partial = d.months.map((m) => m.is_partial_month);
    const byType = pivot(d.by_type, "month_start", "txn_type", "txn_count");
    const byTier = pivot(d.by_tier, "month_start", "tier", "customer_count");
    byTier.series.forEach((s) => { s.label = "Tier " + s.label; });
    content.append(el("div", { class: "charts" },
      chart("revenue", "Revenue per month", "bar", labels, [{ label: "Revenue", data: d.months.map((m) => num(m.revenue_inr)) }], "INR", { partial }),
      chart("volume", "Volume per month (successful transactions)", "line", labels, [{ label: "Volume", data: d.months.map((m) => num(m.volume_inr)) }], "INR", { partial }),
      chart("customers", "New and active customers", "line", labels, [
        { label: "New", data: d.months.map((m) => num(m.new_customers)) },
        { label: "Active", data: d.months.map((m) => num(m.active_customers)) }], "count", { partial }),
      chart("txn-count", "Transactions per month", "bar", labels, [{ label: "Transactions", data: d.months.map((m) => num(m.txn_count)) }], "count", { partial }),
      chart("by-type", "Successful transactions per type", "bar", byType.labels.map(month), byType.series, "count", { stacked: true }),
      chart("by-tier", "Customers per city tier", "line", byTier.labels.map(month), byTier.series, "count")));
    content.append(el("h2", { text: "Months" }));
    content.append(el("p", { class: "note", text: "Partial months (gold does not cover the whole month) are in italics and have no growth figures." }));
    content.append(table([
      { key: "month_start", label: "Month", format: month },
      { key: "revenue_inr", label: "Revenue INR", format: inr, num: true },
      { key: "revenue_growth", label: "Revenue MoM", format: pct, num: true },
      { key: "volume_inr", label: "Volume INR", format: inr, num: true },
      { key: "volume_growth", label: "Volume MoM", format: pct, num: true },
      { key: "txn_count", label: "Transactions", format: count, num: true },
      { key: "new_customers", label: "New customers", format: count, num: true },
      { key: "active_customers", label: "Active customers", format: count, num: true },
      { key: "active_customers_growth", label: "Active MoM", format: pct, num: true },
      { key: "is_partial_month", label: "Partial", format: (v) => (v ? "partial" : "") },
    ], d.months, { id: "months", rowClass: (r) => (r.is_partial_month ? "partial" : "") }));
    status("");
  },

  async statements(content) {
    const params = new URLSearchParams(location.search);
    const account = el("input", { id: "account", name: "account", list: "accounts", placeholder: "A00000001", autocomplete: "off", required: "" });
    account.value = params.get("account") || "";
    const list = el("datalist", { id: "accounts" });
    const monthSelect = el("select", { id: "month", name: "month" });
    const form = el("form", { class: "inline", id: "statement-form" },
      el("label", {}, "Account", account), list, el("label", {}, "Month", monthSelect), el("button", { type: "submit", text: "Show statement" }));
    const out = el("div", { id: "statement" });
    content.append(form, out);
    let known = [];
    async function lookup() {
      const q = account.value.trim();
      known = await getJson("/api/accounts?q=" + encodeURIComponent(q));
      list.replaceChildren(...known.map((a) => el("option", { value: a.account_id, text: a.account_id + " (customer " + a.customer_id + ")" })));
      const exact = known.find((a) => a.account_id === q);
      const wanted = monthSelect.value || params.get("month");
      monthSelect.replaceChildren(...(exact ? exact.months.slice().reverse() : []).map((m) => el("option", { value: m, text: m })));
      if (wanted && exact && exact.months.includes(wanted)) monthSelect.value = wanted;
    }
    account.addEventListener("input", () => lookup().catch((e) => status(e.message, true)));
    async function show() {
      const a = account.value.trim(), m = monthSelect.value;
      if (!a || !m) { status("Choose an account and a month."); return; }
      history.replaceState(null, "", "?account=" + encodeURIComponent(a) + "&month=" + encodeURIComponent(m));
      status("Loading the statement…");
      const s = await getJson("/api/statement?account=" + encodeURIComponent(a) + "&month=" + encodeURIComponent(m));
      const q = "?account=" + encodeURIComponent(a) + "&month=" + encodeURIComponent(m);
      out.replaceChildren(
        el("h2", { text: "Account " + s.account_id + " · customer " + s.customer_id + " · " + s.month }),
        el("div", { class: "cards" },
          el("div", { class: "card", id: "opening" }, el("div", { class: "label", text: "Opening balance" }), el("div", { class: "value", text: inr(s.opening_balance_inr) })),
          el("div", { class: "card", id: "credits" }, el("div", { class: "label", text: "Credits" }), el("div", { class: "value", text: inr(s.credits_inr) })),
          el("div", { class: "card", id: "debits" }, el("div", { class: "label", text: "Debits" }), el("div", { class: "value", text: inr(s.debits_inr) })),
          el("div", { class: "card", id: "fees" }, el("div", { class: "label", text: "of which fees" }), el("div", { class: "value", text: inr(s.fees_inr) })),
          el("div", { class: "card", id: "closing" }, el("div", { class: "label", text: "Closing balance" }), el("div", { class: "value", text: inr(s.closing_balance_inr) }))),
        el("p", {},
          el("a", { class: "download", id: "download-csv", href: "/statement.csv" + q, text: "Download CSV" }),
          el("a", { class: "download", id: "download-pdf", href: "/statement.pdf" + q, text: "Download PDF" })),
        table([
          { key: "event_ts", label: "Time (UTC)", format: when },
          { key: "transaction_id", label: "Transaction" },
          { key: "txn_type", label: "Type" },
          { key: "status", label: "Status" },
          { key: "merchant", label: "Merchant" },
          { key: "merchant_city", label: "City" },
          { key: "amount", label: "Amount", format: (v, r) => Number(v).toFixed(2) + " " + r.currency, num: true },
          { key: "balance_effect_inr", label: "Effect INR", format: inr, num: true },
          { key: "balance_after_inr", label: "Balance INR", format: inr, num: true },
        ], s.lines, { id: "lines", empty: "No transactions this month." }));
      status(s.lines.length + " transactions; the balance after the last one is the closing balance.");
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); show().catch((err) => status(err.message, true)); });
    await lookup();
    if (account.value && monthSelect.value) await show();
    else status("Type an account id (e.g. A00000001) and pick a month.");
  },

  async advisors(content) {
    const params = new URLSearchParams(location.search);
    const d = await getJson("/api/advisors" + (params.get("month") ? "?month=" + encodeURIComponent(params.get("month")) : ""));
    if (!d.month) { status("No advisor lists published yet."); return; }
    const select = el("select", { id: "as-of" }, ...d.months.map((m) => el("option", { value: month(m), text: month(m) })));
    select.value = month(d.month);
    select.addEventListener("change", () => { location.search = "?month=" + select.value; });
    const filter = el("input", { id: "filter", type: "search", placeholder: "customer, name or city" });
    content.append(el("div", { class: "toolbar" }, el("label", {}, "As of month", select), el("label", {}, "Filter", filter)));
    const f = () => filter.value.trim().toLowerCase();
    const red = table([
      { key: "customer_id", label: "Customer" },
      { key: "name_masked", label: "Name (masked)" },
      { key: "city", label: "City" },
      { key: "streak_months", label: "Months in the red", format: count, num: true },
      { key: "month_end_balance_inr", label: "Month-end balance INR", format: inr, num: true },
    ], d.in_red, { id: "in-red", filter: f, empty: "No customer has been in the red for 3 months or more." });
    const busy = table([
      { key: "customer_id", label: "Customer" },
      { key: "name_masked", label: "Name (masked)" },
      { key: "city", label: "City" },
      { key: "streak_months", label: "Active months in a row", format: count, num: true },
      { key: "withdrawals_inr", label: "Withdrawals INR", format: inr, num: true },
      { key: "loans_inr", label: "Loan repayments INR", format: inr, num: true },
      { key: "investments_inr", label: "Investments INR", format: inr, num: true },
    ], d.high_activity, { id: "high-activity", filter: f, empty: "No high-activity customer." });
    filter.addEventListener("input", () => { red.firstChild.refresh(); busy.firstChild.refresh(); });
    content.append(el("h2", { text: "Customers in the red for 3+ months (" + d.in_red.length + ")" }), red,
      el("h2", { text: "High-activity customers (" + d.high_activity.length + ")" }), busy);
    status("");
  },

  async health(content) {
    const d = await getJson("/api/health");
    const stale = (ts) => ts && Date.now() - Date.parse(ts) > 26 * 3600 * 1000;
    content.append(el("p", { class: "note", id: "as-of", text: "As the last export saw the lake: " + when(d.last_export.exported_at) + " (run " + (d.last_export.run_id || "–") + "). Stream lag is read from Kafka now." }));
    content.append(el("h2", { text: "Anomalies" }),
      el("p", { class: "note", text: "Metric values outside the range each table's own history makes normal (lakehouse observe). lakehouse anomalies explain --id N tells why." }),
      table([
        { key: "anomaly_id", label: "#", num: true },
        { key: "partition_date", label: "Date" },
        { key: "severity", label: "Severity", cls: (v) => (v === "error" ? "bad" : "") },
        { key: "table_name", label: "Table" },
        { key: "metric", label: "Metric" },
        { key: "dimension", label: "Column" },
        { key: "observed", label: "Observed", format: (v) => (v === null ? "–" : Number(v).toLocaleString("en-IN", { maximumFractionDigits: 4 })), num: true },
        { key: "detail", label: "Evidence" }], d.anomalies, { id: "anomalies", empty: "No anomaly found (or lakehouse observe has not run)." }));
    if (d.anomaly_charts.length) {
      content.append(el("div", { class: "charts" }, ...d.anomaly_charts.map((c) => chart(
        "anomaly-" + c.anomaly_id, "#" + c.anomaly_id + " " + c.title + " and its band", "line",
        c.points.map((p) => p.partition_date),
        [
          { label: "Value", data: c.points.map((p) => num(p.value)) },
          { label: "Band low", data: c.points.map((p) => num(p.expected_low)), borderDash: [4, 4], pointRadius: 0 },
          { label: "Band high", data: c.points.map((p) => num(p.expected_high)), borderDash: [4, 4], pointRadius: 0 },
        ], "count", { xTitle: "Partition date", yTitle: "Value" }))));
    }
    content.append(el("h2", { text: "Freshness per layer" }), table([
      { key: "layer", label: "Layer" }, { key: "table_name", label: "Table" },
      { key: "latest_event_ts", label: "Newest event", format: when },
      { key: "last_written_at", label: "Last written", format: when, cls: (v) => (stale(v) ? "bad" : "") },
      { key: "row_count", label: "Rows", format: count, num: true }], d.freshness, { id: "freshness" }));
    content.append(el("h2", { text: "Bronze stream" }),
      el("p", { class: "note", id: "kafka", text: d.kafka_reachable ? "Kafka answered: lag is the messages it holds that bronze has not landed." : "Kafka is not reachable from this server: lag unknown." }),
      table([
        { key: "kafka_topic", label: "Topic" }, { key: "kafka_partition", label: "Partition", num: true },
        { key: "last_offset", label: "Last offset landed", format: count, num: true },
        { key: "lag", label: "Lag (messages)", format: count, num: true },
        { key: "consumed", label: "Consumed", format: count, num: true },
        { key: "dead_letters", label: "Dead letters", format: count, num: true },
        { key: "last_batch_at", label: "Last batch", format: when }], d.stream, { id: "stream", empty: "The stream has not landed a batch yet." }));
    content.append(el("h2", { text: "Last runs" }), table([
      { key: "job", label: "Job" }, { key: "mode", label: "Mode" }, { key: "business_date", label: "Date" },
      { key: "status", label: "Status", cls: (v) => (v === "FAILED" ? "bad" : "ok") },
      { key: "ended_at", label: "Ended", format: when },
      { key: "rows_read", label: "Read", format: count, num: true },
      { key: "rows_quarantined", label: "Quarantined", format: count, num: true },
      { key: "error", label: "Error" }], d.runs, { id: "runs" }));
    content.append(el("h2", { text: "Data-quality failures" }), table([
      { key: "table_name", label: "Table" }, { key: "rule", label: "Rule" }, { key: "severity", label: "Severity", cls: (v) => (v === "error" || v === "quarantine" ? "bad" : "") },
      { key: "rows_failed", label: "Rows failed", format: count, num: true }, { key: "runs", label: "Runs", num: true },
      { key: "last_checked_at", label: "Last checked", format: when }], d.dq_failures, { id: "dq", empty: "No rule has failed a row." }));
    content.append(el("h2", { text: "Dead letters by reason" }));
    if (d.dead_letters.length) {
      const labels = d.dead_letters.map((r) => r.kafka_topic + " · " + r.reason_code);
      content.append(el("div", { class: "charts" }, chart("dead-letters", "Dead letters by topic and reason", "bar", labels, [{ label: "Dead letters", data: d.dead_letters.map((r) => num(r.dead_letters)) }], "count", { xTitle: "Topic · reason" })));
    }
    content.append(table([
      { key: "kafka_topic", label: "Topic" }, { key: "reason_code", label: "Reason" },
      { key: "dead_letters", label: "Dead letters", format: count, num: true },
      { key: "replayed", label: "Replayed", format: count, num: true }, { key: "last_day", label: "Last day" }], d.dead_letters, { id: "dead-letters", empty: "No dead letters." }));
    content.append(el("h2", { text: "Late arrivals" }), table([
      { key: "source_table", label: "Table" }, { key: "event_date", label: "Event date" },
      { key: "arrivals", label: "Arrivals", format: count, num: true },
      { key: "outstanding", label: "Waiting for a backfill", format: count, num: true, cls: (v) => (v > 0 ? "bad" : "") },
      { key: "max_days_late", label: "Days late (max)", num: true }, { key: "last_arrived_at", label: "Last arrival", format: when }], d.late_arrivals, { id: "late", empty: "No late arrivals." }));
    content.append(el("h2", { text: "Last export" }), table([
      { key: "mart", label: "Mart" }, { key: "row_count", label: "Rows", format: count, num: true },
      { key: "gold_snapshot_id", label: "Gold snapshot" }, { key: "checksum", label: "Checksum" },
      { key: "exported_at", label: "Exported", format: when }], d.last_export.marts, { id: "manifest" }));
    status("");
  },

  async fraud(content) {
    const d = await getJson("/api/fraud");
    if (!d.recent.length) { status("No fraud alerts published (the fraud stream has not alerted, or has not run)."); return; }
    const days = pivot(d.by_day, "day", "rule", "alerts");
    content.append(el("div", { class: "charts" }, chart("alerts", "Alerts per day and rule", "bar", days.labels, days.series, "count", { stacked: true, xTitle: "Day of the transaction" })));
    content.append(el("h2", { text: "Latest alerts" }), table([
      { key: "event_ts", label: "Transaction time", format: when }, { key: "rule", label: "Rule" },
      { key: "score", label: "Score", format: (v) => Number(v).toFixed(2), num: true },
      { key: "transaction_id", label: "Transaction" }, { key: "customer_id", label: "Customer" },
      { key: "txn_type", label: "Type" }, { key: "amount_inr", label: "Amount INR", format: inr, num: true },
      { key: "detected_ts", label: "Detected", format: when }, { key: "reason", label: "Why" }], d.recent, { id: "alerts" }));
    status("");
  },

  async markets(content) {
    const d = await getJson("/api/markets");
    if (!d.stocks.length) { status("No trading marts published yet (run lakehouse trading gold, then export)."); return; }
    content.append(el("h2", { text: "Stocks on " + d.stocks[0].trade_date }), table([
      { key: "symbol", label: "Symbol" }, { key: "name", label: "Name" }, { key: "sector", label: "Sector" },
      { key: "close", label: "Close", format: (v) => Number(v).toFixed(2), num: true },
      { key: "return_1d", label: "1 day", format: pct, num: true, cls: (v) => (v < 0 ? "num down" : "num up") },
      { key: "return_1w", label: "1 week", format: pct, num: true },
      { key: "return_1m", label: "1 month", format: pct, num: true },
      { key: "return_ytd", label: "YTD", format: pct, num: true },
      { key: "volatility_20d", label: "Volatility 20d (ann.)", format: pct, num: true },
      { key: "volume", label: "Volume", format: count, num: true }], d.stocks, { id: "stocks" }));
    const sectors = pivot(d.sectors, "trade_date", "sector", "equal_weighted_return_1d", null);
    const breadth = pivot(d.sectors, "trade_date", "sector", "breadth", null);
    content.append(el("div", { class: "charts" },
      chart("sector-returns", "Sector return per day (equal-weighted)", "line", sectors.labels, sectors.series, "pct", { xTitle: "Trading day" }),
      chart("sector-breadth", "Sector breadth (share of advancers)", "line", breadth.labels, breadth.series, "share", { xTitle: "Trading day", yTitle: "Advancers" })));
    status("");
  },
};

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  const content = document.getElementById("content");
  pages[page](content)
    .then(() => {
      // Drawn once their canvases are in the page, so they take its size.
      pendingCharts.splice(0).forEach((draw) => draw());
      document.body.dataset.ready = "true";
    })
    .catch((e) => { status(e.message, true); document.body.dataset.ready = "error"; });
});
