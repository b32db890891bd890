/**
 * The web console (decision 0028): plain ES modules, HTML and CSS from the classpath, served by the
 * api itself on the same origin as {@code /api/**}. One HTML shell for every page (the browser
 * routes), assets under a content-hashed path cached for a year, third-party browser code from
 * WebJars under their versioned path.
 */
package dev.simrun.api.console;
