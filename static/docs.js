// Swagger UI on this service's own OpenAPI document; the token pasted in "Authorize" is kept
// across reloads (persistAuthorization).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
});
