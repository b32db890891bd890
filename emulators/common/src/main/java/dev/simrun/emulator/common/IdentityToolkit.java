package dev.simrun.emulator.common;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The part of Google's Identity Toolkit REST API that the console's email and password sign-in
 * uses, on the paths Firebase's Auth emulator serves it ({@code
 * /identitytoolkit.googleapis.com/v1/accounts:<method>?key=…}): {@code signUp}, {@code
 * signInWithPassword} and {@code sendOobCode} (a password reset, which sends nothing). Accounts
 * live in memory, their passwords hashed (PBKDF2); the ID tokens are the development issuer's, for
 * the local project, as {@code POST /dev/sign-in} mints them, with {@code sub} the account's stable
 * id. Errors have Google's shape, {@code {"error": {"code": 400, "message":
 * "INVALID_LOGIN_CREDENTIALS", "errors": [...]}}}, and a wrong password or an unknown email both
 * answer {@code INVALID_LOGIN_CREDENTIALS}, as Identity Platform does with email enumeration
 * protection (the default for new projects). Browsers call it from the console's origin, so every
 * answer allows that origin (CORS), preflight included.
 */
public final class IdentityToolkit {
  /** Where the API is, under the emulator's base URL: the toolkit URL the api is given. */
  public static final String PREFIX = "/identitytoolkit.googleapis.com";

  private static final String ACCOUNTS = PREFIX + "/v1/accounts:";
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
  private static final int ITERATIONS = 20_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OidcIssuer oidc;
  private final Map<String, Account> accounts = new ConcurrentHashMap<>();

  private record Account(String localId, String email, byte[] salt, byte[] hash) {}

  /** An HTTP answer: status, JSON body (empty for a preflight) and headers. */
  public record Answer(int status, String json, Map<String, String> headers) {}

  public IdentityToolkit(OidcIssuer oidc) {
    this.oidc = oidc;
  }

  /** Whether this path is the toolkit's (the emulator's own routes answer the rest). */
  public static boolean handles(String path) {
    return path.startsWith(PREFIX + "/");
  }

  /**
   * Answers one request.
   *
   * @param origin the request's {@code Origin} header, or null: allowed back (CORS)
   * @param key the {@code key} query parameter, or null
   */
  public Answer answer(String method, String path, String key, String origin, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (origin != null && !origin.isBlank()) {
      headers.put("Access-Control-Allow-Origin", origin);
      headers.put("Vary", "Origin");
    }
    if (method.equals("OPTIONS")) {
      headers.put("Access-Control-Allow-Methods", "POST, OPTIONS");
      headers.put("Access-Control-Allow-Headers", "Content-Type");
      headers.put("Access-Control-Max-Age", "600");
      return new Answer(204, "", headers);
    }
    String json;
    int status = 200;
    try {
      json = route(method, path, key, body);
    } catch (Refusal r) {
      status = r.status;
      json = r.json();
    }
    headers.put("Content-Type", "application/json; charset=UTF-8");
    return new Answer(status, json, headers);
  }

  private String route(String method, String path, String key, String body) throws Refusal {
    if (!path.startsWith(ACCOUNTS) || !method.equals("POST")) {
      throw new Refusal(404, "NOT_FOUND", "No such method: " + method + " " + path);
    }
    if (key == null || key.isBlank()) {
      throw new Refusal(
          403,
          "PERMISSION_DENIED",
          "Method doesn't allow unregistered callers (callers without established identity)."
              + " Please use API Key or other form of API consumer identity to call this API.");
    }
    Map<String, Object> request;
    try {
      request = JSONObjectUtils.parse(body.isBlank() ? "{}" : body);
    } catch (ParseException e) {
      throw new Refusal(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    return switch (path.substring(ACCOUNTS.length())) {
      case "signUp" -> signUp(request);
      case "signInWithPassword" -> signIn(request);
      case "sendOobCode" -> sendOobCode(request);
      default -> throw new Refusal(404, "NOT_FOUND", "No such method: " + method + " " + path);
    };
  }

  private String signUp(Map<String, Object> request) throws Refusal {
    String email = email(request);
    String password = text(request, "password");
    if (password == null || password.isEmpty()) {
      throw Refusal.invalid("MISSING_PASSWORD");
    }
    if (password.length() < 6) {
      throw Refusal.invalid("WEAK_PASSWORD : Password should be at least 6 characters");
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    Account account = new Account(id(), email, salt, hash(password, salt));
    if (accounts.putIfAbsent(email, account) != null) {
      throw Refusal.invalid("EMAIL_EXISTS");
    }
    Map<String, Object> answer = signedIn(account, "identitytoolkit#SignupNewUserResponse");
    return JSONObjectUtils.toJSONString(answer);
  }

  private String signIn(Map<String, Object> request) throws Refusal {
    String email = email(request);
    String password = text(request, "password");
    if (password == null || password.isEmpty()) {
      throw Refusal.invalid("MISSING_PASSWORD");
    }
    Account account = accounts.get(email);
    if (account == null || !MessageDigest.isEqual(account.hash, hash(password, account.salt))) {
      throw Refusal.invalid("INVALID_LOGIN_CREDENTIALS");
    }
    Map<String, Object> answer = signedIn(account, "identitytoolkit#VerifyPasswordResponse");
    answer.put("displayName", "");
    answer.put("registered", true);
    return JSONObjectUtils.toJSONString(answer);
  }

  /** A password reset: known or not, the address gets the same answer, and no email is sent. */
  private String sendOobCode(Map<String, Object> request) throws Refusal {
    if (!"PASSWORD_RESET".equals(text(request, "requestType"))) {
      throw Refusal.invalid("INVALID_REQ_TYPE : Only PASSWORD_RESET is emulated");
    }
    String email = email(request);
    return JSONObjectUtils.toJSONString(
        Map.of("kind", "identitytoolkit#GetOobConfirmationCodeResponse", "email", email));
  }

  private Map<String, Object> signedIn(Account account, String kind) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("kind", kind);
    answer.put("localId", account.localId);
    answer.put("email", account.email);
    answer.put("idToken", oidc.accountToken(account.localId, account.email, false));
    // Opaque: the emulator has no token refresh endpoint; a session ends with its ID token.
    answer.put("refreshToken", id() + id());
    answer.put("expiresIn", Long.toString(OidcIssuer.lifetime().toSeconds()));
    return answer;
  }

  private static String email(Map<String, Object> request) throws Refusal {
    String email = text(request, "email");
    if (email == null || email.isBlank()) {
      throw Refusal.invalid("MISSING_EMAIL");
    }
    email = email.strip().toLowerCase(Locale.ROOT);
    if (email.length() >= 256 || !EMAIL.matcher(email).matches()) {
      throw Refusal.invalid("INVALID_EMAIL");
    }
    return email;
  }

  private static String text(Map<String, Object> request, String field) throws Refusal {
    Object v = request.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new Refusal(
          400,
          "INVALID_ARGUMENT",
          "Invalid value at '"
              + field
              + "' (TYPE_STRING), "
              + JSONObjectUtils.toJSONString(Map.of("value", v)));
    }
    return s;
  }

  /** 28 characters of base64url, like Identity Platform's user ids. */
  private static String id() {
    byte[] bytes = new byte[21];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] hash(String password, byte[] salt) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a password", e);
    }
  }

  /** A refusal in Google's error shape. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String grpcStatus;

    Refusal(int status, String grpcStatus, String message) {
      super(message, null, false, false);
      this.status = status;
      this.grpcStatus = grpcStatus;
    }

    /** What the toolkit answers bad sign-in input with: 400 and the code as the message. */
    static Refusal invalid(String code) {
      return new Refusal(400, null, code);
    }

    String json() {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", status);
      error.put("message", getMessage());
      error.put(
          "errors",
          List.of(Map.of("message", getMessage(), "domain", "global", "reason", "invalid")));
      if (grpcStatus != null) {
        error.put("status", grpcStatus);
      }
      return JSONObjectUtils.toJSONString(Map.of("error", error));
    }
  }
}
