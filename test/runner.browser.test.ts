/// <reference types="mocha" />
/**
 * Checks the browser test setup itself (web-test-runner.config.mjs): msw's worker is served
 * where msw looks for it, and no test can reach a host other than the test server.
 */
import { expect } from '@esm-bundle/chai';

describe('browser test runner', () => {
  it('serves msw\'s service worker at /mockServiceWorker.js, allowed at the root scope', async () => {
    const response = await fetch('/mockServiceWorker.js');
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.contain('javascript');
    expect(response.headers.get('service-worker-allowed')).to.equal('/');
    expect(await response.text()).to.contain('Mock Service Worker');
  });

  it('fails fast on requests to outside hosts', async () => {
    const started = performance.now();
    let error: unknown;
    try {
      await fetch('https://example.com/', { mode: 'no-cors' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect(performance.now() - started).to.be.below(2000);
  });
});
