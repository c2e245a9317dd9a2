package dev.lakehouse.ops.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakehouse.common.ConfigException;
import dev.lakehouse.ops.anomaly.Check.Strategy;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DetectorTest {
  private static final String T = "silver.transactions";

  /** A Monday; the history runs over the 8 weeks before it. */
  private static final LocalDate MONDAY = LocalDate.of(2026, 10, 5);

  /** The low end of the band of a Monday whose earlier Mondays were all 200. */
  private static final double LOW = 200 - 3 * Math.sqrt(200);

  private static final Check ZSCORE = new Check("row_count", Strategy.SEASONAL_ZSCORE, 3);
  private static final Check RATE = new Check("row_count", Strategy.RATE_OF_CHANGE, 0.5);
  private static final Check PSI = new Check("share", Strategy.PSI, 0.1);

  /** Mondays carry 200 rows, the other days 100: a weekly season. */
  private static List<MetricValue> weeklyHistory() {
    List<MetricValue> history = new ArrayList<>();
    for (LocalDate d = MONDAY.minusDays(56); d.isBefore(MONDAY); d = d.plusDays(1)) {
      history.add(rows(d, d.getDayOfWeek() == DayOfWeek.MONDAY ? 200 : 100));
    }
    return history;
  }

  private static MetricValue rows(LocalDate d, double n) {
    return new MetricValue(T, d, "row_count", "", n);
  }

  private static Detector detector(Check... checks) {
    return new Detector(List.of(checks), 56, 4);
  }

  @Test
  void psiIsTheSumOfShareDifferencesTimesTheLogOfTheirRatio() {
    // 0.3 ln(0.8/0.5) + (-0.3) ln(0.2/0.5) = 0.3 * 0.4700036 + 0.3 * 0.9162907
    assertThat(Psi.of(Map.of("A", 0.5, "B", 0.5), Map.of("A", 0.8, "B", 0.2)))
        .isCloseTo(0.4158883, within(1e-6));
    // A category new today counts from the floor of 0.0001:
    // (0.9 - 1) ln(0.9) + (0.1 - 0.0001) ln(0.1 / 0.0001) = 0.0105361 + 0.6900848
    assertThat(Psi.of(Map.of("A", 1.0), Map.of("A", 0.9, "B", 0.1)))
        .isCloseTo(0.7006208, within(1e-6));
    assertThat(Psi.of(Map.of("A", 0.3, "B", 0.7), Map.of("A", 0.3, "B", 0.7))).isZero();
  }

  @Test
  void theSeasonalBaselineIsTheSameWeekdaySoABusyMondayIsNormalAndAQuietOneIsNot() {
    Detector d = detector(ZSCORE);

    Detector.Result busy = d.detect(weeklyHistory(), Set.of(), List.of(rows(MONDAY, 200)));
    Detector.Result quiet =
        d.detect(weeklyHistory(), Set.of(), List.of(rows(MONDAY.plusDays(7), 100)));

    assertThat(busy.findings()).isEmpty();
    // The 8 earlier Mondays are all 200, so their deviation is the floor of a count, the square
    // root of its level: the band is 200 +- 3 * sqrt(200) = 157.57 .. 242.43.
    Detector.Band band = busy.bands().get(new Detector.Key(rows(MONDAY, 0).series(), MONDAY));
    assertThat(band.low()).isCloseTo(LOW, within(1e-9));
    assertThat(band.high()).isCloseTo(200 + 3 * Math.sqrt(200), within(1e-9));
    // A Monday of 100 is 100 / sqrt(200) = 7.07 deviations low: beyond twice the threshold.
    assertThat(quiet.findings()).hasSize(1);
    Detector.Finding f = quiet.findings().get(0);
    assertThat(f.severity()).isEqualTo("error");
    assertThat(f.score()).isCloseTo(-100 / Math.sqrt(200), within(1e-9));
    assertThat(f.detail()).contains("earlier Mondays").contains("below the mean 200");
  }

  @Test
  void aPoisonedDayStaysOutOfTheBaselineOfTheDaysAfterIt() {
    Detector d = detector(ZSCORE);
    // An outage Monday (20 rows), then a normal one a week later, judged in one run.
    Detector.Result r =
        d.detect(
            weeklyHistory(), Set.of(), List.of(rows(MONDAY, 20), rows(MONDAY.plusDays(7), 200)));

    assertThat(r.findings())
        .extracting(f -> f.value().date())
        .containsExactly(MONDAY); // the outage only
    Detector.Band next =
        r.bands().get(new Detector.Key(rows(MONDAY, 0).series(), MONDAY.plusDays(7)));
    // The same band as without the outage: its 20 did not join the baseline.
    assertThat(next.expected()).isCloseTo(200, within(1e-9));
    assertThat(next.low()).isCloseTo(LOW, within(1e-9));

    // The same holds across runs: the outage recorded earlier is left out of the next run's
    // baseline.
    List<MetricValue> history = new ArrayList<>(weeklyHistory());
    history.add(rows(MONDAY, 20));
    Detector.Result later =
        d.detect(
            history,
            Set.of(new Detector.Key(rows(MONDAY, 0).series(), MONDAY)),
            List.of(rows(MONDAY.plusDays(7), 200)));
    assertThat(later.findings()).isEmpty();
    assertThat(later.bands().values().iterator().next().low()).isCloseTo(LOW, within(1e-9));
  }

  @Test
  void rateOfChangeComparesWithTheLevelOfTheNormalDaysBefore() {
    Detector d = detector(RATE);
    // The median of the last days, 100: the outlier of 500 and the flagged 1 do not move it.
    List<MetricValue> history =
        List.of(
            rows(MONDAY.minusDays(6), 100),
            rows(MONDAY.minusDays(5), 90),
            rows(MONDAY.minusDays(4), 500),
            rows(MONDAY.minusDays(3), 100),
            rows(MONDAY.minusDays(2), 1),
            rows(MONDAY.minusDays(1), 110));
    Set<Detector.Key> flagged =
        Set.of(new Detector.Key(rows(MONDAY, 0).series(), MONDAY.minusDays(2)));

    assertThat(d.detect(history, Set.of(), List.of(rows(MONDAY, 60))).findings()).isEmpty();
    Detector.Finding warn =
        d.detect(history, Set.of(), List.of(rows(MONDAY, 40))).findings().get(0);
    assertThat(warn.severity()).isEqualTo("warn"); // 0.4: below 0.5, above 0.25
    assertThat(warn.score()).isCloseTo(0.4, within(1e-9));
    Detector.Finding error =
        d.detect(history, flagged, List.of(rows(MONDAY, 20))).findings().get(0);
    assertThat(error.severity()).isEqualTo("error"); // 0.2: below 0.5 squared
    assertThat(d.detect(history, flagged, List.of(rows(MONDAY, 201))).findings())
        .extracting(Detector.Finding::severity)
        .containsExactly("warn"); // 2.01: above 1 / 0.5
  }

  @Test
  void aColumnsSharesAreJudgedTogetherByTheirPsi() {
    Detector d = detector(PSI);
    List<MetricValue> history = new ArrayList<>();
    for (LocalDate day = MONDAY.minusDays(14); day.isBefore(MONDAY); day = day.plusDays(1)) {
      history.add(share(day, "APP", 0.5));
      history.add(share(day, "WEB", 0.5));
    }

    Detector.Result same =
        d.detect(
            history, Set.of(), List.of(share(MONDAY, "APP", 0.52), share(MONDAY, "WEB", 0.48)));
    Detector.Result moved =
        d.detect(history, Set.of(), List.of(share(MONDAY, "APP", 0.8), share(MONDAY, "WEB", 0.2)));

    assertThat(same.findings()).isEmpty();
    assertThat(moved.findings()).hasSize(1);
    Detector.Finding f = moved.findings().get(0);
    assertThat(f.value().dimension()).isEqualTo("channel");
    assertThat(f.score()).isCloseTo(0.4158883, within(1e-6)); // as computed by hand above
    assertThat(f.severity()).isEqualTo("error"); // above 2.5 x 0.1
    assertThat(f.detail()).contains("APP 0.500 -> 0.800");
  }

  @Test
  void theFirstDayOfAMonthIsJudgedOnlyAgainstEarlierFirstDays() {
    // Salaries double the volume on the 1st: against ordinary Sundays that is far off, but only
    // two earlier first days are known, too few to judge it.
    List<MetricValue> history = new ArrayList<>(weeklyHistory());
    history.add(rows(LocalDate.of(2026, 10, 1), 400));
    LocalDate first = LocalDate.of(2026, 11, 1);
    Detector.Result r =
        new Detector(List.of(ZSCORE, RATE), 90, 4)
            .detect(history, Set.of(), List.of(rows(first, 400)));
    assertThat(r.findings()).isEmpty();
    // And the day after is judged against ordinary days, not against the 1st's 400.
    Detector.Result after =
        detector(ZSCORE, RATE)
            .detect(history, Set.of(), List.of(rows(LocalDate.of(2026, 10, 2), 100)));
    assertThat(after.findings()).isEmpty();
    assertThat(after.bands().values().iterator().next().expected()).isCloseTo(100, within(1e-9));
  }

  @Test
  void aWholeHistoryJudgedInOneRunGetsBandsOnceEnoughOfItIsKnown() {
    Detector.Result r = detector(ZSCORE).detect(List.of(), Set.of(), weeklyHistory());
    // The first weeks have too few points; from the fifth same weekday on, every day has a band.
    assertThat(r.bands()).hasSizeGreaterThan(20);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void tooLittleHistoryJudgesNothing() {
    List<MetricValue> history =
        List.of(rows(MONDAY.minusDays(7), 200), rows(MONDAY.minusDays(1), 100));
    Detector.Result r = detector(ZSCORE).detect(history, Set.of(), List.of(rows(MONDAY, 1)));
    assertThat(r.findings()).isEmpty();
    assertThat(r.bands()).isEmpty();
  }

  @Test
  void checksAreParsedFromTheSettingWithClearErrors() {
    assertThat(Check.parse(List.of("row_count:seasonal_zscore:3", "share:psi:0.2")))
        .containsExactly(
            new Check("row_count", Strategy.SEASONAL_ZSCORE, 3),
            new Check("share", Strategy.PSI, 0.2));
    assertThatThrownBy(() -> Check.parse(List.of("row_count:psi:0.1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'row_count:psi:0.1' is not metric:strategy:threshold");
    assertThatThrownBy(() -> Check.parse(List.of("row_count:rate_of_change:1.5")))
        .isInstanceOf(ConfigException.class);
  }

  private static MetricValue share(LocalDate d, String channel, double share) {
    return new MetricValue(T, d, "share", "channel=" + channel, share);
  }
}
