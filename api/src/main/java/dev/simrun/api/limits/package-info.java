/** Limits on what a request may carry. */
package dev.simrun.api.limits;
