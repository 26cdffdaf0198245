import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevicesResponse, PairingCode } from '../../server/contracts/auth.ts';
import { DEMO_PASSWORD } from '../helpers/auth.ts';
import { describeWithRedis } from '../helpers/servers.ts';
import { http, type NodeProcess, signIn, startCluster, ZIJL } from '../scale/hub-nodes.ts';
import { hasChromium, launchBrowser, newContext, screenshot } from './helpers/browser.ts';
import { ensureWebBuilt } from './helpers/server.ts';

// Issue #9, as a supervisor and a kiosk see it on two nodes (one SQLite file, one Redis): a kiosk and a display are
// paired on node B by typing the supervisor's one-time code, the supervisor revokes them on node A, and both screens
// end at their pairing form (signed out, token forgotten) instead of "reconnecting" for ever: the hub disconnects a
// revoked device's sockets on every node, and socket.io does not reconnect a socket the server disconnected.
// The same for a console whose session is signed out on the other node.

const cleanups: (() => Promise<unknown> | unknown)[] = [];
const onCleanup = (fn: () => Promise<unknown> | unknown) => cleanups.push(fn);

describe.skipIf(!hasChromium)('pairing and revoking devices across two nodes, in Chromium', () => {
  describeWithRedis('with Redis', () => {
    let a: NodeProcess;
    let b: NodeProcess;
    let browser: Browser;
    let supervisor: string;

    beforeAll(async () => {
      ensureWebBuilt(['kiosk', 'display', 'agent-ui']);
      const cluster = await startCluster(2, { engine: 'sqlite', onCleanup });
      [a, b] = cluster.nodes as [NodeProcess, NodeProcess];
      browser = await launchBrowser();
      onCleanup(() => browser.close());
      supervisor = await signIn(a.url, 'demo-supervisor');
    }, 120_000);

    afterAll(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    });

    const pairingCode = async (kind: 'kiosk' | 'display', name: string): Promise<string> => {
      const res = await http<PairingCode>(a.url, 'POST', `/locations/${ZIJL}/pairing-codes`, {
        token: supervisor,
        body: { kind, name },
      });
      expect(res.status).toBe(201);
      return res.body.code;
    };

    const deviceId = async (name: string): Promise<number> => {
      const res = await http<DevicesResponse>(a.url, 'GET', `/locations/${ZIJL}/devices`, { token: supervisor });
      const device = res.body.devices.find((d) => d.name === name && !d.revokedAt);
      if (!device) throw new Error(`no paired device ${name}: ${JSON.stringify(res.body)}`);
      return device.id;
    };

    const openOnB = async (path: string, viewport: { width: number; height: number }): Promise<Page> => {
      const context = await newContext(browser, { viewport });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      await page.goto(`${b.url}${path}`);
      return page;
    };

    it('a kiosk paired with the code on node B is signed out when revoked on node A, and so is a display', async () => {
      // The kiosk: its own pairing form, like the display's (the devices page tells staff to type the code there).
      const kiosk = await openOnB('/kiosk', { width: 1080, height: 1920 });
      await kiosk.getByLabel('Koppelcode').fill(await pairingCode('kiosk', 'Zuil hal'));
      await kiosk.getByRole('button', { name: 'Koppelen' }).click();
      await kiosk.getByRole('button', { name: /Paspoort aanvragen/ }).waitFor();
      expect(await kiosk.evaluate(() => localStorage.getItem('loket.kiosk.token'))).toBeTruthy();

      const display = await openOnB('/display/', { width: 1920, height: 1080 });
      await display.getByLabel('Koppelcode').fill(await pairingCode('display', 'Scherm hal'));
      await display.getByRole('button', { name: 'Koppelen' }).click();
      await display.getByTestId('waiting-total').waitFor();

      // Revoked on node A: both screens are signed out on node B, each back at its pairing form.
      for (const name of ['Zuil hal', 'Scherm hal']) {
        const res = await http(a.url, 'DELETE', `/devices/${await deviceId(name)}`, { token: supervisor });
        expect(res.status).toBe(200);
      }
      await kiosk.getByRole('alert').getByText('Deze zuil is niet (meer) gekoppeld').waitFor();
      await kiosk.getByLabel('Koppelcode').waitFor();
      expect(await kiosk.getByRole('button', { name: /Paspoort aanvragen/ }).count()).toBe(0);
      expect(await kiosk.evaluate(() => localStorage.getItem('loket.kiosk.token'))).toBeNull();
      await screenshot(kiosk, 'kiosk-revoked-on-another-node');

      await display.getByLabel('Koppelcode').waitFor();
      expect(await display.evaluate(() => localStorage.getItem('loket.display.token'))).toBeNull();
      await screenshot(display, 'display-revoked-on-another-node');
    }, 120_000);

    it('a console on node B whose session is signed out on node A goes back to the sign-in form', async () => {
      const consolePage = await openOnB('/agent/', { width: 1366, height: 900 });
      await consolePage.locator('#username').fill('demo-agent');
      await consolePage.locator('#password').fill(DEMO_PASSWORD);
      await consolePage.getByRole('button', { name: 'Aanmelden' }).click();
      await consolePage.getByRole('navigation', { name: 'Hoofdmenu' }).waitFor();
      // Settled: the session checked (GET /sessions/current after the sign-in) and the hub connected.
      await consolePage.waitForLoadState('networkidle');
      await consolePage.locator('.hub-online').waitFor();
      const token = await consolePage.evaluate(() => sessionStorage.getItem('loket.agent.token'));
      expect(token).toBeTruthy();

      // The same session signed out from elsewhere, through node A (another tab, or a supervisor's PC).
      expect((await http(a.url, 'DELETE', '/sessions', { token: token ?? '' })).status).toBe(204);
      await consolePage.locator('#password').waitFor();
      expect(await consolePage.getByRole('navigation', { name: 'Hoofdmenu' }).count()).toBe(0);
      expect(await consolePage.evaluate(() => sessionStorage.getItem('loket.agent.token'))).toBeNull();
    }, 60_000);
  });
});
