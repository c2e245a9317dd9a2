package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.common.ConfigException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rate timeline: the fixed rates as default, dated rates on top, and what a change touches. */
class FxRatesTest {
  static final Map<String, BigDecimal> FIXED =
      Map.of("INR", BigDecimal.ONE, "USD", new BigDecimal("83.25"), "EUR", new BigDecimal("90.10"));

  static FxRates.Rate rate(String currency, String date, String value) {
    return new FxRates.Rate(currency, LocalDate.parse(date), new BigDecimal(value));
  }

  static LocalDate d(String date) {
    return LocalDate.parse(date);
  }

  @Test
  void aDatedRateAppliesFromItsDateUntilTheNextAndTheFixedRateBefore() {
    FxRates rates =
        FxRates.of(
            FIXED, List.of(rate("USD", "2026-11-10", "84"), rate("USD", "2026-11-20", "85")));
    assertThat(rates.on("USD", d("2026-11-09"))).contains(new BigDecimal("83.250000"));
    assertThat(rates.on("USD", d("2026-11-10"))).contains(new BigDecimal("84.000000"));
    assertThat(rates.on("USD", d("2026-11-19"))).contains(new BigDecimal("84.000000"));
    assertThat(rates.on("USD", d("2027-01-01"))).contains(new BigDecimal("85.000000"));
    assertThat(rates.on("EUR", d("2026-11-15"))).contains(new BigDecimal("90.100000"));
    assertThat(rates.on("JPY", d("2026-11-15"))).isEmpty();
  }

  @Test
  void aNewRateChangesOnlyTheDatesUntilTheNextRateOfThatCurrency() {
    FxRates before = FxRates.of(FIXED, List.of(rate("USD", "2026-11-20", "85")));
    FxRates after =
        FxRates.of(
            FIXED, List.of(rate("USD", "2026-11-10", "84"), rate("USD", "2026-11-20", "85")));
    assertThat(after.changesSince(before))
        .containsExactly(new FxRates.Change("USD", d("2026-11-10"), d("2026-11-20")));
    assertThat(before.changesSince(after))
        .containsExactly(new FxRates.Change("USD", d("2026-11-10"), d("2026-11-20")));
    assertThat(after.changesSince(after)).isEmpty();
  }

  @Test
  void aRateEqualToTheOneInForceChangesNothingAndACorrectionChangesItsRange() {
    FxRates before = FxRates.of(FIXED, List.of(rate("USD", "2026-11-10", "84")));
    assertThat(
            FxRates.of(
                    FIXED,
                    List.of(rate("USD", "2026-11-10", "84"), rate("USD", "2026-11-12", "84.00")))
                .changesSince(before))
        .isEmpty();
    assertThat(FxRates.of(FIXED, List.of(rate("USD", "2026-11-10", "84.10"))).changesSince(before))
        .containsExactly(new FxRates.Change("USD", d("2026-11-10"), null));
  }

  @Test
  void aChangedFixedRateChangesTheDatesBeforeTheFirstDatedRate() {
    FxRates before = FxRates.of(FIXED, List.of(rate("EUR", "2026-06-01", "91")));
    FxRates after =
        FxRates.of(
            Map.of(
                "INR",
                BigDecimal.ONE,
                "USD",
                new BigDecimal("83.25"),
                "EUR",
                new BigDecimal("90.20")),
            List.of(rate("EUR", "2026-06-01", "91"), rate("JPY", "2026-07-01", "0.55")));
    assertThat(after.changesSince(before))
        .containsExactly(
            new FxRates.Change("EUR", null, d("2026-06-01")),
            new FxRates.Change("JPY", d("2026-07-01"), null));
  }

  @Test
  void theDigestFollowsTheRatesNotTheirOrderOrScale() {
    FxRates a =
        FxRates.of(
            FIXED, List.of(rate("USD", "2026-11-10", "84"), rate("EUR", "2026-11-10", "91")));
    FxRates b =
        FxRates.of(
            FIXED, List.of(rate("EUR", "2026-11-10", "91.000"), rate("USD", "2026-11-10", "84.0")));
    FxRates c = FxRates.of(FIXED, List.of(rate("USD", "2026-11-10", "84.01")));
    assertThat(a.digest()).isEqualTo(b.digest()).isNotEqualTo(c.digest());
  }

  @Test
  void badFixedRatesAreNamed() {
    assertThat(FxRates.parseDefaults("INR=1, USD=83.25"))
        .containsEntry("USD", new BigDecimal("83.250000"));
    assertThatThrownBy(() -> FxRates.parseDefaults("INR=1,USD"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'USD' is not CODE=RATE");
    assertThatThrownBy(() -> FxRates.parseDefaults("INR=1,USD=-2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the rate of USD ('-2')");
  }

  @Test
  void aRateFileWithBadLinesIsRefusedWholeWithEveryLineNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rates.csv");
    Files.writeString(
        file,
        "currency,effective_date,inr_per_unit\n"
            + "USD,2026-11-05,84.10\n"
            + "usd,2026-11-05,84.10\n"
            + "EUR,2026-13-01,90\n"
            + "GBP,2026-11-05,abc\n"
            + "AED,2026-11-05,-1\n"
            + "USD,2026-11-05,84.20\n"
            + "SGD,2026-11-05\n");
    assertThatThrownBy(() -> FxRatesLoader.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has 6 bad line(s); nothing was loaded")
        .hasMessageContaining("line 3: currency 'usd' is not a three-letter upper-case ISO code")
        .hasMessageContaining("line 4: effective_date '2026-13-01' is not a date")
        .hasMessageContaining("line 5: inr_per_unit 'abc' is not a number")
        .hasMessageContaining("line 6: inr_per_unit -1 must be above 0 and below 10000")
        .hasMessageContaining("line 7: USD on 2026-11-05 appears twice with different rates")
        .hasMessageContaining("line 8: expected 3 fields");
    Files.writeString(file, "ccy,date,rate\nUSD,2026-11-05,84.10\n");
    assertThatThrownBy(() -> FxRatesLoader.read(file))
        .hasMessageContaining(
            "the first line must be the header currency,effective_date,inr_per_unit");
    Files.writeString(file, "currency,effective_date,inr_per_unit\n\nUSD, 2026-11-05 ,84.1\n");
    assertThat(FxRatesLoader.read(file)).containsExactly(rate("USD", "2026-11-05", "84.100000"));
  }
}
