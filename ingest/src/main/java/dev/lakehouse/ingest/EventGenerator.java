package dev.lakehouse.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.contract.DeadLetterReason;
import dev.lakehouse.contract.FraudLabel;
import dev.lakehouse.contract.Topic;
import dev.lakehouse.contract.Vocabulary.Channel;
import dev.lakehouse.contract.Vocabulary.KycStatus;
import dev.lakehouse.contract.Vocabulary.MerchantCategory;
import dev.lakehouse.contract.Vocabulary.TxnStatus;
import dev.lakehouse.contract.Vocabulary.TxnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.datafaker.Faker;

/**
 * A seeded, deterministic stream of fintech events: customers, accounts and merchants first, then
 * transaction lifecycles over the last days whose money flows make sense (monthly salaries,
 * spending, transfers between customers, loans, investments, overspenders who go into overdraft).
 * Settlement lags, out-of-order deliveries, redeliveries and malformed messages come at the
 * configured rates. The same options give the same messages, byte for byte.
 *
 * <p>Malformed messages are corrupted copies of real events, delivered in addition to them, so the
 * valid stream stays complete and the malformed rate does not change any business figure.
 *
 * <p>About {@code fraudRate} of the transactions belong to a fraud pattern (card testing, a spike,
 * impossible travel, a new device), planned after the ordinary ones so that each pattern can be
 * placed against the victim's whole history; the report labels every transaction.
 */
public final class EventGenerator {
  private static final ZoneOffset IST = ZoneOffset.ofHoursMinutes(5, 30);
  private static final DateTimeFormatter TS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /** Cities with state, tier and coordinates. */
  private record City(String name, String state, int tier, double lat, double lon) {}

  private static final List<City> CITIES =
      List.of(
          new City("Mumbai", "Maharashtra", 1, 19.076, 72.8777),
          new City("Delhi", "Delhi", 1, 28.7041, 77.1025),
          new City("Bengaluru", "Karnataka", 1, 12.9716, 77.5946),
          new City("Chennai", "Tamil Nadu", 1, 13.0827, 80.2707),
          new City("Hyderabad", "Telangana", 1, 17.385, 78.4867),
          new City("Kolkata", "West Bengal", 1, 22.5726, 88.3639),
          new City("Pune", "Maharashtra", 1, 18.5204, 73.8567),
          new City("Ahmedabad", "Gujarat", 1, 23.0225, 72.5714),
          new City("Jaipur", "Rajasthan", 2, 26.9124, 75.7873),
          new City("Lucknow", "Uttar Pradesh", 2, 26.8467, 80.9462),
          new City("Kochi", "Kerala", 2, 9.9312, 76.2673),
          new City("Indore", "Madhya Pradesh", 2, 22.7196, 75.8577),
          new City("Chandigarh", "Chandigarh", 2, 30.7333, 76.7794),
          new City("Nagpur", "Maharashtra", 2, 21.1458, 79.0882),
          new City("Coimbatore", "Tamil Nadu", 2, 11.0168, 76.9558),
          new City("Surat", "Gujarat", 2, 21.1702, 72.8311),
          new City("Mysuru", "Karnataka", 3, 12.2958, 76.6394),
          new City("Nashik", "Maharashtra", 3, 19.9975, 73.7898),
          new City("Udaipur", "Rajasthan", 3, 24.5854, 73.7125),
          new City("Varanasi", "Uttar Pradesh", 3, 25.3176, 82.9739),
          new City("Guwahati", "Assam", 3, 26.1445, 91.7362),
          new City("Dehradun", "Uttarakhand", 3, 30.3165, 78.0322));

  private static final MerchantCategory[] CATEGORIES = MerchantCategory.values();
  private static final String[] FOREIGN = {"USD", "EUR", "GBP", "AED", "SGD"};
  private static final Map<String, BigDecimal> INR_PER_UNIT =
      Map.of(
          "USD",
          new BigDecimal("83"),
          "EUR",
          new BigDecimal("90"),
          "GBP",
          new BigDecimal("105"),
          "AED",
          new BigDecimal("22.6"),
          "SGD",
          new BigDecimal("62"));
  private static final String[] FAILURE_REASONS = {
    "INSUFFICIENT_FUNDS", "BANK_DECLINED", "TIMEOUT", "RISK_BLOCKED", "INVALID_PIN"
  };

  /** The outgoing payments: what fraud rules score. */
  private static final Set<String> SCORED_TYPES =
      Arrays.stream(TxnType.values())
          .filter(TxnType::isOutgoingPayment)
          .map(TxnType::name)
          .collect(Collectors.toUnmodifiableSet());

  private static final List<String> FRAUD_PATTERNS =
      List.of(FraudLabel.CARD_TESTING, FraudLabel.SPIKE, FraudLabel.TRAVEL, FraudLabel.NEW_DEVICE);

  /** Customers drawn per pattern before trying the next one. */
  private static final int VICTIM_ATTEMPTS = 30;

  /** Scored transactions a spike's victim has before it, so the spike stands out. */
  private static final int SPIKE_MIN_HISTORY = 15;

  private static final double TRAVEL_MIN_KM = 1_000;

  private static final class Customer {
    String id;
    String fullName;
    String email;
    String phone;
    LocalDate dateOfBirth;
    City city;
    long signupMs;

    /** Signed up inside the generated days: no reference data or transactions before that. */
    boolean newcomer;

    /** Signed up just before the generated days, its accounts opening days into them. */
    boolean opensLate;

    String kyc;
    BigDecimal salary;
    boolean overspender;
    Account savings;
    Account card;
    Account loan;
    Account investment;
    String device;

    /** Scored transactions planned so far in event-time order; null when no fraud is injected. */
    List<Spend> spends;

    /** Already hit by a fraud pattern: one incident per customer keeps the patterns apart. */
    boolean victim;
  }

  private static final class Account {
    String id;
    Customer owner;
    String type;
    long openedMs;
    BigDecimal openingBalance;
    BigDecimal overdraftLimit;
  }

  private static final class Merchant {
    String id;
    String name;
    String category;
    City city;
  }

  private static final class Txn {
    String id;
    String type;
    Account account;
    BigDecimal amount;
    String currency;
    String channel;
    Merchant merchant;
    Account counterparty;
    String city;
    double lat;
    double lon;
    long eventMs;
    String device;

    /** The fraud pattern the transaction belongs to, null when genuine. */
    String fraudPattern;
  }

  /** A scored transaction (a customer-initiated debit) whose creation event was planned. */
  private record Spend(
      long eventMs, double amountInr, double lat, double lon, boolean genuine, boolean payment) {}

  /**
   * One message to deliver, already serialised: a few hundred bytes instead of a map per message.
   */
  private record Planned(String topic, String key, long arrivalMs, byte[] value, long order) {}

  private final GeneratorOptions options;
  private final Random random;

  /** Every fraud decision, so that the main sequence does not depend on the fraud rate. */
  private final Random fraudRandom;

  /** Every fault decision (see {@link Faults}), apart from the main sequence. */
  private final Random faultRandom;

  private final boolean injectsFraud;
  private final Faker faker;
  private final long startMs;
  private final long cutoffMs;
  private final List<Customer> customers = new ArrayList<>();
  private final List<Merchant> merchants = new ArrayList<>();
  private final List<Planned> planned = new ArrayList<>();
  private final GenerationReport report = new GenerationReport();
  private final MessageDefects defects;
  private long transactionCounter;
  private long order;

  public EventGenerator(GeneratorOptions options) {
    this.options = options;
    this.random = new Random(options.seed());
    this.fraudRandom = new Random(options.seed() * 31 + 7);
    this.faultRandom = new Random(options.seed() * 37 + 11);
    this.injectsFraud = options.fraudRate() > 0;
    this.defects = new MessageDefects(random, options.maxMessageBytes(), JSON);
    this.faker = new Faker(new Locale("en", "IND"), new Random(options.seed() ^ 0x5DEECE66DL));
    LocalDate first = options.endDate().minusDays(options.days() - 1L);
    this.startMs = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    this.cutoffMs =
        options.endDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli() - 1;
  }

  /** Plans every message; call once, then {@link #messages()} in arrival order. */
  public GenerationReport plan() {
    long scale = options.events();
    int customerCount = (int) Math.max(8, Math.min(200_000, scale / 60));
    int merchantCount = (int) Math.max(6, Math.min(20_000, scale / 1500));
    for (int i = 0; i < merchantCount; i++) {
      merchants.add(newMerchant(i));
    }
    for (int i = 0; i < customerCount; i++) {
      Customer c = newCustomer(i);
      c.spends = injectsFraud ? new ArrayList<>() : null;
      customers.add(c);
    }
    planReferenceData();
    planTransactions();
    planned.sort(Comparator.comparingLong(Planned::arrivalMs).thenComparingLong(Planned::order));
    return report;
  }

  /** Number of messages planned, across all topics. */
  public int size() {
    return planned.size();
  }

  /** The planned messages in delivery order, serialised one by one. */
  public Iterable<OutgoingMessage> messages() {
    return () ->
        new java.util.Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < planned.size();
          }

          @Override
          public OutgoingMessage next() {
            Planned p = planned.get(next);
            // Release the plan as it is sent, so memory shrinks while producing.
            planned.set(next++, null);
            return new OutgoingMessage(p.topic(), p.key(), p.value(), p.arrivalMs());
          }
        };
  }

  // ---------------------------------------------------------------------------------------------
  // Reference data

  private Merchant newMerchant(int i) {
    Merchant m = new Merchant();
    m.id = String.format("M%06d", i + 1);
    m.category = CATEGORIES[random.nextInt(CATEGORIES.length)].name();
    m.name = faker.company().name();
    m.city = pickCity();
    return m;
  }

  private Customer newCustomer(int i) {
    Customer c = new Customer();
    c.id = String.format("C%07d", i + 1);
    String first = faker.name().firstName();
    String last = faker.name().lastName();
    c.fullName = first + " " + last;
    c.email =
        (first + "." + last + (i + 1)).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]", "")
            + "@example.in";
    c.phone =
        "+91" + (6 + random.nextInt(4)) + String.format("%09d", random.nextInt(1_000_000_000));
    c.dateOfBirth =
        LocalDate.of(1950 + random.nextInt(55), 1 + random.nextInt(12), 1 + random.nextInt(28));
    c.city = pickCity();
    c.overspender = random.nextDouble() < 0.08;
    // About one customer in ten signs up during the generated days (new_customers in the KPIs);
    // the others signed up to 900 days before. Overspenders are old customers, so that some are in
    // the red for months on end.
    // One customer in 40 (at least one from 8 customers on) has transactions before its
    // accounts' opened_at: the bank recorded the opening late.
    c.opensLate = i % 40 == 7 && cutoffMs - startMs > 7 * DAY;
    c.newcomer =
        !c.overspender && !c.opensLate && random.nextDouble() < 0.1 && cutoffMs - startMs > 3 * DAY;
    c.signupMs =
        c.newcomer
            ? startMs + DAY + (long) (random.nextDouble() * (cutoffMs - startMs - 3 * DAY))
            : c.opensLate
                ? startMs - DAY - random.nextInt(86_400) * 1000L
                : startMs
                    - (long) (random.nextDouble() * 900) * DAY
                    - random.nextInt(86_400) * 1000L;
    c.kyc = random.nextDouble() < 0.9 ? KycStatus.VERIFIED.name() : KycStatus.PENDING.name();
    int salaryBand = c.city.tier() == 1 ? 90_000 : c.city.tier() == 2 ? 60_000 : 40_000;
    // Overspenders earn little and spend a lot: they are the customers who end months in the red.
    c.salary =
        money(
            salaryBand
                * (c.overspender
                    ? 0.1 + random.nextDouble() * 0.15
                    : 0.4 + random.nextDouble() * 1.6));
    c.device = "dev-" + Long.toHexString(random.nextLong() & 0xFFFFFFFFFFFFL);
    c.savings = newAccount(c, "SAVINGS", i, 0);
    if (c.overspender) {
      c.savings.openingBalance = money(random.nextDouble() * 5_000);
      c.savings.overdraftLimit = money(20_000 + random.nextInt(80_000));
    }
    if (random.nextDouble() < 0.35) {
      c.card = newAccount(c, "CREDIT_CARD", i, 1);
    }
    if (random.nextDouble() < 0.15) {
      c.loan = newAccount(c, "LOAN", i, 2);
    }
    // A customer in trouble holds no investments that would hide the red on the savings account.
    if (random.nextDouble() < 0.2 && !c.overspender) {
      c.investment = newAccount(c, "INVESTMENT", i, 3);
    }
    return c;
  }

  private Account newAccount(Customer owner, String type, int customerIndex, int slot) {
    Account a = new Account();
    a.id = String.format("A%08d", customerIndex * 4 + slot + 1);
    a.owner = owner;
    a.type = type;
    // A newcomer's accounts open within the hour; older customers' within a month of signing up.
    a.openedMs =
        owner.opensLate
            ? startMs + (2 + random.nextInt(4)) * DAY
            : owner.signupMs
                + (owner.newcomer ? random.nextInt(3_600) * 1000L : random.nextInt(30) * DAY);
    a.openingBalance =
        switch (type) {
          case "SAVINGS" -> money(5_000 + random.nextDouble() * 150_000);
          case "CREDIT_CARD", "LOAN" -> BigDecimal.ZERO.setScale(2);
          default -> money(random.nextDouble() * 200_000);
        };
    a.overdraftLimit =
        type.equals("CREDIT_CARD")
            ? money(50_000 + random.nextInt(10) * 25_000)
            : BigDecimal.ZERO.setScale(2);
    return a;
  }

  private void planReferenceData() {
    for (Merchant m : merchants) {
      long at = startMs + random.nextInt(3_600) * 1000L;
      addReference(Topic.MERCHANTS.topicName(), m.id, at, merchantBody(m, at));
      report.merchants++;
      if (random.nextDouble() < 0.05) {
        // A merchant moves: a later upsert with a new city.
        m.city = pickCity();
        long later = startMs + (long) (random.nextDouble() * (cutoffMs - startMs));
        addReference(Topic.MERCHANTS.topicName(), m.id, later, merchantBody(m, later));
      }
    }
    for (Customer c : customers) {
      long at = c.newcomer ? c.signupMs : startMs + random.nextInt(3_600) * 1000L;
      addReference(Topic.CUSTOMERS.topicName(), c.id, at, customerBody(c, at));
      report.customers++;
      for (Account a : accounts(c)) {
        long opened = Math.max(at + 1000, c.newcomer ? a.openedMs : 0);
        addReference(Topic.ACCOUNTS.topicName(), a.id, opened, accountBody(a, opened));
        report.accounts++;
      }
      double change = random.nextDouble();
      if (change < 0.06) {
        // The customer relocates mid-window: city (and maybe tier) history for gold.
        c.city = pickCity();
        long later = laterThan(at);
        addReference(Topic.CUSTOMERS.topicName(), c.id, later, customerBody(c, later));
      } else if (change < 0.09 && c.kyc.equals(KycStatus.PENDING.name())) {
        c.kyc = KycStatus.VERIFIED.name();
        long later = laterThan(at);
        addReference(Topic.CUSTOMERS.topicName(), c.id, later, customerBody(c, later));
      }
      if (c.overspender && random.nextDouble() < 0.3) {
        // The bank raises the overdraft limit of a customer in trouble.
        c.savings.overdraftLimit = c.savings.overdraftLimit.add(money(25_000));
        long later = laterThan(c.savings.openedMs);
        addReference(
            Topic.ACCOUNTS.topicName(), c.savings.id, later, accountBody(c.savings, later));
      }
    }
  }

  /** A random time between {@code after} (or the first generated day) and the cutoff. */
  private long laterThan(long after) {
    long from = Math.max(startMs, after + 60_000);
    return from >= cutoffMs ? cutoffMs : from + (long) (random.nextDouble() * (cutoffMs - from));
  }

  private List<Account> accounts(Customer c) {
    List<Account> list = new ArrayList<>(4);
    list.add(c.savings);
    if (c.card != null) {
      list.add(c.card);
    }
    if (c.loan != null) {
      list.add(c.loan);
    }
    if (c.investment != null) {
      list.add(c.investment);
    }
    return list;
  }

  private void addReference(String topic, String key, long at, Map<String, Object> body) {
    planned.add(new Planned(topic, key, at, serialise(body), order++));
    report.countValid(topic, false);
    maybeMalformed(topic, key, at, body);
  }

  private Map<String, Object> customerBody(Customer c, long at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", 1);
    m.put("customer_id", c.id);
    m.put("full_name", c.fullName);
    m.put("email", c.email);
    m.put("phone", c.phone);
    m.put("date_of_birth", c.dateOfBirth.toString());
    m.put("city", c.city.name());
    m.put("state", c.city.state());
    m.put("city_tier", c.city.tier());
    m.put("signup_ts", ts(c.signupMs));
    m.put("kyc_status", c.kyc);
    m.put("updated_at", ts(at));
    return m;
  }

  private Map<String, Object> accountBody(Account a, long at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", 1);
    m.put("account_id", a.id);
    m.put("customer_id", a.owner.id);
    m.put("account_type", a.type);
    m.put("opened_at", ts(a.openedMs));
    m.put("opening_balance", a.openingBalance);
    m.put("overdraft_limit", a.overdraftLimit);
    m.put("updated_at", ts(at));
    return m;
  }

  private Map<String, Object> merchantBody(Merchant mer, long at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", 1);
    m.put("merchant_id", mer.id);
    m.put("name", mer.name);
    m.put("category", mer.category);
    m.put("city", mer.city.name());
    m.put("updated_at", ts(at));
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("mcc", 5000 + random.nextInt(999));
    attributes.put("accepts_upi", random.nextBoolean());
    if (random.nextDouble() < 0.3) {
      attributes.put("rating", Math.round(random.nextDouble() * 40 + 10) / 10.0);
    }
    m.put("attributes", attributes);
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions

  private long transactionMessages() {
    return report.topic(Topic.TRANSACTIONS.topicName()).messages();
  }

  private void planTransactions() {
    long target = options.events();
    // The ordinary transactions leave the fraud patterns their share of the messages. With a fraud
    // rate of 0 nothing is kept back and the fraud phase never runs: the main Random then draws
    // exactly what it drew before fraud injection existed, and the messages stay byte for byte
    // those of earlier versions for the same seed. Fraud decisions draw from fraudRandom only.
    long ordinaryTarget = target - Math.round(target * options.fraudRate());
    List<Long> monthStarts = new ArrayList<>();
    LocalDate day = Instant.ofEpochMilli(startMs).atZone(ZoneOffset.UTC).toLocalDate();
    monthStarts.add(startMs);
    for (LocalDate d = day.plusDays(1); !d.isAfter(options.endDate()); d = d.plusDays(1)) {
      if (d.getDayOfMonth() == 1) {
        monthStarts.add(d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
      }
    }
    // Salaries first: every customer is paid at the start of each month in the window.
    outer:
    for (long monthStart : monthStarts) {
      for (Customer c : customers) {
        if (transactionMessages() >= ordinaryTarget) {
          break outer;
        }
        if (c.newcomer && monthStart < c.savings.openedMs) {
          continue; // not a customer yet
        }
        Txn t =
            newTxn(
                TxnType.DEPOSIT.name(),
                c.savings,
                c.salary,
                Channel.API.name(),
                monthStart + random.nextInt(6 * 3600) * 1000L);
        planLifecycle(t, false, ordinaryTarget);
        if (c.loan != null && transactionMessages() < ordinaryTarget) {
          BigDecimal emi = money(c.salary.doubleValue() * 0.2);
          Txn r =
              newTxn(
                  TxnType.LOAN_REPAYMENT.name(),
                  c.savings,
                  emi,
                  Channel.API.name(),
                  monthStart + (2 + random.nextInt(5)) * DAY);
          planLifecycle(r, true, ordinaryTarget);
        }
      }
    }
    while (transactionMessages() < ordinaryTarget) {
      planOrdinary(ordinaryTarget);
    }
    while (transactionMessages() < target) {
      if (!planFraud(target)) {
        // No victim fits any pattern (a tiny data set): the budget goes to ordinary transactions.
        planOrdinary(target);
      }
    }
  }

  /** Plans one transaction of a random customer (two for a transfer between customers). */
  private void planOrdinary(long target) {
    Customer c = pickCustomer();
    long at = randomTime();
    long opened = accounts(c).stream().mapToLong(a -> a.openedMs).max().orElse(startMs);
    if (c.newcomer && at < opened) {
      // A newcomer's day is drawn from the days after its accounts opened.
      at = opened + (at - startMs) % Math.max(1, cutoffMs - opened);
    }
    double r = random.nextDouble();
    if (r < 0.30) {
      Merchant m = merchants.get(random.nextInt(merchants.size()));
      Account from = c.card != null && random.nextBoolean() ? c.card : c.savings;
      Txn t =
          newTxn(
              TxnType.CARD_PAYMENT.name(),
              from,
              spend(c),
              random.nextBoolean() ? Channel.POS.name() : Channel.WEB.name(),
              at);
      t.merchant = m;
      if (random.nextDouble() < 0.05) {
        String cur = FOREIGN[random.nextInt(FOREIGN.length)];
        t.currency = cur;
        t.amount =
            t.amount
                .divide(INR_PER_UNIT.get(cur), 2, RoundingMode.HALF_UP)
                .max(new BigDecimal("1.00"));
      }
      planLifecycle(t, true, target);
    } else if (r < 0.62) {
      Merchant m = merchants.get(random.nextInt(merchants.size()));
      Txn t = newTxn(TxnType.UPI_PAYMENT.name(), c.savings, spend(c), Channel.APP.name(), at);
      t.merchant = m;
      planLifecycle(t, true, target);
    } else if (r < 0.72) {
      Customer other = pickCustomer();
      if (other == c || other.savings.openedMs > at && other.newcomer) {
        return;
      }
      BigDecimal amount = money(200 + random.nextDouble() * (c.overspender ? 15_000 : 8_000));
      Txn out = newTxn(TxnType.P2P_TRANSFER_OUT.name(), c.savings, amount, Channel.APP.name(), at);
      out.counterparty = other.savings;
      Txn in =
          newTxn(
              TxnType.P2P_TRANSFER_IN.name(), other.savings, amount, Channel.APP.name(), at + 500);
      in.counterparty = c.savings;
      planLifecycle(out, true, target);
      planLifecycle(in, false, target);
    } else if (r < 0.80) {
      Txn t =
          newTxn(
              TxnType.WITHDRAWAL.name(),
              c.savings,
              money(500 + random.nextInt(40) * 500),
              random.nextDouble() < 0.8 ? Channel.ATM.name() : Channel.BRANCH.name(),
              at);
      planLifecycle(t, true, target);
    } else if (r < 0.84) {
      Txn t =
          newTxn(
              TxnType.DEPOSIT.name(),
              c.savings,
              money(1_000 + random.nextDouble() * 30_000),
              Channel.BRANCH.name(),
              at);
      planLifecycle(t, true, target);
    } else if (r < 0.89) {
      // Money leaves savings for the customer's investments.
      Txn t =
          newTxn(
              "INVESTMENT",
              c.savings,
              money(1_000 + random.nextInt(50) * 1_000),
              Channel.APP.name(),
              at);
      planLifecycle(t, true, target);
    } else if (r < 0.91) {
      Txn t =
          newTxn(
              TxnType.INVESTMENT_REDEMPTION.name(),
              c.savings,
              money(2_000 + random.nextInt(40) * 1_000),
              Channel.APP.name(),
              at);
      planLifecycle(t, true, target);
    } else if (r < 0.92) {
      Txn t =
          newTxn(
              TxnType.LOAN_DISBURSEMENT.name(),
              c.savings,
              money(50_000 + random.nextInt(20) * 25_000),
              Channel.BRANCH.name(),
              at);
      planLifecycle(t, true, target);
    } else if (r < 0.95) {
      Txn t =
          newTxn(
              TxnType.LOAN_REPAYMENT.name(),
              c.savings,
              money(1_000 + random.nextInt(20) * 500),
              Channel.APP.name(),
              at);
      planLifecycle(t, true, target);
    } else {
      Txn t =
          newTxn(
              TxnType.FEE.name(),
              c.savings,
              money(10 + random.nextInt(50) * 10),
              Channel.API.name(),
              at);
      planLifecycle(t, false, target);
    }
  }

  private Customer pickCustomer() {
    // Overspenders are busier than everyone else, which is how they end up in the red.
    Customer c = customers.get(random.nextInt(customers.size()));
    if (!c.overspender && random.nextDouble() < 0.15) {
      Customer again = customers.get(random.nextInt(customers.size()));
      return again.overspender ? again : c;
    }
    return c;
  }

  private BigDecimal spend(Customer c) {
    double base = Math.exp(5.5 + random.nextGaussian() * 1.1);
    return money(Math.min(base * (c.overspender ? 6 : 1), 250_000) + 1);
  }

  private long randomTime() {
    long dayIndex = random.nextInt((int) ((cutoffMs + 1 - startMs) / DAY));
    // Daytime in India (03:00-17:00 UTC) carries most of the traffic.
    long minuteOfDay = random.nextDouble() < 0.8 ? 180 + random.nextInt(840) : random.nextInt(1440);
    return startMs + dayIndex * DAY + minuteOfDay * MINUTE + random.nextInt(60_000);
  }

  private Txn newTxn(
      String type, Account account, BigDecimal amount, String channel, long eventMs) {
    Txn t = new Txn();
    t.id = String.format("T%011d", ++transactionCounter);
    t.type = type;
    t.account = account;
    t.amount = amount;
    t.currency = "INR";
    t.channel = channel;
    City city = account.owner.city;
    t.city = city.name();
    t.lat = city.lat() + (random.nextDouble() - 0.5) * 0.1;
    t.lon = city.lon() + (random.nextDouble() - 0.5) * 0.1;
    t.eventMs = Math.min(eventMs, cutoffMs - HOUR);
    t.device = account.owner.device;
    return t;
  }

  /** Plans the status events of one transaction, with lags, duplicates and malformed copies. */
  private void planLifecycle(Txn t, boolean canFail, long target) {
    Faults faults = options.faults();
    if (faults != Faults.NONE) {
      LocalDate day = Instant.ofEpochMilli(t.eventMs).atZone(ZoneOffset.UTC).toLocalDate();
      if (faults.drops(day, faultRandom)) {
        return; // never sent: the day's volume drops
      }
      if (faults.dropsDevice(day, faultRandom)) {
        t.device = null;
      }
      if (faults.shiftsChannel(day, faultRandom)) {
        t.channel = Faults.SHIFTED_TO;
      }
    }
    report.lifecycles++;
    report.label(t.id, t.account.owner.id, t.fraudPattern);
    List<String> statuses = new ArrayList<>(3);
    boolean fails = canFail && random.nextDouble() < options.failureRate();
    boolean pendingFirst = random.nextDouble() < 0.8 && !t.type.equals(TxnType.FEE.name());
    if (pendingFirst) {
      statuses.add(TxnStatus.PENDING.name());
    }
    statuses.add(fails ? TxnStatus.FAILED.name() : TxnStatus.SUCCESS.name());
    if (!fails && canFail && random.nextDouble() < options.reversalRate()) {
      statuses.add(TxnStatus.REVERSED.name());
    }
    long[] statusMs = new long[statuses.size()];
    statusMs[0] = t.eventMs;
    for (int i = 1; i < statuses.size(); i++) {
      String s = statuses.get(i);
      long lag;
      if (s.equals(TxnStatus.REVERSED.name())) {
        lag = DAY + random.nextInt(4) * DAY + random.nextInt(86_400) * 1000L;
      } else {
        double r = random.nextDouble();
        if (r < options.veryLateSettlementRate()) {
          lag = (4 + random.nextInt(4)) * DAY + random.nextInt(86_400) * 1000L;
          report.veryLateSettlements++;
        } else if (r < options.veryLateSettlementRate() + options.lateSettlementRate()) {
          lag =
              (1 + weightedLateDays()) * DAY
                  + random.nextInt(86_400) * 1000L
                  - random.nextInt(3600) * 1000L;
          report.lateSettlements++;
        } else {
          lag = MINUTE + random.nextInt(90) * MINUTE;
        }
      }
      statusMs[i] = statusMs[i - 1] + lag;
    }
    if (random.nextDouble() < options.illegalUpdateRate()) {
      // A buggy upstream update: SUCCESS after FAILED, or PENDING after SUCCESS. Silver quarantines
      // it.
      String last = statuses.get(statuses.size() - 1);
      String illegal =
          last.equals(TxnStatus.FAILED.name())
              ? TxnStatus.SUCCESS.name()
              : last.equals(TxnStatus.PENDING.name())
                  ? TxnStatus.REVERSED.name()
                  : TxnStatus.PENDING.name();
      statuses.add(illegal);
      statusMs = java.util.Arrays.copyOf(statusMs, statuses.size());
      statusMs[statuses.size() - 1] =
          statusMs[statuses.size() - 2] + HOUR + random.nextInt(3_600) * 1000L;
      report.illegalUpdates++;
    }
    if (statuses.contains(TxnStatus.REVERSED.name())) {
      report.reversals++;
    }
    if (fails) {
      report.failures++;
    }
    long[] arrival = new long[statuses.size()];
    for (int i = 0; i < statuses.size(); i++) {
      arrival[i] = statusMs[i] + 200 + random.nextInt(5_000);
    }
    boolean swapped = statuses.size() > 1 && random.nextDouble() < options.outOfOrderRate();
    if (swapped) {
      // The creation event is delayed in transit and arrives after its settlement.
      arrival[0] = arrival[1] + 1_000 + random.nextInt(120_000);
    }
    boolean created = false;
    for (int i = 0; i < statuses.size(); i++) {
      if (transactionMessages() >= target) {
        break;
      }
      if (arrival[i] > cutoffMs) {
        report.unsettledAtCutoff++;
        break;
      }
      if (swapped && i == 0 && arrival[1] > cutoffMs) {
        report.unsettledAtCutoff++;
        break;
      }
      Map<String, Object> body = transactionBody(t, i + 1, statuses.get(i), statusMs[i]);
      boolean extras = random.nextDouble() < 0.03;
      if (extras) {
        // Schema drift: fields the contract does not know yet.
        body.put("risk_score", Math.round(random.nextDouble() * 1000) / 1000.0);
        body.put("app_version", "5." + random.nextInt(10) + "." + random.nextInt(10));
      }
      byte[] value = serialise(body);
      planned.add(new Planned(Topic.TRANSACTIONS.topicName(), t.id, arrival[i], value, order++));
      report.countValid(Topic.TRANSACTIONS.topicName(), extras);
      created |= i == 0;
      if (swapped && i == 0) {
        report.outOfOrder++;
      }
      if (transactionMessages() < target && random.nextDouble() < options.duplicateRate()) {
        long again = Math.min(arrival[i] + 1_000 + random.nextInt(600_000), cutoffMs);
        planned.add(new Planned(Topic.TRANSACTIONS.topicName(), t.id, again, value, order++));
        report.countDuplicate(Topic.TRANSACTIONS.topicName(), extras);
      }
      if (transactionMessages() < target) {
        maybeMalformed(Topic.TRANSACTIONS.topicName(), t.id, arrival[i], body);
      }
    }
    if (created && injectsFraud && SCORED_TYPES.contains(t.type)) {
      remember(t);
    }
  }

  private int weightedLateDays() {
    double r = random.nextDouble();
    return r < 0.5 ? 0 : r < 0.85 ? 1 : 2;
  }

  private Map<String, Object> transactionBody(Txn t, int sequence, String status, long statusMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema_version", 1);
    m.put("event_id", uuid());
    m.put("transaction_id", t.id);
    m.put("sequence", sequence);
    m.put("status", status);
    m.put("txn_type", t.type);
    m.put("account_id", t.account.id);
    m.put("customer_id", t.account.owner.id);
    m.put("amount", t.amount);
    m.put("currency", t.currency);
    m.put("channel", t.channel);
    m.put("event_ts", ts(t.eventMs));
    m.put("status_ts", ts(statusMs));
    if (t.merchant != null) {
      m.put("merchant_id", t.merchant.id);
    }
    if (t.counterparty != null) {
      m.put("counterparty_account_id", t.counterparty.id);
    }
    if (t.device != null) {
      m.put("device_id", t.device);
    }
    m.put("city", t.city);
    m.put("latitude", Math.round(t.lat * 1e6) / 1e6);
    m.put("longitude", Math.round(t.lon * 1e6) / 1e6);
    if (status.equals(TxnStatus.FAILED.name())) {
      m.put("failure_reason", FAILURE_REASONS[random.nextInt(FAILURE_REASONS.length)]);
    }
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Fraud

  /**
   * Plans one fraud incident of the pattern furthest behind its share of fraud transactions, on a
   * customer no pattern hit before (so that one incident cannot blur another's evidence). False
   * when no customer fits any pattern.
   */
  private boolean planFraud(long target) {
    List<String> patterns = new ArrayList<>(FRAUD_PATTERNS);
    Collections.shuffle(patterns, fraudRandom);
    patterns.sort(Comparator.comparingLong(p -> report.fraudByPattern().get(p)));
    for (String pattern : patterns) {
      for (int attempt = 0; attempt < VICTIM_ATTEMPTS; attempt++) {
        Customer c = customers.get(fraudRandom.nextInt(customers.size()));
        if (!c.victim && planIncident(pattern, c, target)) {
          c.victim = true;
          return true;
        }
      }
    }
    return false;
  }

  /** Plans the pattern on the customer, or returns false when the customer does not fit it. */
  private boolean planIncident(String pattern, Customer c, long target) {
    return switch (pattern) {
      case FraudLabel.CARD_TESTING -> planCardTesting(c, target);
      case FraudLabel.SPIKE -> planSpike(c, target);
      case FraudLabel.TRAVEL -> planTravel(c, target);
      default -> planNewDevice(c, target);
    };
  }

  /**
   * Card testing: with stolen card details, a fraudster tries a burst of tiny online payments at
   * different merchants, seconds apart, from a device the customer never used.
   */
  private boolean planCardTesting(Customer c, long target) {
    int size = Math.min(6 + fraudRandom.nextInt(5), merchants.size());
    // A burst cut short by the end of the message budget would not look like one.
    if (target - transactionMessages() < 4L * size) {
      return false;
    }
    Account account = c.card != null ? c.card : c.savings;
    long span = (size - 1) * 90_000L;
    long from = Math.max(startMs, account.openedMs);
    long to = cutoffMs - HOUR - span;
    if (to <= from) {
      return false;
    }
    String device = unknownDevice();
    List<Merchant> shops = new ArrayList<>(size);
    while (shops.size() < size) {
      Merchant m = merchants.get(fraudRandom.nextInt(merchants.size()));
      if (!shops.contains(m)) {
        shops.add(m);
      }
    }
    long at = from + (long) (fraudRandom.nextDouble() * (to - from));
    for (Merchant m : shops) {
      Txn t =
          newTxn(
              TxnType.CARD_PAYMENT.name(),
              account,
              money(1 + fraudRandom.nextDouble() * 199),
              Channel.WEB.name(),
              at);
      t.merchant = m;
      t.device = device;
      t.fraudPattern = FraudLabel.CARD_TESTING;
      planLifecycle(t, true, target);
      at += (10 + fraudRandom.nextInt(81)) * 1000L;
    }
    return true;
  }

  /**
   * A spike: one payment 20 to 50 times what the customer usually spends, say a victim talked into
   * paying a scammer from their own phone. Only for customers with enough card and UPI payments
   * before it to be usual (the rule compares payments with payments, not with cash withdrawals or
   * transfers).
   */
  private boolean planSpike(Customer c, long target) {
    List<Spend> history = c.spends;
    if (history.size() < SPIKE_MIN_HISTORY) {
      return false;
    }
    int earlier = SPIKE_MIN_HISTORY + fraudRandom.nextInt(history.size() - SPIKE_MIN_HISTORY + 1);
    long at = quietTimeAfter(history, earlier);
    double[] amounts =
        history.subList(0, earlier).stream()
            .filter(Spend::payment)
            .mapToDouble(Spend::amountInr)
            .sorted()
            .toArray();
    if (amounts.length < SPIKE_MIN_HISTORY) {
      return false;
    }
    double median = (amounts[(amounts.length - 1) / 2] + amounts[amounts.length / 2]) / 2;
    double amount = Math.ceil(Math.max(25_000, median * (20 + 30 * fraudRandom.nextDouble())));
    boolean upi = fraudRandom.nextBoolean();
    Account account = upi || c.card == null ? c.savings : c.card;
    // Above the amount rule's threshold it would be a large payment, not this customer's spike.
    if (at < 0 || amount > 200_000 || account.openedMs > at) {
      return false;
    }
    Txn t =
        newTxn(
            upi ? TxnType.UPI_PAYMENT.name() : TxnType.CARD_PAYMENT.name(),
            account,
            money(amount),
            upi ? Channel.APP.name() : Channel.WEB.name(),
            at);
    t.merchant = merchants.get(fraudRandom.nextInt(merchants.size()));
    t.fraudPattern = FraudLabel.SPIKE;
    planLifecycle(t, true, target);
    return true;
  }

  /**
   * Impossible travel: minutes after a genuine payment at home, a clone of the customer's card pays
   * at a shop in a city at least 1,000 km away. Only the far payment is fraud.
   */
  private boolean planTravel(Customer c, long target) {
    List<Spend> history = c.spends;
    if (history.isEmpty()) {
      return false;
    }
    int k = fraudRandom.nextInt(history.size());
    Spend home = history.get(k);
    long at = home.eventMs() + (5 + fraudRandom.nextInt(56)) * MINUTE;
    // Nothing of the customer's in between, and the next payment at home late enough not to look
    // like impossible travel itself.
    long next = k + 1 < history.size() ? history.get(k + 1).eventMs() : Long.MAX_VALUE;
    Account account = c.card != null ? c.card : c.savings;
    if (!home.genuine() || next < at + 6 * HOUR || at > cutoffMs - HOUR || account.openedMs > at) {
      return false;
    }
    // The margin covers the jitter around the city's centre.
    List<City> far =
        CITIES.stream()
            .filter(
                city -> km(home.lat(), home.lon(), city.lat(), city.lon()) >= TRAVEL_MIN_KM + 10)
            .toList();
    if (far.isEmpty()) {
      return false;
    }
    City city = far.get(fraudRandom.nextInt(far.size()));
    Txn t =
        newTxn(
            TxnType.CARD_PAYMENT.name(),
            account,
            money(Math.exp(7.5 + fraudRandom.nextGaussian() * 0.6)),
            Channel.POS.name(),
            at);
    t.merchant = merchantIn(city);
    t.city = city.name();
    t.lat = city.lat() + (fraudRandom.nextDouble() - 0.5) * 0.1;
    t.lon = city.lon() + (fraudRandom.nextDouble() - 0.5) * 0.1;
    t.fraudPattern = FraudLabel.TRAVEL;
    planLifecycle(t, true, target);
    return true;
  }

  /**
   * Account takeover: someone with the customer's credentials moves money out from a device the
   * customer never used, to a mule's account or as a payment. The customer's own device was seen
   * within the 90 days before, so the bank knows it.
   */
  private boolean planNewDevice(Customer c, long target) {
    List<Spend> history = c.spends;
    if (history.isEmpty()) {
      return false;
    }
    int earlier = 1 + fraudRandom.nextInt(history.size());
    long at = quietTimeAfter(history, earlier);
    Spend last = history.get(earlier - 1);
    if (at < 0 || !last.genuine() || at - last.eventMs() > 89 * DAY || c.savings.openedMs > at) {
      return false;
    }
    BigDecimal amount = money(5_000 + fraudRandom.nextDouble() * 75_000);
    Customer mule = customers.get(fraudRandom.nextInt(customers.size()));
    boolean transfer = fraudRandom.nextBoolean() && mule != c && mule.savings.openedMs <= at;
    Txn t =
        newTxn(
            transfer ? TxnType.P2P_TRANSFER_OUT.name() : TxnType.UPI_PAYMENT.name(),
            c.savings,
            amount,
            Channel.APP.name(),
            at);
    t.device = unknownDevice();
    t.fraudPattern = FraudLabel.NEW_DEVICE;
    if (!transfer) {
      t.merchant = merchants.get(fraudRandom.nextInt(merchants.size()));
      planLifecycle(t, true, target);
      return true;
    }
    t.counterparty = mule.savings;
    // The mule's side is an ordinary credit: no rule scores it, and its owner is not the victim.
    Txn in =
        newTxn(TxnType.P2P_TRANSFER_IN.name(), mule.savings, amount, Channel.APP.name(), at + 500);
    in.counterparty = c.savings;
    planLifecycle(t, true, target);
    planLifecycle(in, false, target);
    return true;
  }

  /**
   * A time in the gap after the customer's {@code earlier}-th scored transaction, an hour away from
   * it and from the next one (or the end of the window); -1 when the gap is too short.
   */
  private long quietTimeAfter(List<Spend> history, int earlier) {
    long from = history.get(earlier - 1).eventMs() + HOUR;
    long to = (earlier < history.size() ? history.get(earlier).eventMs() : cutoffMs) - HOUR;
    return to <= from ? -1 : from + (long) (fraudRandom.nextDouble() * (to - from));
  }

  /** Adds a scored transaction to its customer's history, keeping event-time order. */
  private void remember(Txn t) {
    List<Spend> history = t.account.owner.spends;
    double rate = t.currency.equals("INR") ? 1 : INR_PER_UNIT.get(t.currency).doubleValue();
    int low = 0;
    int high = history.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (history.get(mid).eventMs() <= t.eventMs) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    history.add(
        low,
        new Spend(
            t.eventMs,
            t.amount.doubleValue() * rate,
            t.lat,
            t.lon,
            t.fraudPattern == null,
            t.type.equals(TxnType.CARD_PAYMENT.name())
                || t.type.equals(TxnType.UPI_PAYMENT.name())));
  }

  private Merchant merchantIn(City city) {
    List<Merchant> local = merchants.stream().filter(m -> m.city.equals(city)).toList();
    List<Merchant> from = local.isEmpty() ? merchants : local;
    return from.get(fraudRandom.nextInt(from.size()));
  }

  /** A new device id in the customers' format: 48 random bits, in practice never a customer's. */
  private String unknownDevice() {
    return "dev-" + Long.toHexString(fraudRandom.nextLong() & 0xFFFFFFFFFFFFL);
  }

  /** Great-circle distance in km (haversine). */
  private static double km(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.pow(Math.sin(dLat / 2), 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371.0 * Math.asin(Math.sqrt(a));
  }

  // ---------------------------------------------------------------------------------------------
  // Malformed messages

  private void maybeMalformed(String topic, String key, long at, Map<String, Object> body) {
    if (random.nextDouble() >= options.malformedRate()) {
      return;
    }
    DeadLetterReason defect = defects.next(topic);
    planned.add(
        new Planned(
            topic,
            key,
            Math.min(at + 50, cutoffMs),
            defects.corrupt(topic, body, defect),
            order++));
    report.countMalformed(topic, defect);
  }

  private byte[] serialise(Map<String, Object> body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise a generated event: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private City pickCity() {
    // Tier-1 cities hold most customers.
    double r = random.nextDouble();
    int from = r < 0.6 ? 0 : r < 0.9 ? 8 : 16;
    int to = r < 0.6 ? 8 : r < 0.9 ? 16 : CITIES.size();
    return CITIES.get(from + random.nextInt(to - from));
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private static BigDecimal money(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
  }

  private String ts(long epochMs) {
    Instant instant = Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.MILLIS);
    // The gateway stamps in IST, core banking in UTC; both are valid ISO-8601 with offset.
    return TS.format(instant.atOffset((epochMs & 1) == 0 ? IST : ZoneOffset.UTC));
  }
}
