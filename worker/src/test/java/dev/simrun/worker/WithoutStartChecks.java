package dev.simrun.worker;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;

/**
 * Stands in for {@link StartChecks} when {@code test.start-checks} is {@code false}: for tests that
 * bind one configuration record in a context of its own, without the settings and the database a
 * whole worker needs (with {@code simrun.worker.warm-up} false as well).
 */
@Context
@Replaces(StartChecks.class)
@Requires(property = "test.start-checks", value = "false")
final class WithoutStartChecks {}
