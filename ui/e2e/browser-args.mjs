// Chromium's flags for this machine's closed network: headless, and no background connections
// (updates, sync, QUIC) that would be refused at every start.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
