// Import → Sources end to end in the browser: a CSV published by a loopback HTTP server (with an
// ETag) is added as an `http-file` source through the form, run with "Run now" — the report shows
// the import — run again, when the server answers 304 and nothing is imported, then removed after
// the confirmation. The server counts the requests, so the second run is seen to send the ETag.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT } from './support.mjs';

/** Serves the first `rows` demo inspections at /inspections.csv; returns its address and its log. */
async function publishedCsv(rows) {
  const text = readFileSync(join(ROOT, 'fixtures/demo/inspections.csv'), 'utf8');
  const body = text.split('\n').slice(0, rows + 1).join('\n') + '\n';
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(req.headers['if-none-match'] ?? null);
    if (req.headers['if-none-match'] === '"e2e-1"') {
      res.writeHead(304, { ETag: '"e2e-1"' }).end();
    } else {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', ETag: '"e2e-1"' }).end(body);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/inspections.csv`, seen, close: () => server.close() };
}

/**
 * @param d the driver of browser.mjs or webdriver.mjs (with select(css, value) and waitGone(css))
 * @param api calls the server's RPC: api(method, params); `null` in the desktop app, where what the
 *   window shows is checked instead
 */
export async function sources(d, api, log) {
  const published = await publishedCsv(30);
  try {
    log('sources: add a published file');
    await d.goto('#/import');
    await d.waitFor('[data-source-add]');
    await d.click('[data-source-add]');
    await d.type('[data-source-name]', 'e2e-file');
    await d.select('[data-source-kind]', 'http-file');
    await d.type('[data-source-url]', published.url);
    await d.click('[data-source-save]');
    await d.waitFor('[data-source="e2e-file"]');

    log('sources: run now');
    await d.click('[data-source-run="e2e-file"]');
    await d.waitFor('[data-source-report]', '30');
    await d.waitFor('[data-source="e2e-file"] [data-last-status="published"]');
    await d.screenshot('sources-run');
    if (api) {
      const runs = await api('connector_runs', { name: 'e2e-file' });
      if (runs.length !== 1 || runs[0].status !== 'published') throw new Error(`runs: ${JSON.stringify(runs)}`);
    }

    log('sources: run again, unchanged (304)');
    await d.click('[data-source-run="e2e-file"]');
    await d.waitFor('[data-source-report][data-not-modified]');
    if (published.seen.length !== 2 || published.seen.at(-1) !== '"e2e-1"') {
      throw new Error(`the second run did not send the ETag: ${JSON.stringify(published.seen)}`);
    }
    const again = api ? await api('connector_runs', { name: 'e2e-file' }) : [null, null];
    if (again.length !== 2) throw new Error(`runs after the second: ${JSON.stringify(again)}`);

    log('sources: remove, asked first');
    await d.click('[data-source-remove="e2e-file"]');
    await d.click('[data-source-remove-yes="e2e-file"]');
    await d.waitGone('[data-source="e2e-file"]');
    if (api) {
      const left = await api('connectors', {});
      if (left.some((c) => c.spec.name === 'e2e-file')) throw new Error('the source was not removed');
    }
    return { source_runs: again.length };
  } finally {
    published.close();
  }
}
