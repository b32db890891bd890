package dev.simrun.shared.config;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.Qualifier;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.exceptions.BeanContextException;
import io.micronaut.core.naming.NameUtils;
import io.micronaut.core.value.PropertyResolver;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration check a service runs as it starts (decision 0016): it binds and validates each
 * configuration bean it uses, checks the settings that only make sense together, and creates the
 * beans that answer requests. Whatever fails becomes an {@link InvalidConfigurationException} whose
 * one-line message names the setting, rather than Micronaut's nested bean exceptions.
 *
 * <p>Micronaut quietly falls back to a setting's default when its value cannot be converted ({@code
 * SIMRUN_WORKER_LEASE=5 min} binds the default 5m); the check refuses such values too.
 */
public final class ConfigurationCheck {
  private static final String VALIDATION_FAILED = "Validation failed for bean definition [";
  private static final Pattern VIOLATION = Pattern.compile("(?m)^\\t(\\S+) - (.+)$");
  private static final Pattern MISSING_PROPERTY =
      Pattern.compile("Error resolving property value \\[([^\\]]+)\\]");
  private static final Pattern SETTING = Pattern.compile("simrun(?:\\.[a-z0-9-]+)+");
  private static final Pattern PROPERTY_NAME = Pattern.compile("^[A-Za-z0-9_]+");

  private final ApplicationContext context;
  private final UnaryOperator<String> environment;

  /** A check reading environment variables from the process, to say which one set a setting. */
  public ConfigurationCheck(ApplicationContext context) {
    this(context, System::getenv);
  }

  /** A check reading environment variables from {@code environment} (for tests: a fixed one). */
  public ConfigurationCheck(ApplicationContext context, UnaryOperator<String> environment) {
    this.context = context;
    this.environment = environment;
  }

  /** Binds each configuration bean in turn; the first that cannot be bound ends the check. */
  public void bind(Collection<Class<?>> types) {
    types.forEach(this::bind);
  }

  /**
   * The configuration bean of this type, bound and validated now.
   *
   * @throws InvalidConfigurationException naming the setting that is wrong
   */
  public <T> T bind(Class<T> type) {
    String prefix = prefix(type);
    readable(type, prefix);
    try {
      return context.getBean(type);
    } catch (RuntimeException e) {
      throw explain(e, context, environment)
          .orElseGet(() -> invalid(prefix + ".*: " + firstLine(root(e)), e, environment));
    }
  }

  /**
   * A rule over settings that only make sense together.
   *
   * @param detail names the settings and their values, e.g. {@code simrun.worker.hard-time-limit
   *     must be shorter than simrun.tasks.dispatch-deadline, were 11m and 10m}
   */
  public void require(boolean holds, String detail) {
    if (!holds) {
      throw invalid(detail, null, environment);
    }
  }

  /**
   * Creates every bean the qualifier selects (controllers, filters), so that a bean that cannot be
   * built with this configuration stops the start instead of failing every request it would serve.
   */
  public void create(Qualifier<Object> beans) {
    try {
      context.getBeansOfType(Object.class, beans);
    } catch (RuntimeException e) {
      throw explain(e, context, environment).orElseThrow(() -> e);
    }
  }

  /**
   * The configuration problem behind a failed start, if there is one: an {@link
   * InvalidConfigurationException} anywhere in the causes, or a configuration record (a class
   * annotated {@link ConfigurationProperties}) that its compact constructor, its constraints or a
   * missing property refused.
   */
  public static Optional<InvalidConfigurationException> explain(
      Throwable failure, PropertyResolver properties) {
    return explain(failure, properties, System::getenv);
  }

  static Optional<InvalidConfigurationException> explain(
      Throwable failure, PropertyResolver properties, UnaryOperator<String> environment) {
    List<Throwable> chain = causes(failure);
    for (Throwable t : chain) {
      if (t instanceof InvalidConfigurationException invalid) {
        return Optional.of(invalid);
      }
    }
    for (Throwable t : chain) {
      String message = String.valueOf(t.getMessage());
      int at = message.indexOf(VALIDATION_FAILED);
      if (at >= 0) {
        int from = at + VALIDATION_FAILED.length();
        int end = message.indexOf(']', from);
        Optional<Class<?>> type =
            end < 0 ? Optional.empty() : configurationType(message.substring(from, end));
        if (type.isPresent()) {
          String detail = violations(type.get(), message.substring(from), properties);
          if (!detail.isEmpty()) {
            return Optional.of(invalid(detail, failure, environment));
          }
        }
      }
    }
    for (Throwable t : chain) {
      Optional<Class<?>> type = thrownByConfiguration(t);
      if (type.isPresent()) {
        String message = firstLine(t);
        String detail =
            SETTING.matcher(message).find() ? message : prefix(type.get()) + ".*: " + message;
        return Optional.of(invalid(detail, failure, environment));
      }
    }
    for (Throwable t : chain) {
      Matcher missing = MISSING_PROPERTY.matcher(String.valueOf(t.getMessage()));
      if (missing.find()) {
        return Optional.of(invalid(missing.group(1) + " is not set", failure, environment));
      }
    }
    return Optional.empty();
  }

  /** Refuses a value Micronaut would not convert and would silently replace with the default. */
  private void readable(Class<?> type, String prefix) {
    if (!type.isRecord()) {
      return;
    }
    for (RecordComponent component : type.getRecordComponents()) {
      Class<?> target = boxed(component.getType());
      if (target == String.class || Collection.class.isAssignableFrom(target)) {
        continue;
      }
      String setting = prefix + "." + NameUtils.hyphenate(component.getName());
      Optional<String> raw = context.getProperty(setting, String.class);
      if (raw.isEmpty() || raw.get().isBlank()) {
        continue;
      }
      boolean readable =
          target == Boolean.class
              ? raw.get().equalsIgnoreCase("true") || raw.get().equalsIgnoreCase("false")
              : context.getProperty(setting, target).isPresent();
      if (!readable) {
        throw invalid(
            setting + " must be " + expected(target) + ", was " + quoted(raw.get()),
            null,
            environment);
      }
    }
  }

  private static String expected(Class<?> type) {
    if (type == Duration.class) {
      return "a duration such as 500ms, 30s or 5m";
    }
    if (type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type == URI.class) {
      return "a URI";
    }
    return "a " + type.getSimpleName();
  }

  /** Micronaut's list of violations, each as {@code <setting> <message>, was <value>}. */
  private static String violations(Class<?> type, String message, PropertyResolver properties) {
    String prefix = prefix(type);
    Set<String> parts = new LinkedHashSet<>();
    int end = message.indexOf("\n]");
    Matcher m = VIOLATION.matcher(end < 0 ? message : message.substring(0, end));
    while (m.find()) {
      String path = m.group(1);
      if (path.startsWith(type.getName() + ".")) {
        path = path.substring(type.getName().length() + 1);
      }
      Matcher name = PROPERTY_NAME.matcher(path);
      String setting = prefix + "." + NameUtils.hyphenate(name.find() ? name.group() : path);
      Optional<String> value = properties.getProperty(setting, String.class);
      parts.add(
          setting
              + " "
              + m.group(2).strip()
              + (value.isPresent() ? ", was " + quoted(value.get()) : ", and it is not set"));
    }
    return String.join("; ", parts);
  }

  /** The configuration record whose constructor threw this, if one did. */
  private static Optional<Class<?>> thrownByConfiguration(Throwable t) {
    if (t instanceof BeanContextException) {
      return Optional.empty();
    }
    for (StackTraceElement frame : t.getStackTrace()) {
      if (frame.getMethodName().equals("<init>")
          && frame.getClassName().startsWith("dev.simrun.")) {
        Optional<Class<?>> type = configurationType(frame.getClassName());
        if (type.isPresent()) {
          return type;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Class<?>> configurationType(String name) {
    try {
      Class<?> type = Class.forName(name, false, ConfigurationCheck.class.getClassLoader());
      return type.isAnnotationPresent(ConfigurationProperties.class)
          ? Optional.of(type)
          : Optional.empty();
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
  }

  static String prefix(Class<?> type) {
    ConfigurationProperties properties = type.getAnnotation(ConfigurationProperties.class);
    if (properties == null) {
      throw new IllegalArgumentException(type.getName() + " is not a configuration bean");
    }
    return properties.value();
  }

  /**
   * The exception with its detail, and the environment variables that set the settings it names: an
   * operator reads which variable to change.
   */
  static InvalidConfigurationException invalid(
      String detail, Throwable cause, UnaryOperator<String> environment) {
    List<String> variables = new ArrayList<>();
    Matcher m = SETTING.matcher(detail);
    while (m.find()) {
      String variable = m.group().toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
      if (environment.apply(variable) != null && !variables.contains(variable)) {
        variables.add(variable);
      }
    }
    String line =
        (variables.isEmpty() ? detail : detail + " (set by " + String.join(", ", variables) + ")")
            .replaceAll("\\s*\\R\\s*", " ");
    InvalidConfigurationException e = new InvalidConfigurationException(line);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private static String quoted(String value) {
    boolean plain = !value.isEmpty() && value.strip().equals(value) && !value.contains(" ");
    return plain ? value : "'" + value + "'";
  }

  private static List<Throwable> causes(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static Throwable root(Throwable failure) {
    List<Throwable> chain = causes(failure);
    return chain.get(chain.size() - 1);
  }

  private static String firstLine(Throwable t) {
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  private static Class<?> boxed(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    return switch (type.getName()) {
      case "int" -> Integer.class;
      case "long" -> Long.class;
      case "boolean" -> Boolean.class;
      case "double" -> Double.class;
      default -> type;
    };
  }
}
