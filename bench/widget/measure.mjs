// Widget figures in a real browser and over real sockets (bench/widget.sh runs this; it prints, never asserts).
//   node measure.mjs PARLEY_URL ADMIN_TOKEN
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const [parley, adminToken] = process.argv.slice(2);
const LOADS = Number(process.env.LOADS || 20);
const QUESTIONS = Number(process.env.QUESTIONS || 50);
const VISITORS = Number(process.env.VISITORS || 2000);
const SERVER_PID = process.env.SERVER_PID;
const p50 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

async function api(method, path, body, token) {
  const r = await fetch(parley + path, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: 'Bearer ' + token } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!r.ok) throw new Error(`${method} ${path} -> ${r.status}: ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

const channels = await api('GET', '/api/v1/widget/channels', null, adminToken);
const token = channels.items.find((c) => c.is_default).website_token;

const browser = await chromium.launch({
  executablePath: process.env.PARLEY_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

// 1. Launcher visible after the script has loaded: mark 'parley:launcher-visible' minus widget.js's responseEnd.
const launcher = [];
for (let i = 0; i < LOADS; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(parley + '/demo');
  await page.waitForFunction(() => performance.getEntriesByName('parley:launcher-visible').length > 0);
  launcher.push(await page.evaluate(() => {
    const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/widget.js'));
    return performance.getEntriesByName('parley:launcher-visible')[0].startTime - script.responseEnd;
  }));
  await context.close();
}

// 2. First token visible in the widget vs first token received on the socket, per question.
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(parley + '/demo');
await page.waitForFunction(() => window.Parley && window.Parley.element);
await page.evaluate(() => window.Parley.open());
await page.waitForFunction(() => window.Parley.element.ws && window.Parley.element.ws.readyState === 1);
const gaps = [];
for (let i = 0; i < QUESTIONS; i++) {
  await page.evaluate((n) => window.Parley.send(`Question number ${n}: what are your opening hours?`), i);
  await page.waitForFunction((n) => performance.getEntriesByName('parley:first-token-visible').length > n, i, { timeout: 60000 });
  gaps.push(await page.evaluate((n) => performance.getEntriesByName('parley:first-token-visible')[n].startTime - performance.getEntriesByName('parley:first-token-socket')[n].startTime, i));
  await page.waitForFunction(() => !window.Parley.element.streaming, null, { timeout: 60000 });
}
await browser.close();

// 3. Memory per connected visitor: VISITORS visitors, each with a conversation and an idle socket.
const fs = await import('node:fs');
const rssKb = () => (SERVER_PID ? Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${SERVER_PID}/status`, 'utf8'))[1]) : NaN);
const visitors = [];
for (let i = 0; i < VISITORS; i += 20) {
  visitors.push(...await Promise.all(Array.from({ length: Math.min(20, VISITORS - i) }, async () => {
    const v = await api('POST', `/api/v1/widget/${token}/visitors`, {});
    const c = await api('POST', `/api/v1/widget/${token}/conversations`, null, v.access_token);
    return { token: v.access_token, id: c.id };
  })));
}
global.gc?.();
await new Promise((r) => setTimeout(r, 3000));
const before = rssKb();
const sockets = [];
for (let i = 0; i < visitors.length; i += 50) {
  sockets.push(...await Promise.all(visitors.slice(i, i + 50).map((v) => new Promise((resolve) => {
    const ws = new WebSocket(`${parley.replace(/^http/, 'ws')}/api/v1/ws/chat/${v.id}?token=${v.token}`, { headers: { origin: parley } });
    ws.on('message', () => resolve(ws));
    ws.on('error', () => resolve(null));
  }))));
}
await new Promise((r) => setTimeout(r, 5000));
const open = sockets.filter((s) => s && s.readyState === WebSocket.OPEN).length;
const after = rssKb();
for (const s of sockets) s?.close();

console.log(`launcher visible after widget.js loaded, p50 over ${LOADS} page loads: ${fmt(p50(launcher))} ms`);
console.log(`first token visible minus first token on the socket, p50 over ${QUESTIONS} questions: ${fmt(p50(gaps))} ms (target <= 50 ms; max ${fmt(Math.max(...gaps))} ms)`);
console.log(`idle visitor sockets open: ${open} of ${VISITORS}; server RSS ${fmt(before / 1024)} MB -> ${fmt(after / 1024)} MB: ${fmt((after - before) / Math.max(open, 1))} KB per connected visitor`);
