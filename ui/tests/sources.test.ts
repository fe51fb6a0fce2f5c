// Import → Sources with the transport replaced by a recorder: a source cut off says so and why in
// the reader's language (the error by its code, never the core's English), "Run now" sends the
// source's name and shows the run's report, and a new source is sent as the command line would.
// Removing asks first; the network settings send the proxy and the pasted CA bundle and show the
// fingerprints the core answers.
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { i18n } from '../src/lib/i18n.svelte';
import SourcesPanel from '../src/components/SourcesPanel.svelte';
import type { ConnectorView } from '../src/lib/types/ConnectorView';

const view: ConnectorView = {
  spec: { name: 'egov-inspections', kind: 'egov-v4', data: 'inspections', url: 'https://data.egov.kz/api/v4', dataset: 'kpssu_checks',
    version: 'v2', key_field: 'reg_no', map: [], api_key_env: 'EGOV_API_KEY', read_timeout_s: null, page_size: 5000, every_hours: 24, modified_field: null },
  added_at: '2026-11-20T08:00:00Z',
  last_run: { id: 4, connector: 'egov-inspections', started_at: '2026-11-22T08:00:00Z', finished_at: null, status: 'staging', version: 'v2',
    requests: 12, retries: 8, too_many: 0, error_code: 'portal_unavailable', error: 'no answer after 8 attempts', report: null,
    modified_since: null, modified_upto: null },
  next_run: '2026-11-23T08:00:00Z',
};
const calls: { method: string; params: Record<string, unknown> }[] = [];
const offered = (run_id: number) => ({ connector: 'office-registry', run_id, data: 'inspections', file_name: 'office-connector-office-registry-run-7.json',
  source: 'https://data.egov.kz/api/v4/kpssu/v1 (fetched by the office)', records: 251, bytes: 90_000, sha256: 'ef'.repeat(32), finished_at: '2026-11-23T06:00:00Z' });
const officeSources = [
  { offered: offered(7), imported_run: 7, imported_at: '2026-11-23T06:05:00Z', inserted: 1, updated: 1, unchanged: 249, error: null, error_code: null, refused_run: null },
  { offered: { ...offered(9), connector: 'office-risk', data: 'risk' }, imported_run: 3, imported_at: '2026-11-20T06:05:00Z', inserted: 0, updated: 0, unchanged: 0,
    error: 'office connector office-risk run 9: the records’ SHA-256 is …', error_code: 'office_refused', refused_run: 9 },
];
const office = { settings: { ca_bundle: '…', proxy: { mode: 'url', url: 'http://proxy.office:3128' } }, set_by: 'Admin Dana', set_at: '2026-11-23T09:00:00Z' };

vi.mock('../src/lib/transport', () => ({
  CallError: class CallError extends Error { code = 'internal'; },
  call: async (method: string, params: Record<string, unknown> = {}) => {
    calls.push({ method, params });
    if (method === 'connectors') return [view];
    if (method === 'import_progress') return { bytes_done: 0, bytes_total: 0, rows: 500, triaged: 0, triage_total: 0 };
    if (method === 'connector_run') return {
      connector: 'egov-inspections', run_id: 4, resumed: true, version: 'v2', pages: 3, records: 1200, requests: 4, retries: 1, too_many: 1,
      import: { inserted: 1100, updated: 100, unchanged: 0 }, not_modified: false, modified_since: null, seconds: 3.25,
    };
    if (method === 'connector_add') return view;
    if (method === 'connector_remove') return { ok: true };
    if (method === 'connectors_network') return { settings: { ca_bundle: null, proxy: { mode: 'environment' } }, ca_fingerprints: [], office, office_fingerprints: ['cd'.repeat(32)] };
    if (method === 'office_connectors') return officeSources;
    if (method === 'connectors_network_set') return { settings: params, ca_fingerprints: ['ab'.repeat(32)], office, office_fingerprints: ['cd'.repeat(32)] };
    if (method === 'shared' || method === 'status' || method === 'preferences') return {};
    return {};
  },
}));
vi.mock('../src/lib/state.svelte', () => ({ loadShared: async () => {} }));

describe('SourcesPanel', () => {
  it('says a run was cut off and why, runs a source and shows its report', async () => {
    i18n.lang = 'kk';
    render(SourcesPanel);
    await waitFor(() => expect(screen.getByText(/іске қосу 4: үзілді, жалғасады/)).toBeTruthy());
    expect(screen.getByText(/Портал жауап бермейді/)).toBeTruthy();
    expect(screen.getByText(/API кілті EGOV_API_KEY айнымалысында/)).toBeTruthy();
    i18n.lang = 'en';
    await fireEvent.click(await screen.findByText('Run now'));
    await waitFor(() => expect(screen.getByText(/3 page\(s\), 1200 records; 4 requests, 1 retries, 1 × 429; 3.3 s/)).toBeTruthy());
    expect(screen.getByText(/resumed where it stopped/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'connector_run')?.params).toEqual({ name: 'egov-inspections' });
    i18n.lang = 'ru';
  });

  it('asks before removing a source and sends its name', async () => {
    i18n.lang = 'en';
    render(SourcesPanel);
    await fireEvent.click(await screen.findByText('Remove'));
    expect(screen.getByText(/Remove the source egov-inspections\?/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'connector_remove')).toBe(false);
    await fireEvent.click(screen.getByText('Yes, remove'));
    await waitFor(() => expect(calls.find((c) => c.method === 'connector_remove')?.params).toEqual({ name: 'egov-inspections' }));
    i18n.lang = 'ru';
  });

  it('sends the proxy and the CA bundle and shows the fingerprints', async () => {
    i18n.lang = 'en';
    const { container } = render(SourcesPanel);
    await screen.findByText(/Mozilla’s root certificates only/);
    const mode = container.querySelector('[data-proxy-mode]') as HTMLSelectElement;
    await fireEvent.change(mode, { target: { value: 'url' } });
    await fireEvent.input(container.querySelector('[data-proxy-url]')!, { target: { value: 'http://proxy.office:3128' } });
    await fireEvent.input(container.querySelector('[data-ca-bundle]')!, { target: { value: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' } });
    await fireEvent.click(container.querySelector('[data-network-save]')!);
    await waitFor(() => expect(screen.getByText('Network settings saved')).toBeTruthy());
    const sent = calls.find((c) => c.method === 'connectors_network_set')?.params;
    expect(sent?.proxy).toEqual({ mode: 'url', url: 'http://proxy.office:3128' });
    expect(String(sent?.ca_bundle)).toContain('BEGIN CERTIFICATE');
    expect(screen.getByText(`sha256 ${'ab'.repeat(32)}`)).toBeTruthy();
    expect(screen.getByText(/Mozilla’s roots and 1 more CA certificate/)).toBeTruthy();
    expect(screen.getByText(/From the office server: 1 CA certificate\(s\), set by Admin Dana/)).toBeTruthy();
    i18n.lang = 'ru';
  });

  it('lists the office’s sources with what this workstation imported, and a refused run in the reader’s language', async () => {
    i18n.lang = 'kk';
    const { container } = render(SourcesPanel);
    await screen.findByText('Прокуратура көздері');
    const imported = container.querySelector('[data-office-source="office-registry"]')!;
    expect(imported.textContent).toMatch(/7 жарияланымы жүктелді.*қосылды 1, өзгертілді 1, өзгеріссіз 249/);
    const refused = container.querySelector('[data-office-source="office-risk"]')!;
    expect(refused.textContent).toMatch(/Прокуратура сервері бас тартты — бұл жарияланым қабылданбады/);
    expect(refused.textContent).not.toMatch(/SHA-256/);
    i18n.lang = 'ru';
  });
});
