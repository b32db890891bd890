package dev.simrun.kinds.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Each ensemble method against a plain reference that looks days up by number. */
class ForecastEnsemblePropertyTest {

  /** Days in increasing order, with gaps (a partial result), 3 agents, some predictions missing. */
  @Provide
  Arbitrary<List<DayForecast>> days() {
    Arbitrary<Double> value = Arbitraries.doubles().between(-100, 100);
    Arbitrary<List<Double>> predictions =
        Arbitraries.doubles()
            .between(-100, 100)
            .withSpecialValue(0.0)
            .injectNull(0.25)
            .list()
            .ofSize(3);
    Arbitrary<Integer> gap = Arbitraries.integers().between(1, 3);
    return Combinators.combine(gap, value, predictions)
        .as((g, actual, p) -> new Object[] {g, actual, p})
        .list()
        .ofMaxSize(40)
        .map(
            raw -> {
              List<DayForecast> days = new ArrayList<>();
              long day = 10;
              for (Object[] r : raw) {
                day += (Integer) r[0];
                @SuppressWarnings("unchecked")
                List<Double> p = (List<Double>) r[2];
                days.add(new DayForecast(day, 0.0, (Double) r[1], p, null));
              }
              return days;
            });
  }

  @Property(tries = 300)
  void meanAveragesThePredictionsThatExist(@ForAll("days") List<DayForecast> days) {
    Double[] out = Ensemble.combine("mean", 7, days);
    for (int i = 0; i < days.size(); i++) {
      List<Double> present = present(days.get(i).predictions());
      if (present.isEmpty()) {
        assertThat(out[i]).isNull();
      } else {
        double mean = present.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(out[i]).isCloseTo(mean, within(1e-9));
      }
    }
  }

  @Property(tries = 300)
  void medianIsTheMiddle(@ForAll("days") List<DayForecast> days) {
    Double[] out = Ensemble.combine("median", 7, days);
    for (int i = 0; i < days.size(); i++) {
      List<Double> present = new ArrayList<>(present(days.get(i).predictions()));
      present.sort(null);
      if (present.isEmpty()) {
        assertThat(out[i]).isNull();
      } else {
        // Median by counting: at least half at or below it, at least half at or above it.
        double m = out[i];
        long below = present.stream().filter(v -> v <= m).count();
        long above = present.stream().filter(v -> v >= m).count();
        assertThat(2 * below).isGreaterThanOrEqualTo(present.size());
        assertThat(2 * above).isGreaterThanOrEqualTo(present.size());
        double expected =
            present.size() % 2 == 1
                ? present.get(present.size() / 2)
                : (present.get(present.size() / 2 - 1) + present.get(present.size() / 2)) / 2;
        assertThat(m).isEqualTo(expected);
      }
    }
  }

  @Property(tries = 300)
  void inverseErrorWeighsByRecentErrors(
      @ForAll("days") List<DayForecast> days, @ForAll @IntRange(min = 1, max = 10) int window) {
    Double[] out = Ensemble.combine("inverse-error", window, days);
    for (int i = 0; i < days.size(); i++) {
      DayForecast today = days.get(i);
      List<Double> weights = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (int a = 0; a < 3; a++) {
        Double p = today.predictions().get(a);
        if (p == null) {
          continue;
        }
        List<Double> errors = new ArrayList<>();
        for (DayForecast past : days) {
          boolean inWindow = past.day() >= today.day() - window && past.day() < today.day();
          Double q = past.predictions().get(a);
          if (inWindow && q != null) {
            errors.add(Math.abs(past.actual() - q));
          }
        }
        if (!errors.isEmpty()) {
          double mae = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
          weights.add(mae == 0 ? Double.POSITIVE_INFINITY : 1 / mae);
          values.add(p);
        }
      }
      List<Double> present = present(today.predictions());
      Double expected;
      if (present.isEmpty()) {
        expected = null;
      } else if (weights.contains(Double.POSITIVE_INFINITY)) {
        double sum = 0;
        int n = 0;
        for (int k = 0; k < weights.size(); k++) {
          if (weights.get(k) == Double.POSITIVE_INFINITY) {
            sum += values.get(k);
            n++;
          }
        }
        expected = sum / n;
      } else if (weights.isEmpty()) {
        expected = present.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      } else {
        double num = 0;
        double den = 0;
        for (int k = 0; k < weights.size(); k++) {
          num += weights.get(k) * values.get(k);
          den += weights.get(k);
        }
        expected = num / den;
      }
      if (expected == null) {
        assertThat(out[i]).isNull();
      } else {
        assertThat(out[i]).isCloseTo(expected, within(1e-7 * (1 + Math.abs(expected))));
        // A weighted mean stays within the predictions.
        double min = present.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = present.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertThat(out[i]).isBetween(min - 1e-9, max + 1e-9);
      }
    }
  }

  private static List<Double> present(List<Double> predictions) {
    return predictions.stream().filter(p -> p != null).toList();
  }
}
