/**
 * The report's browser code is typed source in src/report/client/; the page inlines the bundle
 * committed in src/report/client-bundle.ts. This fails when that file is stale (someone edited
 * client/*.ts without `npm run build:client`), and checks the bundle is safe to inline.
 */
import { describe, expect, it } from 'vitest';
import { bundleClient, bundleModule, currentBundleModule } from '../scripts/build-client.js';
import { CLIENT_JS } from '../src/report/client-bundle.js';

describe('report client bundle', () => {
  it('is up to date with src/report/client/*.ts (run npm run build:client if not)', async () => {
    const fresh = bundleModule(await bundleClient());
    expect(currentBundleModule() === fresh, 'src/report/client-bundle.ts is stale: run `npm run build:client`').toBe(true);
  });

  it('is one IIFE that cannot close its own script tag', () => {
    expect(CLIENT_JS.length).toBeGreaterThan(10_000);
    expect(CLIENT_JS).not.toMatch(/<\/script/i);
    expect(CLIENT_JS).not.toMatch(/\binnerHTML\b|\beval\(|new Function/);
    expect(CLIENT_JS).toMatch(/^"use strict";\(\(\)=>\{[^]*\}\)\(\);\s*$/);
  });
});
