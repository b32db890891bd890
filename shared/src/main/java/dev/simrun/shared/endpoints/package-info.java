/**
 * How kinds reach external endpoints ({@link dev.simrun.kinds.Endpoints}): over Apache HttpClient,
 * whose resolver checks every new connection's addresses, so calls reach checked addresses only
 * (decision 0025), with every exchange bounded in time and size.
 */
package dev.simrun.shared.endpoints;
