package dev.simrun.kinds.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Each metric against its textbook formula, written plainly over the days that have predictions.
 */
class ForecastMetricsPropertyTest {

  /** One day: the forecast day's value, the next day's value, a prediction or null. */
  record Day(double last, double actual, Double prediction) {}

  @Provide
  Arbitrary<List<Day>> days() {
    Arbitrary<Double> values = Arbitraries.doubles().between(-500, 500).withSpecialValue(0.0);
    Arbitrary<Day> day = Combinators.combine(values, values, values.injectNull(0.2)).as(Day::new);
    // Sometimes the prediction is exactly right or exactly flat, to hit the ties.
    Arbitrary<Day> exact = values.map(v -> new Day(v, v, v));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, day), net.jqwik.api.Tuple.of(1, exact))
        .list()
        .ofMaxSize(50);
  }

  private static Metrics metrics(List<Day> days) {
    Metrics.Accumulator accumulator = new Metrics.Accumulator();
    days.forEach(d -> accumulator.add(d.last(), d.actual(), d.prediction()));
    return accumulator.metrics();
  }

  private static List<Day> predicted(List<Day> days) {
    return days.stream().filter(d -> d.prediction() != null).toList();
  }

  @Property(tries = 300)
  void countsDaysWithAndWithoutPredictions(@ForAll("days") List<Day> days) {
    Metrics m = metrics(days);
    assertThat(m.count()).isEqualTo(predicted(days).size());
    assertThat(m.missing()).isEqualTo(days.size() - predicted(days).size());
    if (m.count() == 0) {
      assertThat(m.mae()).isNull();
      assertThat(m.rmse()).isNull();
      assertThat(m.mape()).isNull();
      assertThat(m.smape()).isNull();
      assertThat(m.directionAccuracy()).isNull();
    }
  }

  @Property(tries = 300)
  void maeAndRmse(@ForAll("days") List<Day> days) {
    List<Day> p = predicted(days);
    Assume.that(!p.isEmpty());
    double abs = 0;
    double squares = 0;
    for (Day d : p) {
      abs += Math.abs(d.actual() - d.prediction());
      squares += Math.pow(d.actual() - d.prediction(), 2);
    }
    Metrics m = metrics(days);
    assertThat(m.mae()).isCloseTo(abs / p.size(), within(1e-9));
    assertThat(m.rmse()).isCloseTo(Math.sqrt(squares / p.size()), within(1e-9));
    assertThat(m.rmse()).isGreaterThanOrEqualTo(m.mae() - 1e-9);
  }

  @Property(tries = 300)
  void mapeSkipsDaysWhoseActualIsZero(@ForAll("days") List<Day> days) {
    List<Double> terms = new ArrayList<>();
    for (Day d : predicted(days)) {
      if (d.actual() != 0) {
        terms.add(Math.abs((d.actual() - d.prediction()) / d.actual()) * 100);
      }
    }
    Metrics m = metrics(days);
    if (terms.isEmpty()) {
      assertThat(m.mape()).isNull();
    } else {
      double mean = terms.stream().mapToDouble(Double::doubleValue).sum() / terms.size();
      assertThat(m.mape()).isCloseTo(mean, within(1e-9 * (1 + mean)));
    }
  }

  @Property(tries = 300)
  void smapeIsBoundedAndCountsBothZeroAsPerfect(@ForAll("days") List<Day> days) {
    List<Day> p = predicted(days);
    Assume.that(!p.isEmpty());
    double sum = 0;
    for (Day d : p) {
      double a = d.actual();
      double f = d.prediction();
      sum += (a == 0 && f == 0) ? 0 : 2 * Math.abs(f - a) / (Math.abs(a) + Math.abs(f)) * 100;
    }
    Metrics m = metrics(days);
    assertThat(m.smape()).isCloseTo(sum / p.size(), within(1e-9));
    assertThat(m.smape()).isBetween(0.0, 200.0);
  }

  @Property(tries = 300)
  void directionAccuracyComparesTheSignsOfTheMoves(@ForAll("days") List<Day> days) {
    List<Day> p = predicted(days);
    Assume.that(!p.isEmpty());
    int hits = 0;
    for (Day d : p) {
      int predicted = Double.compare(d.prediction(), d.last());
      int actual = Double.compare(d.actual(), d.last());
      if (Integer.signum(predicted) == Integer.signum(actual)) {
        hits++;
      }
    }
    assertThat(metrics(days).directionAccuracy()).isEqualTo((double) hits / p.size());
  }
}
