package dev.simrun.api.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The console's email and password sign-in with Identity Platform ({@code simrun.identity.web.*};
 * decision 0032): the page posts the person's email and password to the Identity Toolkit REST API
 * with the project's web API key and turns the ID token it gets into the session cookie ({@code
 * POST /api/v1/session}). Off while no key is set.
 *
 * <p>The web API key of a Firebase / Identity Platform web app is public by design: it only names
 * the project to Google's API, every browser that loads the page reads it, and it grants nothing a
 * person could not do with the sign-in form itself. What protects accounts are their passwords and
 * the project's own settings (authorised domains, the key's API and referrer restrictions).
 *
 * @param apiKey the web API key of the Identity Platform project ({@code
 *     SIMRUN_IDENTITY_WEB_API_KEY}); blank: no password sign-in
 * @param toolkitUrl where the Identity Toolkit API is ({@code SIMRUN_IDENTITY_WEB_TOOLKIT_URL},
 *     default {@code https://identitytoolkit.googleapis.com}); locally, the development issuer's
 *     stand-in, {@code http://127.0.0.1:8123/identitytoolkit.googleapis.com}. The page calls {@code
 *     <toolkitUrl>/v1/accounts:signInWithPassword}, and the console's Content-Security-Policy lets
 *     it connect to this URL's origin and no other
 */
@ConfigurationProperties("simrun.identity.web")
public record PasswordSignIn(
    @Nullable String apiKey,
    @Bindable(defaultValue = PasswordSignIn.GOOGLE) @Nullable String toolkitUrl) {

  /** Google's Identity Toolkit API. */
  public static final String GOOGLE = "https://identitytoolkit.googleapis.com";

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,200}");

  public PasswordSignIn {
    apiKey = apiKey == null ? "" : apiKey.strip();
    if (!apiKey.isEmpty() && !KEY.matcher(apiKey).matches()) {
      throw new IllegalArgumentException(
          "simrun.identity.web.api-key must be a web API key, letters, digits, - and _ only;"
              + " the value set has "
              + apiKey.length()
              + " characters");
    }
    toolkitUrl = toolkitUrl == null || toolkitUrl.isBlank() ? GOOGLE : toolkitUrl.strip();
    while (toolkitUrl.endsWith("/")) {
      toolkitUrl = toolkitUrl.substring(0, toolkitUrl.length() - 1);
    }
    if (origin(toolkitUrl).isEmpty()) {
      throw new IllegalArgumentException(
          "simrun.identity.web.toolkit-url must be an http or https URL without a query or"
              + " fragment, such as "
              + GOOGLE
              + ", was "
              + toolkitUrl);
    }
  }

  /** Whether the console offers email and password sign-in: a key is set. */
  public boolean enabled() {
    return !apiKey.isEmpty();
  }

  /** The toolkit's origin, {@code scheme://host[:port]}: what the page may connect to. */
  public String toolkitOrigin() {
    return origin(toolkitUrl).orElseThrow();
  }

  private static Optional<String> origin(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (!("https".equals(scheme) || "http".equals(scheme))
          || uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        return Optional.empty();
      }
      return Optional.of(scheme + "://" + uri.getRawAuthority());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
