package dev.simrun.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.core.SocketFactoryFactory;

/**
 * The socket factory production's DATABASE_URL names is on the worker's classpath and builds the
 * way the driver builds it (the api's ProductionDataSourceTest checks the whole URL for both
 * services).
 */
class CloudSqlConnectorTest {

  @Test
  void theCloudSqlSocketFactoryLoads() throws Exception {
    Properties props = new Properties();
    props.setProperty("socketFactory", "com.google.cloud.sql.postgres.SocketFactory");
    props.setProperty("cloudSqlInstance", "my-project:us-central1:simrun-pg");
    props.setProperty("ipTypes", "PUBLIC");
    Class<?> type = Class.forName(props.getProperty("socketFactory"));
    assertThat(javax.net.SocketFactory.class).isAssignableFrom(type);
    assertThat(SocketFactoryFactory.getSocketFactory(props)).isInstanceOf(type);
  }
}
