/**
 * How kinds reach external endpoints ({@link dev.simrun.kinds.Endpoints}): over the JDK's HTTP
 * client, with every exchange bounded in time and size.
 */
package dev.simrun.shared.endpoints;
