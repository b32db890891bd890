package dev.simrun.kinds.backtest;

import static dev.simrun.kinds.backtest.BacktestFixtures.example;
import static dev.simrun.kinds.backtest.BacktestFixtures.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.FieldError;
import dev.simrun.kinds.UnitCost;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StrategyBacktestValidationTest {

  private final StrategyBacktestKind kind = new StrategyBacktestKind();

  private List<String> fields(BacktestParams params) {
    return kind.validate(params).stream().map(FieldError::field).toList();
  }

  @Test
  void aGoodRequestHasNoErrors() {
    assertThat(kind.validate(example())).isEmpty();
    assertThat(kind.unitCount(example())).isEqualTo(2 * 6);
  }

  @Test
  void costsAreOptional() {
    BacktestParams p = example();
    assertThat(kind.validate(new BacktestParams(p.data(), p.strategy(), p.grid(), null))).isEmpty();
    assertThat(
            kind.validate(
                new BacktestParams(
                    p.data(), p.strategy(), p.grid(), new BacktestParams.Costs(null, 2.0))))
        .isEmpty();
  }

  @Test
  void theExampleJsonParsesAndValidates() throws IOException {
    String json =
        """
        {"data": {"synthetic": {"symbols": ["AAA","BBB"], "bars": 100000, "seed": 42}},
         "strategy": "sma-crossover", "grid": {"fast": [5,10,20], "slow": [50,100]},
         "costs": {"commissionBps": 1.0, "slippageBps": 0.5}}
        """;
    BacktestParams parsed = ObjectMapper.getDefault().readValue(json, BacktestParams.class);
    assertThat(parsed).isEqualTo(example());
    assertThat(kind.validate(parsed)).isEmpty();
  }

  @Test
  void missingObjectsAreFieldErrorsNotExceptions() throws IOException {
    assertThat(fields(null)).containsExactly("params");
    assertThat(fields(new BacktestParams(null, null, null, null)))
        .containsExactly("data", "strategy", "grid");
    assertThat(
            fields(
                new BacktestParams(
                    new BacktestParams.Data(null, null),
                    "sma-crossover",
                    new BacktestParams.Grid(null, null),
                    new BacktestParams.Costs(null, null))))
        .containsExactly("data", "grid.fast", "grid.slow");
    assertThat(
            fields(
                new BacktestParams(
                    new BacktestParams.Data(new BacktestParams.Synthetic(null, null, null), null),
                    "sma-crossover",
                    new BacktestParams.Grid(Arrays.asList(5, null), List.of(50)),
                    null)))
        .containsExactly(
            "data.synthetic.symbols", "data.synthetic.bars", "data.synthetic.seed", "grid.fast[1]");

    // The same through JSON: empty objects and nulls parse, then validate.
    ObjectMapper json = ObjectMapper.getDefault();
    assertThat(fields(json.readValue("{}", BacktestParams.class)))
        .containsExactly("data", "strategy", "grid");
    // Without a known strategy the grid's parameters cannot be checked (they depend on it).
    assertThat(
            fields(
                json.readValue(
                    "{\"data\": {\"synthetic\": {}}, \"strategy\": null, \"grid\": {}}",
                    BacktestParams.class)))
        .containsExactly(
            "data.synthetic.symbols", "data.synthetic.bars", "data.synthetic.seed", "strategy");
    assertThat(
            fields(
                json.readValue(
                    "{\"data\": {\"synthetic\": {}}, \"strategy\": \"sma-crossover\","
                        + " \"grid\": {}}",
                    BacktestParams.class)))
        .containsExactly(
            "data.synthetic.symbols",
            "data.synthetic.bars",
            "data.synthetic.seed",
            "grid.fast",
            "grid.slow");
    assertThat(
            fields(
                json.readValue(
                    "{\"data\": {\"synthetic\": {\"symbols\": [null, \"A\"], \"bars\": 10,"
                        + " \"seed\": 1}}, \"strategy\": \"sma-crossover\","
                        + " \"grid\": {\"fast\": [null], \"slow\": [5]}}",
                    BacktestParams.class)))
        .containsExactly("data.synthetic.symbols[0]", "grid.fast[0]");
  }

  @Test
  void aBadRequestNamesEveryField() {
    BacktestParams bad =
        new BacktestParams(
            new BacktestParams.Data(
                new BacktestParams.Synthetic(
                    List.of("AAA", "BBB", " ", "AAA", "way-too-long-symbol-name", "a/b"), 100, 7L),
                null),
            "sma-crossover",
            new BacktestParams.Grid(List.of(0, 5, 5, 100), List.of(50, 99, 200)),
            new BacktestParams.Costs(-1.0, Double.NaN));
    List<FieldError> errors = kind.validate(bad);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactly(
            "data.synthetic.symbols[2]",
            "data.synthetic.symbols[3]",
            "data.synthetic.symbols[4]",
            "data.synthetic.symbols[5]",
            "grid.fast[0]",
            "grid.fast[2]",
            "grid.fast[3]",
            "grid.slow[2]",
            "costs.commissionBps",
            "costs.slippageBps");
    assertThat(errors.get(1).message()).isEqualTo("duplicate of data.synthetic.symbols[0]");
    assertThat(errors.get(6).message()).isEqualTo("must be in 1..bars-1 (1..99), got 100");
    // An unknown strategy is named with the supported ones.
    List<FieldError> unknown =
        kind.validate(new BacktestParams(bad.data(), "buy-and-hold", bad.grid(), null));
    assertThat(unknown).extracting(FieldError::field).contains("strategy");
    assertThat(
            unknown.stream()
                .filter(e -> e.field().equals("strategy"))
                .findFirst()
                .orElseThrow()
                .message())
        .contains("buy-and-hold")
        .contains("sma-crossover")
        .contains("momentum");
  }

  @Test
  void boundsOfCountsAndNumbers() {
    assertThat(
            fields(params(List.of(), 1, 1, List.of(), List.of(1), 1001, Double.POSITIVE_INFINITY)))
        .containsExactly(
            "data.synthetic.symbols",
            "data.synthetic.bars",
            "grid.fast",
            "costs.commissionBps",
            "costs.slippageBps");
    List<String> tooManySymbols = IntStream.range(0, 101).mapToObj(i -> "S" + i).toList();
    List<Integer> tooManyWindows = IntStream.rangeClosed(1, 51).boxed().toList();
    assertThat(fields(params(tooManySymbols, 2_000_001, 1, tooManyWindows, tooManyWindows, 0, 0)))
        .containsExactly("data.synthetic.symbols", "data.synthetic.bars", "grid.fast", "grid.slow");
    // Edges that are allowed.
    assertThat(fields(params(List.of("A.b_c-1"), 2, Long.MIN_VALUE, List.of(1), List.of(1), 0, 0)))
        .containsExactly("grid"); // bars 2 allows window 1 only, so no pair with fast < slow
    assertThat(fields(params(List.of("A"), 3, -1, List.of(1), List.of(2), 1000, 1000))).isEmpty();
  }

  @Test
  void noPairWithFastBelowSlow() {
    List<FieldError> errors =
        kind.validate(params(List.of("A"), 1000, 1, List.of(50, 60), List.of(10, 50), 0, 0));
    assertThat(errors).extracting(FieldError::field).containsExactly("grid");
    assertThat(errors.get(0).message()).contains("fast < slow");
  }

  @Test
  void unitAndWorkLimits() {
    List<String> symbols = IntStream.range(0, 100).mapToObj(i -> "S" + i).toList();
    List<Integer> fast = IntStream.rangeClosed(1, 50).boxed().toList();
    List<Integer> slow = IntStream.rangeClosed(51, 100).boxed().toList();
    // 100 symbols × 2,500 pairs = 250,000 units.
    List<FieldError> tooMany = kind.validate(params(symbols, 1000, 1, fast, slow, 0, 0));
    assertThat(tooMany).extracting(FieldError::field).containsExactly("params");
    assertThat(tooMany.get(0).message()).contains("250000").contains("100000");
    // 10 symbols × 2,500 pairs = 25,000 units × 100,000 bars = 2.5e9 unit-bars.
    List<FieldError> tooMuch =
        kind.validate(params(symbols.subList(0, 10), 100_000, 1, fast, slow, 0, 0));
    assertThat(tooMuch).extracting(FieldError::field).containsExactly("params");
    assertThat(tooMuch.get(0).message()).contains("work limit");
    // 8 symbols: 2.0e9 exactly is allowed.
    assertThat(kind.validate(params(symbols.subList(0, 8), 100_000, 1, fast, slow, 0, 0)))
        .isEmpty();
  }

  @Test
  void gridPointsAreDistinctPairsOrderedByFastThenSlow() {
    BacktestParams p = params(List.of("A", "B"), 500, 1, List.of(30, 5, 10), List.of(20, 8), 0, 0);
    assertThat(kind.validate(p)).isEmpty();
    // Pairs: (5,8) (5,20) (10,20); (30, *) and (10, 8) are skipped.
    BacktestResult result = dev.simrun.kinds.InMemoryRun.run(kind, p, 2);
    assertThat(result.units()).isEqualTo(6);
    assertThat(
            result.leaderboard().stream()
                .sorted(java.util.Comparator.comparingLong(BacktestUnitResult::unitIndex))
                .map(
                    r ->
                        r.unitIndex()
                            + ":"
                            + r.symbol()
                            + ":"
                            + r.params().fast()
                            + "/"
                            + r.params().slow())
                .toList())
        .containsExactly("0:A:5/8", "1:A:5/20", "2:A:10/20", "3:B:5/8", "4:B:5/20", "5:B:10/20");
  }

  @Test
  void aUnitCostsItsBarsAtTheStrategysSpeedAndAChunkPreparesItsSeries() {
    BacktestParams sma = params(List.of("A", "B"), 100_000, 1, List.of(5), List.of(50), 0, 0);
    UnitCost cost = kind.unitCost(sma);
    assertThat(cost.cpuNanos()).isEqualTo(100_000 * 4);
    assertThat(cost.waitNanos()).isZero();
    assertThat(cost.chunkSetupNanos()).isEqualTo(100_000 * 10);
    BacktestParams longer = params(List.of("A"), 1_000_000, 1, List.of(5), List.of(50), 0, 0);
    assertThat(kind.unitCost(longer).cpuNanos()).isEqualTo(10 * cost.cpuNanos());
  }
}
