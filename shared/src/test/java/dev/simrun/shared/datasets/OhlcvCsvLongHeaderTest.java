package dev.simrun.shared.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simrun.kinds.FieldError;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A header line past {@link OhlcvCsv#MAX_LINE} is refused like any other long line, without being
 * quoted back: a 1 MB first line made a 1 MB refusal (found by the api's FuzzTest).
 */
class OhlcvCsvLongHeaderTest {

  private static OhlcvCsv.Parsed parse(String csv) {
    return OhlcvCsv.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 100);
  }

  @Test
  void aHeaderLongerThanALineMayBeIsRefusedWithoutQuotingIt() {
    OhlcvCsv.Parsed result = parse("x".repeat(1_000_000) + "\n1700000000,1,2,0.5,1.5,10\n");

    assertThat(result).isInstanceOf(OhlcvCsv.Invalid.class);
    FieldError error = ((OhlcvCsv.Invalid) result).errors().getFirst();
    assertThat(error.field()).isEqualTo("line 1");
    assertThat(error.message()).isEqualTo("longer than " + OhlcvCsv.MAX_LINE + " characters");
  }

  @Test
  void aWrongHeaderOfOrdinaryLengthIsStillQuoted() {
    OhlcvCsv.Parsed result = parse("time,open\n1700000000,1\n");

    assertThat(((OhlcvCsv.Invalid) result).errors().getFirst().message()).contains("time,open");
  }
}
