// Swagger UI over the api's own OpenAPI document; an external file, as the page's CSP allows no
// inline script. "Try it out" from a browser signed in to the console goes through the session
// cookie, so a change carries the CSRF header, as the console's requests do (decision 0027).
window.ui = SwaggerUIBundle({
  url: "/api/docs/openapi.yml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  requestInterceptor: (request) => {
    if (request.method && request.method !== "GET" && request.method !== "HEAD") {
      request.headers["X-SimRun-CSRF"] = "1";
    }
    return request;
  },
});
