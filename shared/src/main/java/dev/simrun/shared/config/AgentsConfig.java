package dev.simrun.shared.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the endpoints kinds call (a forecast's {@code http} agents) may be ({@code
 * simrun.agents.*}). Both services read it: the api when it validates a submission, the worker on
 * every call. Give both the same value.
 *
 * @param allowedHosts hosts trusted as they are, e.g. {@code 127.0.0.1} for a model on the local
 *     stack: plain {@code http} is allowed to them and their addresses are not checked. Empty by
 *     default: every call is {@code https} to a host whose every address is public. Each entry is a
 *     host as a URL writes it (a name, {@code a.b.c.d} or {@code [v6]}), without scheme, port or
 *     path; comma-separated in {@code SIMRUN_AGENTS_ALLOWED_HOSTS}.
 */
@ConfigurationProperties("simrun.agents")
public record AgentsConfig(@Nullable List<String> allowedHosts) {

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]");

  public AgentsConfig {
    allowedHosts = allowedHosts == null ? List.of() : allowedHosts;
    for (String host : allowedHosts) {
      if (host == null || !HOST.matcher(host.trim()).matches()) {
        throw new IllegalArgumentException(
            "simrun.agents.allowed-hosts must list hosts (a name, a.b.c.d or [v6]) without"
                + " scheme, port or path, was '"
                + String.join(",", allowedHosts.stream().map(String::valueOf).toList())
                + "'");
      }
    }
    allowedHosts = allowedHosts.stream().map(String::trim).toList();
  }
}
