package dev.simrun.api.identity;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Locale;

/**
 * Who is an operator ({@code simrun.identity.operators.*}): a signed-in caller whose verified token
 * carries {@code claim} with the value {@code operator} (a string, or a list holding it), or whose
 * owner id or verified email is on an allow-list. Operators see and resolve every owner's dead
 * letters (and run batches); everyone else only their own.
 *
 * <p>With Identity Platform the claim is a custom claim set by the Admin SDK (users cannot set it);
 * the allow-lists suit a team without one. {@code owners} are owner ids ({@code u-…}, what {@code
 * GET /api/v1/me} shows), so an entry names one subject of one issuer.
 */
@ConfigurationProperties("simrun.identity.operators")
public final class Operators {
  /** The role operators have. */
  public static final String ROLE = "operator";

  private String claim = "role";
  private List<String> emails = List.of();
  private List<String> owners = List.of();

  /** The claim that carries the role; blank: no claim makes an operator. */
  @Nullable
  public String getClaim() {
    return claim;
  }

  public void setClaim(@Nullable String claim) {
    this.claim = claim;
  }

  public List<String> getEmails() {
    return emails;
  }

  public void setEmails(List<String> emails) {
    this.emails =
        emails.stream()
            .map(e -> e.trim().toLowerCase(Locale.ROOT))
            .filter(e -> !e.isEmpty())
            .toList();
  }

  public List<String> getOwners() {
    return owners;
  }

  public void setOwners(List<String> owners) {
    this.owners = owners.stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
  }
}
