import { describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/app.js';

describe('app lifecycle', () => {
  it('a start that fails (port taken) releases everything it opened, so the data dir can be used again', async () => {
    const first = await startTestApp();
    const port = new URL(first.url).port;
    const dataDir = `${first.dataDir}-second`;
    try {
      await expect(startTestApp({ PORT: port, DATA_DIR: dataDir })).rejects.toThrow(/EADDRINUSE/);
      // Had the failed start kept its store open, this would be refused: one process per DATA_DIR.
      const retry = await startTestApp({ DATA_DIR: dataDir });
      await retry.stop();
      await retry.removeDataDir();
    } finally {
      await first.stop();
      await first.removeDataDir();
    }
  });

  it('stop() is idempotent and the data dir is free afterwards', async () => {
    const app = await startTestApp();
    await Promise.all([app.stop(), app.stop()]);
    const again = await startTestApp({ DATA_DIR: app.dataDir });
    await again.stop();
    await again.removeDataDir();
  });
});
