// Container healthcheck of a Loja service: exits 0 when GET <url> answers 2xx within the timeout.
// The images have no curl or wget; node is there. Usage: node healthcheck.js http://127.0.0.1:3000/health
'use strict';
const url = process.argv[2] || `http://127.0.0.1:${process.env.PORT || 3000}/health`;
fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (response) => {
    if (!response.ok) console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exit(response.ok ? 0 : 1);
  },
  (error) => {
    console.error(`healthcheck: ${url} unreachable: ${error.message}`);
    process.exit(1);
  },
);
