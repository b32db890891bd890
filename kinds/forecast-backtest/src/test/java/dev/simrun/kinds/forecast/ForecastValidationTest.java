package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.JSON;
import static dev.simrun.kinds.forecast.ForecastFixtures.agent;
import static dev.simrun.kinds.forecast.ForecastFixtures.builtIns;
import static dev.simrun.kinds.forecast.ForecastFixtures.synthetic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.FieldError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForecastValidationTest {

  private final ForecastBacktestKind kind = ForecastFixtures.kind();

  private List<String> fields(ForecastParams params) {
    return kind.validate(params).stream().map(FieldError::field).toList();
  }

  private static ForecastParams withAgents(ForecastParams.Agent... agents) {
    ForecastParams p = builtIns();
    return new ForecastParams(
        p.series(), p.start(), p.end(), p.history(), Arrays.asList(agents), p.ensemble());
  }

  private String message(ForecastParams params, String field) {
    return kind.validate(params).stream()
        .filter(e -> e.field().equals(field))
        .map(FieldError::message)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no error for " + field + ": " + kind.validate(params)));
  }

  @Test
  void aGoodRequestHasNoErrors() {
    assertThat(kind.validate(builtIns())).isEmpty();
  }

  @Test
  void missingPartsAreFieldErrorsNotExceptions() throws IOException {
    assertThat(fields(null)).containsExactly("params");
    assertThat(fields(JSON.readValue("{}", ForecastParams.class)))
        .containsExactly("series", "history", "start", "end", "agents");
    assertThat(
            fields(
                JSON.readValue(
                    """
                    {"series": {"synthetic": {}}, "start": 5, "end": 9, "history": 3,
                     "agents": [{}, null, {"type": "holt"}, {"type": "http"}],
                     "ensemble": {}}
                    """,
                    ForecastParams.class)))
        .containsExactly(
            "series.synthetic.days",
            "series.synthetic.seed",
            "ensemble.method",
            "agents[0].type",
            "agents[1]",
            "agents[2].alpha",
            "agents[2].beta",
            "agents[3].url");
  }

  @Test
  void aDatasetMustExist() throws IOException {
    ForecastParams p =
        JSON.readValue(
            """
            {"series": {"dataset": "prices-2024", "column": "close"},
             "start": 30, "end": 60, "history": 30, "agents": [{"type": "naive"}]}
            """,
            ForecastParams.class);
    assertThat(p.series().dataset()).isEqualTo("prices-2024");
    assertThat(p.series().column()).isEqualTo("close");
    assertThat(fields(p)).containsExactly("series.dataset");
    assertThat(message(p, "series.dataset")).isEqualTo("no dataset 'prices-2024'");

    ForecastParams both =
        new ForecastParams(
            new ForecastParams.Series(synthetic(100, 1).synthetic(), "x", null),
            30,
            60,
            30,
            List.of(ForecastParams.Agent.of("naive")),
            null);
    assertThat(fields(both)).containsExactly("series");
    ForecastParams columnAlone =
        new ForecastParams(
            new ForecastParams.Series(synthetic(100, 1).synthetic(), null, "close"),
            30,
            60,
            30,
            List.of(ForecastParams.Agent.of("naive")),
            null);
    assertThat(fields(columnAlone)).containsExactly("series.column");
  }

  @Test
  void theSeriesHasLimits() {
    ForecastParams.Synthetic bad =
        new ForecastParams.Synthetic(
            ForecastBacktestKind.MAX_DAYS + 1,
            1L,
            Double.NaN,
            1e10,
            new ForecastParams.Seasonality(1, -1.0),
            -0.5);
    ForecastParams p =
        new ForecastParams(
            new ForecastParams.Series(bad, null, null),
            30,
            60,
            30,
            List.of(ForecastParams.Agent.of("naive")),
            null);
    assertThat(fields(p))
        .containsExactly(
            "series.synthetic.days",
            "series.synthetic.level",
            "series.synthetic.trend",
            "series.synthetic.noise",
            "series.synthetic.seasonality.period",
            "series.synthetic.seasonality.amplitude");
  }

  @Test
  void theDaysMustFitTheSeriesAndTheHistory() {
    ForecastParams.Series series = synthetic(100, 1);
    List<ForecastParams.Agent> naive = List.of(ForecastParams.Agent.of("naive"));
    assertThat(fields(new ForecastParams(series, 28, 98, 30, naive, null)))
        .containsExactly("start");
    assertThat(message(new ForecastParams(series, 28, 98, 30, naive, null), "start"))
        .contains("history - 1 (29)");
    assertThat(fields(new ForecastParams(series, 29, 99, 30, naive, null))).containsExactly("end");
    assertThat(fields(new ForecastParams(series, 50, 40, 30, naive, null))).containsExactly("end");
    assertThat(fields(new ForecastParams(series, 29, 98, 1, naive, null)))
        .containsExactly("history");
    assertThat(
            fields(
                new ForecastParams(
                    series, 29, 98, ForecastBacktestKind.MAX_HISTORY + 1, naive, null)))
        .containsExactly("history");
    // The smallest valid run: one forecast day.
    assertThat(kind.validate(new ForecastParams(series, 29, 29, 30, naive, null))).isEmpty();
    assertThat(kind.unitCount(new ForecastParams(series, 29, 29, 30, naive, null))).isEqualTo(1);
  }

  @Test
  void eachAgentTypeChecksItsParameters() {
    ForecastParams p =
        withAgents(
            agent("seasonal-naive").period(29).build(), // history is 28
            agent("moving-average").window(0).build(),
            agent("holt").alpha(0.0).beta(1.5).build(),
            agent("ar").order(14).build(), // needs history >= 30
            agent("ar").name("ar2").order(21).build(),
            agent("naive").window(3).build(), // not a parameter of naive
            agent("oracle").build(),
            agent("naive").name("has space").latencyMs(-1).build());
    assertThat(fields(p))
        .containsExactly(
            "agents[0].period",
            "agents[1].window",
            "agents[2].alpha",
            "agents[2].beta",
            "agents[3].order",
            "agents[4].order",
            "agents[5].window",
            "agents[6].type",
            "agents[7].name",
            "agents[7].latencyMs");
    assertThat(message(p, "agents[5].window")).isEqualTo("not a parameter of type naive");
    assertThat(message(p, "agents[3].order")).contains("history >= 2 * order + 2 (30)");
  }

  @Test
  void agentNamesMustDiffer() {
    ForecastParams p =
        withAgents(
            ForecastParams.Agent.of("naive"),
            agent("moving-average").window(3).build(),
            ForecastParams.Agent.of("naive"),
            agent("moving-average").name("naive").window(5).build());
    assertThat(fields(p)).containsExactly("agents[2].name", "agents[3].name");
    assertThat(message(p, "agents[2].name")).contains("agents[0]");
  }

  @Test
  void theAgentListHasLimits() {
    assertThat(fields(withAgents())).containsExactly("agents");
    ForecastParams.Agent[] many = new ForecastParams.Agent[ForecastBacktestKind.MAX_AGENTS + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = agent("naive").name("n" + i).build();
    }
    assertThat(fields(withAgents(many))).containsExactly("agents");
  }

  @Test
  void httpAgentsNeedASafeHttpUrlAndBoundedWaits() {
    List<String> urls =
        List.of(
            "ftp://models.example.com/predict",
            "file:///etc/passwd",
            "not a url",
            "http:///no-host",
            "http://user:secret@models.example.com/",
            "http://169.254.169.254/computeMetadata/v1/",
            "http://metadata.google.internal/",
            "https://models.example.com/" + "x".repeat(ForecastBacktestKind.MAX_URL_LENGTH));
    List<ForecastParams.Agent> agents = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      agents.add(agent("http").name("h" + i).url(urls.get(i)).build());
    }
    ForecastParams p = withAgents(agents.toArray(ForecastParams.Agent[]::new));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < urls.size(); i++) {
      expected.add("agents[" + i + "].url");
    }
    assertThat(fields(p)).containsExactlyElementsOf(expected);

    ForecastParams limits =
        withAgents(
            agent("http")
                .url("https://models.example.com/predict")
                .timeoutMs(0)
                .retries(6)
                .backoffMs(10_001)
                .breaker(0, -1)
                .latencyMs(10_001)
                .build());
    assertThat(fields(limits))
        .containsExactly(
            "agents[0].latencyMs",
            "agents[0].timeoutMs",
            "agents[0].retries",
            "agents[0].backoffMs",
            "agents[0].breaker.failures",
            "agents[0].breaker.openMs");

    // Each value is allowed, but together one day could take over two minutes.
    ForecastParams tooSlow =
        withAgents(
            agent("http")
                .url("https://models.example.com/predict")
                .timeoutMs(30_000)
                .retries(3)
                .backoffMs(1_000)
                .build());
    assertThat(fields(tooSlow)).containsExactly("agents[0]");
    assertThat(message(tooSlow, "agents[0]")).contains("127000 ms");

    ForecastParams good =
        withAgents(agent("http").url("HTTPS://models.example.com:8443/v1/predict?x=1").build());
    assertThat(kind.validate(good)).isEmpty();
  }

  @Test
  void theEnsembleIsChecked() {
    ForecastParams p = builtIns();
    assertThat(fields(ensemble(p, "vote", null))).containsExactly("ensemble.method");
    assertThat(fields(ensemble(p, "mean", 5))).containsExactly("ensemble.window");
    assertThat(fields(ensemble(p, "inverse-error", 0))).containsExactly("ensemble.window");
    assertThat(fields(ensemble(p, "inverse-error", 101))).containsExactly("ensemble.window");
    assertThat(kind.validate(ensemble(p, "inverse-error", null))).isEmpty();
    assertThat(kind.validate(ensemble(p, "median", null))).isEmpty();
  }

  private static ForecastParams ensemble(ForecastParams p, String method, Integer window) {
    return new ForecastParams(
        p.series(),
        p.start(),
        p.end(),
        p.history(),
        p.agents(),
        new ForecastParams.Ensemble(method, window));
  }

  @Test
  void totalWorkAndWaitingAreBounded() {
    ForecastParams.Series series = synthetic(ForecastBacktestKind.MAX_DAYS, 1);
    List<ForecastParams.Agent> heavy =
        Collections.nCopies(1, agent("ar").order(20).build()).stream().toList();
    ForecastParams work =
        new ForecastParams(series, 1_999, ForecastBacktestKind.MAX_DAYS - 2, 2_000, heavy, null);
    assertThat(fields(work)).containsExactly("params");
    assertThat(message(work, "params")).startsWith("too much work");

    ForecastParams waiting =
        new ForecastParams(
            series,
            27,
            ForecastBacktestKind.MAX_DAYS - 2,
            28,
            List.of(agent("naive").latencyMs(2_000).build()),
            null);
    assertThat(fields(waiting)).containsExactly("agents");
    assertThat(message(waiting, "agents")).startsWith("too much waiting");
  }

  @Test
  void simulatedLatencyIsCappedPerCallAndBudgetedPerSimulation() {
    ForecastParams.Series series = synthetic(400, 1);
    ForecastParams overCap =
        new ForecastParams(
            series,
            27,
            30,
            28,
            List.of(agent("naive").latencyMs(ForecastBacktestKind.MAX_LATENCY_MS + 1).build()),
            null);
    assertThat(fields(overCap)).containsExactly("agents[0].latencyMs");
    assertThat(message(overCap, "agents[0].latencyMs")).contains("0..10000 ms");

    // 360 days × 5 agents × 1 s = 30 minutes: at the budget, allowed; one more day is over it.
    List<ForecastParams.Agent> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(agent("naive").name("n" + i).latencyMs(1_000).build());
    }
    ForecastParams atBudget = new ForecastParams(series, 27, 27 + 359, 28, five, null);
    assertThat(kind.validate(atBudget)).isEmpty();
    ForecastParams overBudget = new ForecastParams(series, 27, 27 + 360, 28, five, null);
    assertThat(fields(overBudget)).containsExactly("agents");
    assertThat(message(overBudget, "agents"))
        .startsWith("too much waiting: 361 days × 5000 ms")
        .contains("exceeds the limit of 1800000 ms per simulation");
  }

  @Test
  void theExamplesParseAndValidate() throws IOException {
    for (String name : List.of("forecast-backtest.json", "forecast-83-days-5-agents.json")) {
      Path path = Path.of("..", "..", "examples", name);
      Map<?, ?> body = JSON.readValue(Files.readAllBytes(path), Map.class);
      assertThat(body.get("kind")).as(name).isEqualTo("forecast-backtest");
      ForecastParams params =
          JSON.readValue(JSON.writeValueAsBytes(body.get("params")), ForecastParams.class);
      assertThat(kind.validate(params)).as(name).isEmpty();
    }
    Map<?, ?> big =
        JSON.readValue(
            Files.readAllBytes(Path.of("..", "..", "examples", "forecast-83-days-5-agents.json")),
            Map.class);
    ForecastParams params =
        JSON.readValue(JSON.writeValueAsBytes(big.get("params")), ForecastParams.class);
    assertThat(kind.unitCount(params)).isEqualTo(83);
    assertThat(params.agents())
        .hasSize(5)
        .allSatisfy(a -> assertThat(a.latencyMs()).isEqualTo(2_500));
    // No chunking hint: the planner spreads the days over the I/O slots, one per chunk (shared's
    // ChunkSizingTest plans this example).
    assertThat(big.get("chunking")).isNull();
  }
}
