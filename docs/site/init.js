// Renders the service's own OpenAPI document. validatorUrl null: the page
// asks nothing of any other host.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#api",
    deepLinking: true,
    docExpansion: "list",
    validatorUrl: null,
  });
});
