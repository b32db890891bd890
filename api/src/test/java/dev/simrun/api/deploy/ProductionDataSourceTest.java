package dev.simrun.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.sql.AuthType;
import com.google.cloud.sql.IpType;
import com.google.cloud.sql.core.CloudSqlInstanceName;
import com.google.cloud.sql.core.ConnectionConfig;
import com.google.cloud.sql.v1beta4.CloudSqlConnectProto;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import io.micronaut.core.naming.conventions.StringConvention;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.Driver;
import org.postgresql.core.SocketFactoryFactory;

/**
 * The production database connection, proven without Cloud SQL: the JDBC URL {@code infra/main.tf}
 * builds is rendered from its local, given to a service as Terraform gives it ({@code
 * DATABASE_URL}, {@code DATABASE_USER}, {@code DATABASE_PASSWORD}), resolved through the service's
 * {@code application.yml} as Micronaut resolves it, and handed to the PostgreSQL driver the way the
 * pool does. The socket factory the URL names must be on the classpath, be a {@link
 * javax.net.SocketFactory} the driver can build, and accept the properties the URL sets: the Cloud
 * SQL connector's own parser reads the instance (project:region:instance), the IP type (the
 * instance has a public IP only) and password authentication (the built-in user; no IAM database
 * login).
 */
class ProductionDataSourceTest {
  static final String PROJECT = "my-project";

  /** The value of {@code local.<name>} in main.tf, rendered with the variables' defaults. */
  static String render(Terraform tf, String expression) {
    String template = expression.strip();
    if (template.startsWith("\"") && template.endsWith("\"")) {
      template = template.substring(1, template.length() - 1);
    } else {
      return value(tf, template);
    }
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(value(tf, m.group(1).strip())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String value(Terraform tf, String reference) {
    if (reference.equals("var.project_id")) {
      return PROJECT;
    }
    if (reference.startsWith("var.")) {
      String value = TerraformConfigurationTest.variableDefault(tf, reference.substring(4));
      assertThat(value).as("the default of %s", reference).isNotNull();
      return value;
    }
    if (reference.startsWith("local.")) {
      String local = tf.locals().get(reference.substring(6));
      assertThat(local).as(reference).isNotNull();
      return render(tf, local);
    }
    if (reference.equals("google_sql_database_instance.main.connection_name")) {
      // Cloud SQL's connection name: project:region:instance.
      String instance = tf.block("resource \"google_sql_database_instance\" \"main\"");
      Matcher name = Pattern.compile("(?m)^\\s*name\\s*=\\s*(\"[^\"]*\")").matcher(instance);
      assertThat(name.find()).as("the instance's name").isTrue();
      return PROJECT + ":" + value(tf, "var.region") + ":" + render(tf, name.group(1));
    }
    if (reference.equals("google_sql_user.simrun.name")) {
      String user = tf.block("resource \"google_sql_user\" \"simrun\"");
      Matcher name = Pattern.compile("(?m)^\\s*name\\s*=\\s*(\\S+)").matcher(user);
      assertThat(name.find()).as("the user's name").isTrue();
      return render(tf, name.group(1));
    }
    throw new AssertionError("cannot render " + reference + " offline");
  }

  /** DATABASE_* as infra/cloud_run.tf sets them for every service. */
  static Map<String, Object> databaseEnvironment(Terraform tf) {
    String common = tf.locals().get("common_env");
    Matcher url = Pattern.compile("DATABASE_URL\\s*=\\s*(\\S+)").matcher(common);
    Matcher user = Pattern.compile("DATABASE_USER\\s*=\\s*(\\S+)").matcher(common);
    assertThat(url.find()).as("DATABASE_URL in local.common_env").isTrue();
    assertThat(user.find()).as("DATABASE_USER in local.common_env").isTrue();
    return Map.of(
        "DATABASE_URL", value(tf, url.group(1)),
        "DATABASE_USER", value(tf, user.group(1)),
        // From Secret Manager (cloud_run.tf's value_source); any value does here.
        "DATABASE_PASSWORD", "from-secret-manager");
  }

  /** What the driver gets: the URL's parameters over the data source's properties and login. */
  static Properties driverProperties(String service, Map<String, Object> env) throws Exception {
    String yml = TerraformConfigurationTest.read(service + "/src/main/resources/application.yml");
    Map<String, Object> application =
        new YamlPropertySourceLoader()
            .read("application", new ByteArrayInputStream(yml.getBytes(StandardCharsets.UTF_8)));
    PropertySourcePropertyResolver resolver =
        new PropertySourcePropertyResolver(
            PropertySource.of("application", application),
            PropertySource.of(
                "env",
                env,
                PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE,
                PropertySource.Origin.of("environment variables")));
    String url = resolver.getRequiredProperty("datasources.default.url", String.class);
    Properties info = new Properties();
    // As micronaut-jdbc-hikari binds them: keys as written (socketTimeout), not hyphenated.
    resolver
        .getProperties("datasources.default.data-source-properties", StringConvention.RAW)
        .forEach((k, v) -> info.setProperty(k, String.valueOf(v)));
    assertThat(info).as("the data source's properties").isNotEmpty();
    info.setProperty(
        "user", resolver.getRequiredProperty("datasources.default.username", String.class));
    info.setProperty(
        "password", resolver.getRequiredProperty("datasources.default.password", String.class));
    Properties parsed = Driver.parseURL(url, info);
    assertThat(parsed).as("the driver accepts %s", url).isNotNull();
    return parsed;
  }

  @Test
  void theUrlIsRenderedFromMainTf() {
    Terraform tf = TerraformConfigurationTest.infra();
    assertThat(databaseEnvironment(tf))
        .containsEntry(
            "DATABASE_URL",
            "jdbc:postgresql:///simrun?cloudSqlInstance=my-project:us-central1:simrun-pg"
                + "&socketFactory=com.google.cloud.sql.postgres.SocketFactory&ipTypes=PUBLIC")
        .containsEntry("DATABASE_USER", "simrun");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api", "worker"})
  void theServiceReachesCloudSqlThroughTheConnectorTheUrlNames(String service) throws Exception {
    Terraform tf = TerraformConfigurationTest.infra();
    Map<String, Object> env = databaseEnvironment(tf);
    Properties props = driverProperties(service, env);

    String factory = props.getProperty("socketFactory");
    assertThat(factory).isEqualTo("com.google.cloud.sql.postgres.SocketFactory");
    Class<?> type = Class.forName(factory);
    assertThat(javax.net.SocketFactory.class).isAssignableFrom(type);
    // As the driver builds it for each connection: the constructor taking the properties.
    assertThat(SocketFactoryFactory.getSocketFactory(props)).isInstanceOf(type);

    ConnectionConfig config = ConnectionConfig.fromConnectionProperties(props);
    String instance = PROJECT + ":us-central1:simrun-pg";
    assertThat(config.getCloudSqlInstance()).isEqualTo(instance);
    assertThat(CloudSqlInstanceName.isValidInstanceName(config.getCloudSqlInstance())).isTrue();
    assertThat(config.getIpTypes()).isEqualTo(List.of(IpType.PUBLIC));
    assertThat(config.getAuthType()).isEqualTo(AuthType.PASSWORD);
    assertThat(props.getProperty("user")).isEqualTo("simrun");
    assertThat(props.getProperty("password")).isEqualTo("from-secret-manager");
    assertThat(props.getProperty("PGDBNAME")).isEqualTo("simrun");
    // The data source's own settings still apply (every wait ends).
    assertThat(props.getProperty("socketTimeout")).isEqualTo("30");
  }

  /**
   * The connector's generated protos load with the protobuf runtime the services run: an older
   * runtime than their generator's refuses them (the parent pins protobuf 4.33.6 for this).
   */
  @Test
  void theConnectorsProtosLoadWithTheServicesProtobufRuntime() {
    assertThat(CloudSqlConnectProto.getDescriptor().getFullName()).isNotEmpty();
    assertThat(com.google.cloud.sql.v1.CloudSqlConnectProto.getDescriptor().getFullName())
        .isNotEmpty();
  }

  @Test
  void anInstanceNameWithoutProjectAndRegionIsNotWhatTheConnectorAccepts() throws Exception {
    Map<String, Object> env =
        Map.of(
            "DATABASE_URL",
            "jdbc:postgresql:///simrun?cloudSqlInstance=simrun-pg"
                + "&socketFactory=com.google.cloud.sql.postgres.SocketFactory",
            "DATABASE_USER",
            "simrun",
            "DATABASE_PASSWORD",
            "x");
    ConnectionConfig config =
        ConnectionConfig.fromConnectionProperties(driverProperties("api", env));
    assertThat(CloudSqlInstanceName.isValidInstanceName(config.getCloudSqlInstance())).isFalse();
    assertThat(config.getIpTypes()).as("the connector's default").contains(IpType.PRIVATE);
  }
}
