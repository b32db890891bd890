/**
 * The API reference: the OpenAPI document micronaut-openapi writes from the controllers at compile
 * time, and Swagger UI over it at {@code /api/docs}, both served from the api without sign-in.
 */
package dev.simrun.api.docs;
