/**
 * Settings both services read ({@code simrun.tasks.*}, {@code simrun.pubsub.*}, {@code
 * simrun.admission.*}, {@code simrun.planning.*}) as checked records, the beans made from them
 * ({@link dev.simrun.shared.config.SharedFactory}), and the start-up that refuses an invalid
 * configuration with one line naming the setting ({@link dev.simrun.shared.config.ServiceMain},
 * decision 0016).
 */
package dev.simrun.shared.config;
