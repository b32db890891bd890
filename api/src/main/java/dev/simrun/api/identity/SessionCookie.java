package dev.simrun.api.identity;

import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.security.token.cookie.AccessTokenCookieConfiguration;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The browser session: the caller's ID token itself, in an {@code HttpOnly}, {@code Secure}, {@code
 * SameSite=Strict} cookie that Micronaut Security reads like the {@code Authorization} header
 * (decision 0027). It lives no longer than the token; the console renews it by posting a fresh
 * token. Script cannot read it, no other site's request carries it, and the browser sends it with
 * {@code EventSource} and download links, so no token ever goes in a URL.
 */
@Singleton
public class SessionCookie {
  private final AccessTokenCookieConfiguration config;

  SessionCookie(AccessTokenCookieConfiguration config) {
    this.config = config;
  }

  /** The cookie's name ({@code micronaut.security.token.cookie.cookie-name}). */
  public String name() {
    return config.getCookieName();
  }

  /** The cookie that carries {@code idToken} for {@code lifetime}. */
  Cookie holding(String idToken, Duration lifetime) {
    return base(idToken).maxAge(lifetime);
  }

  /** The cookie that makes the browser forget the session. */
  Cookie cleared() {
    return base("").maxAge(0);
  }

  private Cookie base(String value) {
    return Cookie.of(name(), value)
        .path(config.getCookiePath().orElse("/"))
        .httpOnly(true)
        .secure(true)
        .sameSite(SameSite.Strict);
  }
}
