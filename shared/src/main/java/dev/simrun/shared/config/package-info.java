/**
 * Typed configuration every service reads ({@code simrun.tasks.*}, {@code simrun.pubsub.*}, {@code
 * simrun.admission.*}, {@code simrun.planning.*}), the check that binds it at start and names a bad
 * setting, and the beans every process needs (the clock, the queue names).
 */
package dev.simrun.shared.config;
