#!/usr/bin/env node
// The "Firefox executable" Playwright launches for the Firefox leg (tests/e2e/support/firefox.ts).
// It starts the real Firefox (FIREFOX_PATH, default Debian's /usr/bin/firefox-esr) with the same
// arguments plus Marionette, and stands between Playwright and Firefox's WebDriver BiDi endpoint:
//
// - Firefox's BiDi does not expose extension documents at all (moz-extension:// pages and frames are
//   skipped "until we support debugging webextensions", Gecko bug 1755014), so the popup, the options
//   page and the inline menu frame are driven over Marionette (WebDriver classic), which does reach
//   them. Firefox allows ONE WebDriver session: when Playwright sends `session.new`, this process
//   creates the session over Marionette with `webSocketUrl: true` instead and hands Playwright that
//   session's BiDi socket, so both protocols drive the same session.
// - Marionette commands from the test process arrive on a loopback HTTP port written to
//   `<profile>/sa-marionette-relay` (POST {command, params} -> {error, result}).
// - Playwright 1.65 sends `emulation.setMediaFeaturesOverride` (colour-scheme emulation) at every
//   page start; Firefox ESR 153 does not implement it. That one command is answered as done (the
//   suite never emulates a colour scheme); every other command and error passes through untouched.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const WebSocket = require('ws');

const emulatedAway = new Set(['emulation.setMediaFeaturesOverride']);

const args = process.argv.slice(2);
const profile = args[args.indexOf('--profile') + 1];
const activePortFile = path.join(profile, 'MarionetteActivePort');
const relayFile = path.join(profile, 'sa-marionette-relay');
fs.rmSync(activePortFile, { force: true });
fs.rmSync(relayFile, { force: true });

const firefox = spawn(process.env.FIREFOX_PATH || '/usr/bin/firefox-esr', ['--marionette', ...args], {
  stdio: ['ignore', 'inherit', 'pipe'],
  env: { ...process.env, MOZ_REMOTE_ALLOW_SYSTEM_ACCESS: '1' },
});
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => firefox.kill(sig));

/** Marionette's wire format: `<length>:<json>`; commands are [0, id, name, params]. */
class Marionette {
  constructor(socket) {
    this.socket = socket;
    this.nextId = 0;
    this.pending = new Map();
    this.buffer = Buffer.alloc(0);
    this.greeting = new Promise((resolve) => { this.onGreeting = resolve; });
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => {
      for (const { reject } of this.pending.values()) reject(new Error('Marionette connection closed'));
      this.pending.clear();
    });
  }
  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const message = JSON.parse(this.buffer.subarray(colon + 1, colon + 1 + length).toString());
      this.buffer = this.buffer.subarray(colon + 1 + length);
      if (!Array.isArray(message)) { this.onGreeting(message); continue; }
      const [, id, error, result] = message;
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      waiter?.resolve({ error, result });
    }
  }
  send(command, params) {
    const id = ++this.nextId;
    const body = Buffer.from(JSON.stringify([0, id, command, params ?? {}]));
    this.socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body]));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

async function connectMarionette() {
  for (let i = 0; i < 600; i++) {
    const text = fs.existsSync(activePortFile) ? fs.readFileSync(activePortFile, 'utf8').trim() : '';
    if (text) {
      const socket = net.connect(Number(text), '127.0.0.1');
      await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
      const marionette = new Marionette(socket);
      await marionette.greeting;
      return marionette;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Marionette did not start');
}

function startRelay(marionette) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', async () => {
      try {
        const { command, params } = JSON.parse(body);
        const answer = await marionette.send(command, params);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      } catch (error) {
        res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { error: 'relay', message: String(error) } }));
      }
    });
  });
  server.listen(0, '127.0.0.1', () => fs.writeFileSync(relayFile, String(server.address().port)));
}

function startBidiProxy(marionette) {
  const server = new WebSocket.Server({ host: '127.0.0.1', port: 0 }, () => {
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${server.address().port}\n`);
  });
  server.on('connection', (client) => {
    let upstream = null;
    const early = [];
    const methods = new Map();
    const reply = (message) => client.send(JSON.stringify(message));
    client.on('message', async (data) => {
      const message = JSON.parse(data.toString());
      if (message.method === 'session.new') {
        // Marionette takes the already-merged capabilities (what geckodriver would send it).
        const capabilities = { ...(message.params.capabilities?.alwaysMatch ?? {}) };
        for (const key of Object.keys(capabilities)) {
          if (key.startsWith('goog:') || capabilities[key] === undefined) delete capabilities[key];
        }
        const { error, result } = await marionette.send('WebDriver:NewSession', capabilities);
        if (error) {
          reply({ type: 'error', id: message.id, error: error.error, message: error.message });
          return;
        }
        upstream = new WebSocket(result.capabilities.webSocketUrl);
        upstream.on('open', () => {
          for (const queued of early) upstream.send(queued);
          early.length = 0;
          reply({ type: 'success', id: message.id, result: { sessionId: result.sessionId, capabilities: result.capabilities } });
        });
        upstream.on('message', (answer) => {
          const parsed = JSON.parse(answer.toString());
          if (parsed.type === 'error' && parsed.error === 'unknown command' && emulatedAway.has(methods.get(parsed.id))) {
            methods.delete(parsed.id);
            reply({ type: 'success', id: parsed.id, result: {} });
            return;
          }
          methods.delete(parsed.id);
          client.send(answer.toString());
        });
        upstream.on('close', () => client.close());
        return;
      }
      if (message.id !== undefined) methods.set(message.id, message.method);
      if (upstream?.readyState === WebSocket.OPEN) upstream.send(data.toString());
      else early.push(data.toString());
    });
    client.on('close', () => upstream?.close());
  });
}

let stderrBuffer = '';
let started = false;
firefox.stderr.on('data', (chunk) => {
  stderrBuffer += chunk.toString();
  let newline;
  while ((newline = stderrBuffer.indexOf('\n')) >= 0) {
    const line = stderrBuffer.slice(0, newline);
    stderrBuffer = stderrBuffer.slice(newline + 1);
    // Playwright waits for this line; it gets the proxy's address once Marionette is connected.
    if (!started && /WebDriver BiDi listening on ws:\/\//.test(line)) {
      started = true;
      connectMarionette().then((marionette) => {
        startRelay(marionette);
        startBidiProxy(marionette);
      }, (error) => {
        process.stderr.write(`${error.message}\n`);
        firefox.kill('SIGKILL');
      });
      continue;
    }
    process.stderr.write(`${line}\n`);
  }
});
