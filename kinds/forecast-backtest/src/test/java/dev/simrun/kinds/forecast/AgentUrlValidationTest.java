package dev.simrun.kinds.forecast;

import static dev.simrun.kinds.forecast.ForecastFixtures.agent;
import static dev.simrun.kinds.forecast.ForecastFixtures.builtIns;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.Egress;
import dev.simrun.kinds.Endpoints;
import dev.simrun.kinds.FieldError;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * At submit an {@code http} agent's URL is refused when it points inside, in whichever spelling,
 * with the error on the URL's field: each bypass of the old deny-list is one case here.
 */
class AgentUrlValidationTest {

  /** A platform that allows its own test model on loopback, and nothing else beyond the rules. */
  private static final Endpoints PLATFORM =
      new Endpoints() {
        @Override
        public Egress egress() {
          return Egress.allowing(List.of("127.0.0.1", "models.local.test"));
        }

        @Override
        public Outcome postJson(URI url, byte[] json, Duration timeout, int maxBodyBytes) {
          throw new AssertionError("validation calls nothing");
        }
      };

  private final ForecastBacktestKind kind = ForecastFixtures.kind(Clock.systemUTC(), PLATFORM);

  private List<FieldError> validate(String url) {
    ForecastParams p = builtIns();
    List<ForecastParams.Agent> agents = new java.util.ArrayList<>(p.agents());
    agents.add(agent("http").name("model").url(url).build());
    return kind.validate(
        new ForecastParams(p.series(), p.start(), p.end(), p.history(), agents, p.ensemble()));
  }

  private void assertRefused(String url, String why) {
    assertThat(validate(url))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("agents[5].url");
              assertThat(e.message()).contains(why);
            });
  }

  private static final String INSIDE = "must not point inside";

  @Test
  void theMetadataServerWithATrailingDot() {
    assertRefused("https://metadata.google.internal./computeMetadata/v1/", "fully qualified");
    assertRefused("https://metadata.google.internal/computeMetadata/v1/", "fully qualified");
    assertRefused("https://metadata./computeMetadata/v1/", "fully qualified");
  }

  @Test
  void theMetadataAddressAsAnIpv4MappedIpv6Address() {
    assertRefused("https://[::ffff:169.254.169.254]/", INSIDE);
    assertRefused("https://[::ffff:a9fe:a9fe]/", INSIDE);
    assertRefused("https://[::169.254.169.254]/", INSIDE); // IPv4-compatible
    assertRefused("https://[64:ff9b::a9fe:a9fe]/", INSIDE); // NAT64
    assertRefused("https://[2002:a9fe:a9fe::1]/", INSIDE); // 6to4
  }

  @Test
  void theMetadataAddressAsOneDecimalNumber() {
    assertRefused("http://2852039166/", "https");
    assertRefused("https://2852039166/", INSIDE);
  }

  @Test
  void octalAndHexSpellings() {
    assertRefused("https://0177.0.0.1/", INSIDE);
    assertRefused("https://0xa9fea9fe/", INSIDE);
    // The JDK's URI does not take these as hosts at all.
    assertRefused("https://0251.0376.0251.0376/", "needs a host");
    assertRefused("https://0x7f.1/", "needs a host");
    assertRefused("https://127.1/", "needs a host");
    // A public address spelled strangely is refused too: there is one way to write one.
    assertRefused("https://134744072/", "a.b.c.d");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.2/",
        "https://[::1]/",
        "https://[0:0:0:0:0:0:0:1]:8443/",
        "https://0.0.0.0/"
      })
  void loopback(String url) {
    assertRefused(url, INSIDE);
  }

  @Test
  void loopbackNames() {
    assertRefused("https://localhost/", "fully qualified");
    assertRefused("https://localhost./", "fully qualified");
    assertRefused("https://api.localhost/", "fully qualified");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://10.0.0.1/",
        "https://172.16.5.4/",
        "https://172.31.255.255/",
        "https://192.168.1.1/",
        "https://100.64.0.1/",
        "https://169.254.169.254/",
        "https://169.254.1.1/",
        "https://[fe80::1]/",
        "https://[fc00::1]/",
        "https://[fd00:ec2::254]/",
        "https://224.0.0.1/",
        "https://[ff02::1]/",
        "https://255.255.255.255/",
        "https://240.0.0.1/"
      })
  void privateLinkLocalUniqueLocalMulticastAndReservedAddresses(String url) {
    assertRefused(url, INSIDE);
  }

  @Test
  void credentialsBeforeTheHost() {
    assertRefused("https://good@169.254.169.254/", "credentials");
    assertRefused("https://models.example.com@169.254.169.254/", "credentials");
  }

  @Test
  void plainHttpOnlyToAllowedHosts() {
    assertRefused("http://models.example.com/predict", "https");
    assertRefused("http://127.0.0.2:9000/predict", "https");
    assertRefused("ftp://models.example.com/predict", "https://");
    assertThat(validate("http://127.0.0.1:9000/predict")).isEmpty();
    assertThat(validate("http://models.local.test./predict")).isEmpty();
    assertThat(validate("https://MODELS.LOCAL.TEST/predict")).isEmpty();
  }

  @Test
  void publicHttpsUrlsPass() {
    assertThat(validate("https://models.example.com/v1/predict?x=1")).isEmpty();
    assertThat(validate("https://8.8.8.8/predict")).isEmpty();
    assertThat(validate("https://[2001:4860:4860::8888]/predict")).isEmpty();
  }

  @Test
  void withoutAnAllowListEvenLoopbackHttpIsRefused() {
    ForecastBacktestKind strict = ForecastFixtures.kind();
    ForecastParams p =
        ForecastFixtures.params(
            ForecastFixtures.synthetic(40, 1),
            28,
            33,
            28,
            List.of(agent("http").url("http://127.0.0.1:9000/predict").build()),
            null);
    assertThat(strict.validate(p)).extracting(FieldError::field).containsExactly("agents[0].url");
  }
}
