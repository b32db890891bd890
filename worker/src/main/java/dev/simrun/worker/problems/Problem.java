package dev.simrun.worker.problems;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.net.URI;

/**
 * An RFC 9457 problem detail, the body of every error answer of the worker.
 *
 * @param type stable URI of the kind of problem, see {@link ProblemType}
 * @param instance the request path the problem occurred on
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    URI type, String title, int status, String detail, @Nullable String instance) {}
