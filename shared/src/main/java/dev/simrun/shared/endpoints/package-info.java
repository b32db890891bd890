/**
 * How kinds reach external endpoints ({@link dev.simrun.kinds.Endpoints}): over the JDK's sockets
 * and TLS, to checked addresses only (decision 0025), with every exchange bounded in time and size.
 */
package dev.simrun.shared.endpoints;
