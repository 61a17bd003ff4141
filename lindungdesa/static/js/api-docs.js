// Swagger UI for /api/schema/, started from a file (the Content Security Policy forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) return;
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]*)/) || [])[1];
  window.SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    domNode: node,
    deepLinking: false,
    // Requests from this page use the signed-in session; writes need Django's CSRF header.
    requestInterceptor: function (request) {
      if (csrf) request.headers["X-CSRFToken"] = decodeURIComponent(csrf);
      return request;
    },
  });
});
