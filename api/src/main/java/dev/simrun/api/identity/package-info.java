/**
 * Who is calling. Today the {@code X-SimRun-User} header names the caller; {@link
 * dev.simrun.api.identity.CallerBinder} is the one place that reads it, so authentication can
 * replace it without touching the controllers.
 */
package dev.simrun.api.identity;
