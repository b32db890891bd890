/**
 * The api's server span for every request (decisions 0036, 0038): a plain request and response
 * filter, continued from the request's {@code traceparent} and current wherever the request's code
 * runs.
 */
package dev.simrun.api.tracing;
