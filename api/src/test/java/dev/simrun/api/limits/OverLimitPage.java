package dev.simrun.api.limits;

import dev.simrun.api.testing.Api;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/**
 * A page for headless Chromium, served by the api itself so that its {@code fetch} calls are
 * same-origin: no CORS, no {@code --disable-web-security}, and the browser talks to the api exactly
 * as a page of the api's own origin would. It posts a JSON body of {@code ?json=} bytes and a CSV
 * upload of {@code ?csv=} bytes, then writes what it could read of each answer into {@code #result}
 * as JSON, for {@code --dump-dom} to print.
 */
// The page itself is open; its fetches sign in as ann.
@Secured(SecurityRule.IS_ANONYMOUS)
@Controller("/test/over-limit-page")
class OverLimitPage {
  static final String PAGE =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>over-limit bodies</title></head>
      <body><pre id="result">running</pre>
      <script>
      const params = new URLSearchParams(location.search);
      async function post(name, url, type, body) {
        try {
          const r = await fetch(url, {method: 'POST', body,
              headers: {'Content-Type': type, 'Authorization': '__BEARER__'}});
          const text = await r.text();
          let problem = null;
          try { problem = JSON.parse(text); } catch (e) { problem = {unparsed: text}; }
          return {name, status: r.status, contentType: r.headers.get('content-type'),
                  type: problem.type, detail: problem.detail};
        } catch (e) {
          return {name, error: String(e)};
        }
      }
      function csv(bytes) {
        const lines = ['timestamp,open,high,low,close,volume\\n'];
        let size = lines[0].length;
        for (let day = 0; size < bytes; day++) {
          const line = (1700000000 + 86400 * day) + ',100,101,99,100.5,1000\\n';
          lines.push(line);
          size += line.length;
        }
        return lines.join('');
      }
      (async () => {
        const results = [];
        results.push(await post('json', '/api/v1/simulations', 'application/json',
            '{"kind":"test-units","params":{"units":1},"name":"'
                + 'x'.repeat(Number(params.get('json'))) + '"}'));
        results.push(await post('csv', '/api/v1/datasets?name=too-big', 'text/csv',
            csv(Number(params.get('csv')))));
        document.getElementById('result').textContent = JSON.stringify(results);
      })();
      </script></body></html>
      """;

  @Get(produces = MediaType.TEXT_HTML)
  String page() {
    return PAGE.replace("__BEARER__", Api.bearer("ann"));
  }
}
