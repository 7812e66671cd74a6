import { chromium } from 'playwright-core';
import { preview } from 'vite';
const server = await preview({ root: '.', logLevel: 'error', preview: { host: '127.0.0.1', port: 4996 } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--enable-unsafe-webgpu','--enable-features=Vulkan'] });
const page = await browser.newPage();
page.on('console', m => { if (m.type() === 'error') console.log('console', m.type(), m.text().slice(0, 300)) });
page.on('pageerror', e => console.log('pageerror', e.message));
const t0 = Date.now();
await page.goto('http://127.0.0.1:4996/?exchange=simulated');
for (let i = 0; i < 40; i++) {
  await page.waitForTimeout(1000);
  const st = await page.evaluate(() => globalThis.candlecast?.engine.getStatus());
  if (st && st.models.pattern_cnn.error !== 'loading' && st.models.price_ensemble.error !== 'loading') {
    console.log('after', Date.now() - t0, 'ms', JSON.stringify(st.models), JSON.stringify(st.webgpu));
    const ins = await page.evaluate(() => globalThis.candlecast.engine.getInsights('BTCUSDT', '1m', 'simulated'));
    console.log(JSON.stringify(ins.price_predictions['1']), JSON.stringify(ins.model_status), ins.patterns.strongest, ins.confidence);
    break;
  }
}
await page.waitForTimeout(1500);
await page.screenshot({ path: '/tmp/shot-models.png' });
await browser.close(); await server.close();
