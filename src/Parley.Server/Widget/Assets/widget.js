/* Parley chat widget: one <script src=".../widget.js" data-website-token="wt_..." async></script>.
 * Plain JavaScript, no dependencies: a custom element with an open shadow root (host page CSS cannot
 * reach in), styles adopted as a constructed stylesheet (allowed under a strict CSP), every message
 * rendered as DOM nodes from a small safe Markdown subset (no HTML from messages is ever parsed).
 * Talks to Parley's ordinary chat surfaces: the conversation WebSocket (resume by sequence), and
 * POST /chat/stream + the conversation's event stream when a socket cannot be opened. */
(() => {
  'use strict';
  if (window.Parley && window.Parley.version) return;
  const script = document.currentScript || document.querySelector('script[data-website-token]');
  if (!script) return;
  const websiteToken = script.getAttribute('data-website-token') || '';
  const base = new URL(script.src, location.href).origin;
  const api = base + '/api/v1';
  const wsBase = base.replace(/^http/, 'ws');
  const settings = window.ParleySettings || {};
  const storeKey = 'parley:' + websiteToken;
  const mark = (name) => { try { performance.mark('parley:' + name); } catch (e) { /* marks are optional */ } };

  const defaults = {
    title: 'Chat with us', open_chat: 'Open chat', close_chat: 'Close chat', placeholder: 'Type your message…',
    send: 'Send', person: 'Talk to a person', person_message: 'I want to talk to a human',
    waiting: 'Connecting you with a person…', agent_joined: '{name} joined the conversation',
    agent_left: 'The agent has left the conversation.', typing: '{name} is typing…', thinking: 'Assistant is typing…',
    offline: 'You are offline. We will reconnect when you are back.', reconnecting: 'Reconnecting…',
    unreachable: 'Cannot reach support right now. Retrying in {s} s…', online: 'Online', agent_online: '{name} is here',
    ended: 'This conversation has ended.', rate_prompt: 'How did we do?', rate_star: 'Rate {n} of 5',
    rate_comment: 'Anything to add? (optional)', rate_submit: 'Send rating', rate_thanks: 'Thank you for your feedback!',
    new_conversation: 'Start a new conversation', sources: 'Sources', you: 'You', bot: 'Assistant', agent: 'Agent',
    prechat_intro: 'Before we start, tell us who you are.', name: 'Name', email: 'Email', start: 'Start chat',
    error: 'Something went wrong: {m}', identity_refused: 'We could not verify your account.', messages: 'Messages',
    attach: 'Attach a file', attachment: 'Attachment: {name}', download: 'Download {name}',
  };
  let strings = Object.assign({}, defaults, settings.strings || {});
  const t = (key, vars) => String(strings[key] == null ? key : strings[key]).replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));

  // ---- safe Markdown: text in, DOM nodes out ----
  const safeHref = (href) => {
    try {
      const url = new URL(href, location.href);
      return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
    } catch (e) { return null; }
  };
  const link = (text, href) => {
    const safe = safeHref(href);
    if (!safe) return document.createTextNode(text);
    const a = document.createElement('a');
    a.href = safe; a.target = '_blank'; a.rel = 'noopener noreferrer nofollow'; a.textContent = text;
    return a;
  };
  const inlinePattern = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?])/g;
  const inline = (parent, text) => {
    let last = 0;
    for (const m of text.matchAll(inlinePattern)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      const s = m[0];
      let node;
      if (m[1]) { node = document.createElement('code'); node.textContent = s.slice(1, -1); }
      else if (m[2]) { node = document.createElement('strong'); inline(node, s.slice(2, -2)); }
      else if (m[3]) { node = document.createElement('em'); inline(node, s.slice(1, -1)); }
      else if (m[4]) { const i = s.indexOf(']('); node = link(s.slice(1, i), s.slice(i + 2, -1)); }
      else node = link(s, s);
      parent.append(node);
      last = m.index + s.length;
    }
    if (last < text.length) parent.append(text.slice(last));
  };
  const markdown = (text) => {
    const root = document.createDocumentFragment();
    const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
    let para = null, list = null, code = null;
    for (const line of lines) {
      if (code) {
        if (/^```/.test(line)) { code = null; } else { code.textContent += (code.textContent ? '\n' : '') + line; }
        continue;
      }
      if (/^```/.test(line)) { para = list = null; const pre = document.createElement('pre'); code = document.createElement('code'); pre.append(code); root.append(pre); continue; }
      const item = /^\s*(?:[-*]|\d+[.)])\s+(.*)$/.exec(line);
      if (item) {
        para = null;
        if (!list) { list = document.createElement(/^\s*\d/.test(line) ? 'ol' : 'ul'); root.append(list); }
        const li = document.createElement('li'); inline(li, item[1]); list.append(li);
        continue;
      }
      list = null;
      if (!line.trim()) { para = null; continue; }
      if (!para) { para = document.createElement('p'); root.append(para); } else { para.append(document.createElement('br')); }
      inline(para, line.replace(/^#{1,6}\s+/, ''));
    }
    return root;
  };

  const css = `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483647!important;inset:auto 20px 20px auto!important;
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif!important;color:#111827!important;visibility:visible!important;opacity:1!important;
 transform:none!important;filter:none!important;pointer-events:auto!important;width:auto!important;height:auto!important;margin:0!important;padding:0!important}
:host([data-position=left]){inset:auto auto 20px 20px!important}
*{box-sizing:border-box;font:inherit;color:inherit;margin:0;padding:0;border:0;background:none;letter-spacing:normal;text-transform:none}
button,textarea,input{cursor:pointer;border-radius:8px}
textarea,input{cursor:text;border:1px solid #6b7280;background:#fff;color:#111827;padding:8px;width:100%}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;background:var(--pc);color:#fff;display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.3)}
.launcher svg{width:28px;height:28px;fill:currentColor}
.panel{position:absolute;inset:auto 0 70px auto;width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px);background:#fff;
 border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden}
:host([data-position=left]) .panel{inset:auto auto 70px 0}
.panel[hidden],[hidden]{display:none!important}
header{background:var(--pc);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}
header h2{font-weight:600;font-size:16px;flex:1}
header .sub{font-size:12px;opacity:.95;display:block;font-weight:400}
.x{color:#fff;width:32px;height:32px;font-size:20px;line-height:1}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}
.msg{max-width:85%;padding:8px 11px;border-radius:12px;background:#fff;border:1px solid #e5e7eb;overflow-wrap:anywhere;white-space:normal}
.msg p+p,.msg ul,.msg ol,.msg pre{margin-top:6px}.msg ul,.msg ol{padding-inline-start:20px}
.msg code{font-family:ui-monospace,monospace;background:#f3f4f6;padding:0 3px;border-radius:4px}.msg pre{overflow-x:auto}
.msg a{color:#1d4ed8;text-decoration:underline}
.msg.user{align-self:flex-end;background:var(--pc);color:#fff;border-color:var(--pc)}.msg.user a{color:#fff}
.who{font-size:11px;color:#4b5563;margin-bottom:2px;display:block}
.msg.user .who{color:#fff}
.note{align-self:center;font-size:12px;color:#374151;text-align:center}
.cites{margin-top:6px;padding-top:6px;border-top:1px solid #e5e7eb;font-size:12px;color:#374151;list-style:none;padding-inline-start:0}
.status{font-size:12px;padding:4px 12px;background:#fef3c7;color:#78350f}
.typing{font-size:12px;color:#4b5563;padding:0 12px 4px}
.actions{display:flex;gap:6px;padding:6px 10px 0}
.actions button{font-size:12px;color:#1f2937;border:1px solid #9ca3af;padding:4px 8px;border-radius:999px;background:#fff}
form.compose{display:flex;gap:6px;padding:10px;border-top:1px solid #e5e7eb}
form.compose textarea{resize:none;height:42px}
.attach{width:42px;flex:none;border:1px solid #6b7280;background:#fff;color:#111827;font-size:18px}
.file{display:block;margin-top:4px;text-decoration:underline;text-align:start}
.primary{background:var(--pc);color:#fff;padding:8px 12px;font-weight:600}
.card{padding:12px;display:flex;flex-direction:column;gap:8px;border-top:1px solid #e5e7eb}
.stars{display:flex;gap:4px}.stars button{width:36px;height:36px;border:1px solid #6b7280;background:#fff;color:#111827}
.stars button[aria-pressed=true]{background:var(--pc);color:#fff;border-color:var(--pc)}
label{font-size:13px;display:flex;flex-direction:column;gap:3px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.panel{position:fixed;inset:0;width:100vw;max-width:none;height:100vh;height:100dvh;max-height:none;border-radius:0}}
`;

  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') node.className = v; else if (k === 'text') node.textContent = v; else if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v === true ? '' : v);
    }
    node.append(...children);
    return node;
  };

  class ParleyChat extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: 'open' });
      this.state = this.load();
      this.listeners = {};
      this.seen = new Map();
      this.pending = [];
      this.streaming = null;
      this.backoff = 0;
      this.socketFailures = 0;
      this.lastSeq = 0;
    }

    connectedCallback() {
      if (this.built) return;
      this.built = true;
      const sheet = ('adoptedStyleSheets' in Document.prototype) ? new CSSStyleSheet() : null;
      if (sheet) { sheet.replaceSync(css); this.root.adoptedStyleSheets = [sheet]; } else { this.root.append(el('style', { text: css })); }
      this.build();
      requestAnimationFrame(() => { mark('launcher-visible'); this.emit('ready', {}); });
      if (this.openWhenBuilt) this.open();
      this.fetchConfig();
      if (this.state.conversation) this.resume();
      addEventListener('online', () => { this.setStatus(''); if (this.wanted) this.connect(true); });
      addEventListener('offline', () => this.setStatus(t('offline')));
    }

    load() { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; } }
    save() { try { localStorage.setItem(storeKey, JSON.stringify(this.state)); } catch (e) { /* private mode: state lives in memory */ } }
    on(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
    emit(name, data) { for (const fn of this.listeners[name] || []) { try { fn(data); } catch (e) { console.error(e); } } }

    build() {
      const dir = script.getAttribute('data-dir') || settings.dir || document.documentElement.dir || 'ltr';
      this.setAttribute('dir', dir);
      this.style.setProperty('--pc', '#2563eb');
      const icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      icon.setAttribute('viewBox', '0 0 24 24'); icon.setAttribute('aria-hidden', 'true');
      const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z');
      icon.append(path);
      this.launcher = el('button', { class: 'launcher', type: 'button', 'aria-label': t('open_chat'), 'aria-expanded': 'false', onclick: () => this.toggle() }, icon);
      this.titleEl = el('h2', { id: 'pc-title', text: t('title') });
      this.subEl = el('span', { class: 'sub', text: '' });
      this.titleEl.append(this.subEl);
      this.closeBtn = el('button', { class: 'x', type: 'button', 'aria-label': t('close_chat'), onclick: () => this.close(), text: '×' });
      this.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('messages'), tabindex: '0' });
      this.statusEl = el('div', { class: 'status', role: 'status', hidden: true });
      this.typingEl = el('div', { class: 'typing', 'aria-hidden': 'true', hidden: true });
      this.personBtn = el('button', { type: 'button', text: t('person'), onclick: () => this.send(t('person_message')) });
      this.actions = el('div', { class: 'actions' }, this.personBtn);
      this.input = el('textarea', { 'aria-label': t('placeholder'), placeholder: t('placeholder'), rows: '1' });
      this.input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.submit(); } });
      this.sendBtn = el('button', { class: 'primary', type: 'submit', text: t('send') });
      this.fileInput = el('input', { type: 'file', hidden: true, tabindex: '-1', 'aria-hidden': 'true', onchange: () => this.upload() });
      this.attachBtn = el('button', { class: 'attach', type: 'button', hidden: true, 'aria-label': t('attach'), title: t('attach'), text: '📎', onclick: () => this.fileInput.click() });
      this.compose = el('form', { class: 'compose', onsubmit: (e) => { e.preventDefault(); this.submit(); } }, this.attachBtn, this.fileInput, this.input, this.sendBtn);
      this.prechat = this.buildPrechat();
      this.rating = this.buildRating();
      this.panel = el('div', { class: 'panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'pc-title', hidden: true },
        el('header', {}, this.titleEl, this.closeBtn), this.statusEl, this.log, this.typingEl, this.prechat, this.rating, this.actions, this.compose);
      this.panel.addEventListener('keydown', (e) => this.trap(e));
      this.root.append(this.panel, this.launcher);
    }

    buildPrechat() {
      this.nameInput = el('input', { type: 'text', autocomplete: 'name' });
      this.emailInput = el('input', { type: 'email', autocomplete: 'email' });
      this.nameLabel = el('label', {}, t('name'), this.nameInput);
      this.emailLabel = el('label', {}, t('email'), this.emailInput);
      return el('form', { class: 'card', hidden: true, onsubmit: (e) => { e.preventDefault(); this.startFromPrechat(); } },
        el('p', { text: t('prechat_intro') }), this.nameLabel, this.emailLabel, el('button', { class: 'primary', type: 'submit', text: t('start') }));
    }

    buildRating() {
      this.stars = el('div', { class: 'stars', role: 'group', 'aria-label': t('rate_prompt') });
      for (let n = 1; n <= 5; n++) {
        this.stars.append(el('button', { type: 'button', 'aria-pressed': 'false', 'aria-label': t('rate_star', { n }), text: String(n), onclick: () => this.pick(n) }));
      }
      this.comment = el('textarea', { rows: '2' });
      this.ratingForm = el('form', { class: 'card', onsubmit: (e) => { e.preventDefault(); this.rate(); } },
        el('p', { text: t('rate_prompt') }), this.stars, el('label', {}, t('rate_comment'), this.comment), el('button', { class: 'primary', type: 'submit', text: t('rate_submit') }));
      this.thanks = el('div', { class: 'card', hidden: true }, el('p', { text: t('rate_thanks') }),
        el('button', { class: 'primary', type: 'button', text: t('new_conversation'), onclick: () => this.restart() }));
      return el('div', { hidden: true }, this.ratingForm, this.thanks);
    }

    trap(e) {
      if (e.key === 'Escape') { e.preventDefault(); this.close(); return; }
      if (e.key !== 'Tab') return;
      const focusable = [...this.panel.querySelectorAll('button,textarea,input,a[href],[tabindex="0"]')].filter((n) => !n.closest('[hidden]') && !n.disabled);
      if (!focusable.length) return;
      const first = focusable[0], last = focusable[focusable.length - 1], active = this.root.activeElement;
      if (e.shiftKey && (active === first || !this.panel.contains(active))) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && (active === last || !this.panel.contains(active))) { e.preventDefault(); first.focus(); }
    }

    applyConfig(config) {
      if (!config) return;
      this.config = config;
      strings = Object.assign({}, defaults, config.strings || {}, settings.strings || {});
      if (/^#[0-9a-f]{6}$/i.test(config.color || '')) this.style.setProperty('--pc', config.color);
      // The channel's side is given for left-to-right pages; a right-to-left page mirrors it.
      const side = config.position === 'left' ? 'left' : 'right';
      this.setAttribute('data-position', this.getAttribute('dir') === 'rtl' ? (side === 'left' ? 'right' : 'left') : side);
      this.attachBtn.hidden = !config.allow_attachments;
      this.titleEl.firstChild.textContent = settings.title || config.name || t('title');
      const fields = config.pre_chat_fields || [];
      this.nameLabel.hidden = !fields.includes('name');
      this.emailLabel.hidden = !fields.includes('email');
      this.nameInput.required = !this.nameLabel.hidden;
      this.emailInput.required = !this.emailLabel.hidden;
      if (config.greeting && !this.greeted) {
        this.greeted = true;
        const bubble = el('div', { class: 'msg bot' }, el('span', { class: 'who', text: t('bot') }));
        bubble.append(markdown(config.greeting));
        this.log.prepend(bubble);
      }
    }

    async fetchConfig() {
      try { const r = await fetch(`${api}/widget/${encodeURIComponent(websiteToken)}/config`); if (r.ok) this.applyConfig(await r.json()); } catch (e) { /* drawn with defaults */ }
    }

    // ---- public API ----
    open() {
      if (!this.built) { this.openWhenBuilt = true; return; }
      if (!this.panel.hidden) return;
      this.panel.hidden = false;
      this.launcher.setAttribute('aria-expanded', 'true');
      this.launcher.setAttribute('aria-label', t('close_chat'));
      const needsPrechat = (this.config?.pre_chat_fields || []).length && !this.state.visitor && !settings.user;
      this.prechat.hidden = !needsPrechat;
      this.compose.hidden = this.actions.hidden = !!needsPrechat || this.ended;
      (needsPrechat ? this.prechat.querySelector('input:not([hidden] *)') || this.nameInput : this.input).focus();
      if (!needsPrechat) this.start();
      this.emit('open', {});
    }

    close() {
      if (!this.built || this.panel.hidden) return;
      this.panel.hidden = true;
      this.launcher.setAttribute('aria-expanded', 'false');
      this.launcher.setAttribute('aria-label', t('open_chat'));
      this.launcher.focus();
      this.emit('close', {});
    }

    toggle() { if (this.panel.hidden) this.open(); else this.close(); }

    async setUser(user) {
      settings.user = user || null;
      if (user && user.identifier && this.state.visitor?.identifier !== user.identifier) {
        this.disconnect();
        this.state = {};
        this.save();
        this.clearLog();
        if (!this.panel.hidden) await this.start();
      }
    }

    // ---- visitor, conversation, connection ----
    async call(method, path, body, retried) {
      const headers = { 'content-type': 'application/json' };
      if (this.state.visitor?.access_token) headers.authorization = 'Bearer ' + this.state.visitor.access_token;
      const r = await fetch(`${api}/widget/${encodeURIComponent(websiteToken)}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
      if (r.status === 401 && !retried && this.state.visitor && path.indexOf('/visitors') !== 0) {
        await this.refresh();
        return this.call(method, path, body, true);
      }
      const data = r.status === 204 ? null : await r.json().catch(() => null);
      if (!r.ok) { const err = new Error(data?.error?.message || data?.detail || r.statusText); err.status = r.status; throw err; }
      return data;
    }

    adopt(session) {
      this.state.visitor = {
        id: session.visitor_id, access_token: session.access_token, refresh_token: session.refresh_token,
        expires_at: Date.now() + session.expires_in * 1000, identifier: session.identified ? settings.user?.identifier : null,
      };
      this.save();
      this.applyConfig(session.config);
    }

    async ensureVisitor(extra) {
      const v = this.state.visitor;
      if (v && v.expires_at - 60000 > Date.now()) return;
      if (v?.refresh_token) { try { await this.refresh(); return; } catch (e) { if (!e.status) throw e; } }
      const user = settings.user || {};
      const body = Object.assign({}, extra || {}, user.identifier ? { identifier: String(user.identifier), identifier_hash: String(user.identifier_hash || '') } : {});
      if (user.name) body.name = user.name;
      if (user.email) body.email = user.email;
      this.state = {};
      try {
        this.adopt(await this.call('POST', '/visitors', body));
      } catch (e) {
        if (e.status === 401 && user.identifier) { this.setStatus(t('identity_refused')); this.emit('error', { code: 'identity_refused', message: e.message }); }
        throw e;
      }
    }

    async refresh() {
      const r = await fetch(`${api}/widget/${encodeURIComponent(websiteToken)}/visitors/refresh`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: this.state.visitor?.refresh_token || '' }),
      });
      if (!r.ok) { this.state = {}; this.save(); const err = new Error('refresh refused'); err.status = r.status; throw err; }
      const identifier = this.state.visitor?.identifier;
      this.adopt(await r.json());
      this.state.visitor.identifier = identifier;
      this.save();
    }

    async start(extra) {
      if (this.starting) return this.starting;
      this.starting = (async () => {
        try {
          await this.ensureVisitor(extra);
          if (!this.state.conversation) {
            const mine = settings.user?.identifier ? await this.call('GET', '/conversations') : [];
            const latest = mine && mine[0];
            this.state.conversation = latest ? latest.id : (await this.call('POST', '/conversations')).id;
            this.save();
          }
          this.backoff = 0;
          this.connect();
        } catch (e) {
          if (e.status === 401 && settings.user?.identifier) return;
          this.retryLater(() => this.start(extra));
        } finally { this.starting = null; }
      })();
      return this.starting;
    }

    resume() { this.start(); }

    retryLater(fn) {
      clearTimeout(this.retryTimer);
      this.backoff = Math.min(this.backoff ? this.backoff * 2 : 1, 30);
      const wait = this.backoff * (0.8 + Math.random() * 0.4);
      this.setStatus(t('unreachable', { s: Math.ceil(wait) }));
      this.retryTimer = setTimeout(fn, wait * 1000);
    }

    startFromPrechat() {
      const extra = {};
      if (!this.nameLabel.hidden && this.nameInput.value.trim()) extra.name = this.nameInput.value.trim();
      if (!this.emailLabel.hidden && this.emailInput.value.trim()) extra.email = this.emailInput.value.trim();
      this.prechat.hidden = true;
      this.compose.hidden = this.actions.hidden = false;
      this.input.focus();
      this.start(extra);
    }

    connect(force) {
      this.wanted = true;
      if (!force && this.ws && this.ws.readyState <= 1) return;
      if (this.ws) { this.ws.onclose = null; this.ws.close(); }
      if (this.socketFailures >= 3 && window.EventSource) { this.follow(); return; }
      const id = this.state.conversation;
      const url = `${wsBase}/api/v1/ws/chat/${id}?token=${encodeURIComponent(this.state.visitor.access_token)}&last_sequence=${this.lastSeq}`;
      let ws;
      try { ws = new WebSocket(url); } catch (e) { this.socketFailures = 3; this.follow(); return; }
      this.ws = ws;
      let opened = false;
      ws.onopen = () => { opened = true; this.socketFailures = 0; this.backoff = 0; this.setStatus(''); };
      ws.onmessage = (e) => { let data; try { data = JSON.parse(e.data); } catch (x) { return; } this.handle(data); };
      ws.onclose = (e) => {
        if (this.ws !== ws) return;
        this.ws = null;
        if (!this.wanted) return;
        if (!opened) this.socketFailures++;
        if (e.code === 1008 && /not found/.test(e.reason)) { this.state.conversation = null; this.save(); this.clearLog(); this.start(); return; }
        if (!navigator.onLine) {
          this.setStatus(t('offline'));
          const wait = () => { if (this.ws || !this.wanted) return; if (navigator.onLine) { this.setStatus(''); this.connect(true); } else setTimeout(wait, 1000); };
          setTimeout(wait, 1000);
          return;
        }
        const renew = e.code === 1008 || (this.state.visitor && this.state.visitor.expires_at - 60000 < Date.now());
        this.setStatus(t('reconnecting'));
        this.retryLater(async () => {
          try { if (renew) await this.refresh(); this.connect(); } catch (x) { if (x.status) { this.state = {}; this.save(); this.clearLog(); this.start(); } else this.retryLater(() => this.connect()); }
        });
      };
    }

    /** Fallback when sockets cannot be opened: the conversation's event stream (resumes by Last-Event-ID). */
    follow() {
      if (this.events) this.events.close();
      const url = `${api}/conversations/${this.state.conversation}/events?token=${encodeURIComponent(this.state.visitor.access_token)}&last_sequence=${this.lastSeq}`;
      const events = new EventSource(url);
      this.events = events;
      for (const type of ['message', 'typing', 'presence', 'escalation']) {
        events.addEventListener(type, (e) => { try { this.handle(JSON.parse(e.data)); } catch (x) { /* ignore a bad event */ } });
      }
      events.onopen = () => this.setStatus('');
      // Closed for good (401 once the token in the URL expired, 403, 5xx): a fresh token, then follow again.
      events.onerror = () => {
        if (events.readyState !== 2) { this.setStatus(t('reconnecting')); return; }
        if (this.events === events) this.events = null;
        this.retryLater(async () => { try { await this.ensureVisitor(); } catch (x) { /* followed again below, with the next backoff */ } if (this.wanted) this.follow(); });
      };
    }

    disconnect() {
      this.wanted = false;
      if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
      if (this.events) { this.events.close(); this.events = null; }
    }

    setStatus(text) { this.statusEl.textContent = text; this.statusEl.hidden = !text; }
    setTyping(text) { this.typingEl.textContent = text || ''; this.typingEl.hidden = !text; }

    handle(e) {
      switch (e.type) {
        case 'connection_established':
          this.setStatus('');
          this.subEl.textContent = t('online');
          if (e.status === 'ended') this.showEnded();
          else if (e.status === 'escalated' && !this.agentName) this.setWaiting(true);
          break;
        case 'message': this.onMessage(e.message || e); break;
        case 'token': this.onToken(e); break;
        case 'final': this.onFinal(e.metadata || e, e.sequence); break;
        case 'agent_event': if (e.content === 'thinking') this.setTyping(t('thinking')); if (e.content === 'stream_reset' && this.streaming) { this.streaming.body.textContent = ''; } break;
        case 'typing': if (e.role !== 'visitor') this.setTyping(e.is_typing ? t('typing', { name: this.agentName || t('agent') }) : ''); break;
        case 'presence': if (e.role === 'agent' || e.role === 'admin') this.subEl.textContent = e.status === 'online' ? t('agent_online', { name: this.agentName || t('agent') }) : t('online'); break;
        case 'escalation':
          if (e.step === 'closed') this.showEnded();
          else if (e.step === 'released') { this.setWaiting(false); this.agentName = null; }
          else if (e.step === 'claimed') this.setWaiting(false);
          else if (e.status === 'escalated') this.setWaiting(true);
          break;
        case 'error': this.setTyping(''); this.setStatus(t('error', { m: e.error?.message || e.message || '' })); break;
        default: break;
      }
    }

    onToken(e) {
      const first = !this.streaming;
      if (first) {
        mark('first-token-socket');
        this.setTyping('');
        const body = el('div', {});
        const bubble = el('div', { class: 'msg bot', 'aria-busy': 'true' }, el('span', { class: 'who', text: t('bot') }), body);
        this.streaming = { bubble, body };
        this.log.append(bubble);
      }
      this.streaming.body.append(e.content || '');
      if (first) requestAnimationFrame(() => mark('first-token-visible'));
      this.scroll();
    }

    onFinal(meta, sequence) {
      this.setTyping('');
      // The event stream may have delivered (and matched) the visitor's message before this final.
      const mine = meta.user_message_id && this.seen.has(meta.user_message_id) ? null : this.pending.shift();
      if (mine && meta.user_message_id) { this.seen.set(meta.user_message_id, mine); mine.dataset.id = meta.user_message_id; }
      if (sequence) this.lastSeq = Math.max(this.lastSeq, sequence);
      if (this.streaming && meta.message_id && !this.seen.has(meta.message_id)) {
        this.renderInto(this.streaming.bubble, { message_type: 'bot', content: this.streaming.body.textContent, citations: meta.citations || [] });
        this.seen.set(meta.message_id, this.streaming.bubble);
      }
      this.streaming = null;
      if (meta.escalation_needed && !this.agentName) this.setWaiting(true);
    }

    onMessage(m) {
      if (!m || !m.id) return;
      if (m.sequence) this.lastSeq = Math.max(this.lastSeq, m.sequence);
      if (this.seen.has(m.id)) return;
      const type = m.message_type;
      // During an HTTP turn the event stream can overtake the turn's own tokens: its bot message waits for the final.
      if (type === 'bot' && this.turning) { this.held.push(m); return; }
      if (type === 'user') {
        const i = this.pending.findIndex((p) => p.dataset.text === m.content);
        if (i >= 0) { const p = this.pending.splice(i, 1)[0]; this.seen.set(m.id, p); return; }
      }
      const name = m.metadata?.sender_name;
      if (type === 'system') {
        if (/joined/.test(m.content) && name) { this.agentName = name; this.setWaiting(false); this.note(t('agent_joined', { name })); }
        else if (/closed/.test(m.content)) { this.note(m.content); this.showEnded(); }
        else this.note(m.content);
        this.seen.set(m.id, true);
        return;
      }
      if (type === 'agent' && name) this.agentName = name;
      let bubble;
      if (type === 'bot' && this.streaming) { bubble = this.streaming.bubble; this.streaming = null; this.setTyping(''); }
      else { bubble = el('div', {}); this.log.append(bubble); }
      this.renderInto(bubble, m);
      this.seen.set(m.id, bubble);
      this.scroll();
      this.emit('message', { id: m.id, type, content: m.content, sequence: m.sequence, sender_name: name || null, citations: m.citations || [] });
    }

    renderInto(bubble, m) {
      const type = m.message_type;
      bubble.className = 'msg ' + (type === 'user' ? 'user' : type === 'agent' ? 'agent' : 'bot');
      bubble.removeAttribute('aria-busy');
      const who = type === 'user' ? t('you') : type === 'agent' ? (m.metadata?.sender_name || t('agent')) : t('bot');
      bubble.replaceChildren(el('span', { class: 'who', text: who }));
      const files = Array.isArray(m.metadata?.attachments) ? m.metadata.attachments : [];
      if (files.length) {
        for (const f of files) {
          bubble.append(el('button', { class: 'file', type: 'button', 'aria-label': t('download', { name: f.file_name }), text: '📎 ' + f.file_name, onclick: () => this.download(f) }));
        }
      } else if (type === 'user') bubble.append(el('p', { text: m.content })); else bubble.append(markdown(m.content));
      const cites = Array.isArray(m.citations) ? m.citations : [];
      if (cites.length) {
        const list = el('ol', { class: 'cites', 'aria-label': t('sources') });
        cites.forEach((c, i) => {
          const label = [c.source, c.title].filter(Boolean).filter((v, j, all) => all.indexOf(v) === j).join(' — ');
          const li = el('li', {}, `[${i + 1}] `);
          li.append(c.url ? link(label || c.url, c.url) : label);
          list.append(li);
        });
        bubble.append(list);
      }
    }

    note(text) { this.log.append(el('div', { class: 'note', text })); this.scroll(); }
    scroll() { this.log.scrollTop = this.log.scrollHeight; }
    clearLog() { this.log.replaceChildren(); this.seen.clear(); this.pending = []; this.lastSeq = 0; this.greeted = false; this.agentName = null; this.ended = false; this.applyConfig(this.config); }

    setWaiting(on) {
      if (on && !this.waitingNote) { this.waitingNote = el('div', { class: 'note', text: t('waiting') }); this.log.append(this.waitingNote); this.scroll(); }
      if (!on && this.waitingNote) { this.waitingNote.remove(); this.waitingNote = null; }
      this.personBtn.hidden = on || !!this.agentName;
    }

    showEnded() {
      if (this.ended) return;
      this.ended = true;
      this.setWaiting(false);
      this.setTyping('');
      this.compose.hidden = this.actions.hidden = true;
      this.rating.hidden = false;
      this.ratingForm.hidden = !!this.state.rated;
      this.thanks.hidden = !this.state.rated;
      if (!this.ratingShown) { this.ratingShown = true; this.note(t('ended')); }
    }

    pick(n) { this.score = n; [...this.stars.children].forEach((b, i) => b.setAttribute('aria-pressed', String(i + 1 === n))); }

    async rate() {
      if (!this.score) { this.stars.firstChild.focus(); return; }
      try {
        await this.call('POST', `/conversations/${this.state.conversation}/rating`, { rating: this.score, comment: this.comment.value.trim() || null });
      } catch (e) { if (e.status !== 409) { this.setStatus(t('error', { m: e.message })); return; } }
      this.state.rated = true; this.save();
      this.ratingForm.hidden = true; this.thanks.hidden = false;
      this.thanks.querySelector('button').focus();
    }

    restart() {
      this.disconnect();
      this.state.conversation = null; this.state.rated = false; this.save();
      this.rating.hidden = true; this.ratingShown = false;
      this.clearLog();
      this.compose.hidden = this.actions.hidden = false;
      this.personBtn.hidden = false;
      this.input.focus();
      this.start();
    }

    async upload() {
      const file = this.fileInput.files && this.fileInput.files[0];
      this.fileInput.value = '';
      if (!file || this.ended) return;
      try {
        if (!this.state.conversation || !this.state.visitor) await this.start();
        await this.ensureVisitor();
        const body = new FormData();
        body.append('file', file, file.name);
        const r = await fetch(`${api}/widget/${encodeURIComponent(websiteToken)}/conversations/${this.state.conversation}/attachments`, {
          method: 'POST', headers: { authorization: 'Bearer ' + this.state.visitor.access_token }, body,
        });
        const data = await r.json().catch(() => null);
        if (!r.ok) throw new Error(data?.error?.message || r.statusText);
        this.onMessage({ id: data.message_id, sequence: data.sequence, message_type: 'user', content: '', metadata: { attachments: [data] } });
      } catch (e) { this.setStatus(t('error', { m: e.message })); }
    }

    async download(f) {
      try {
        const r = await fetch(`${api}/widget/${encodeURIComponent(websiteToken)}/conversations/${this.state.conversation}/attachments/${encodeURIComponent(f.id)}`, {
          headers: { authorization: 'Bearer ' + this.state.visitor.access_token },
        });
        if (!r.ok) throw new Error(r.statusText);
        const url = URL.createObjectURL(await r.blob());
        const a = el('a', { href: url, download: f.file_name });
        this.root.append(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      } catch (e) { this.setStatus(t('error', { m: e.message })); }
    }

    submit() {
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      this.send(text);
    }

    async send(text) {
      if (this.ended) return;
      const bubble = el('div', { class: 'msg user', 'data-text': text }, el('span', { class: 'who', text: t('you') }), el('p', { text }));
      this.pending.push(bubble);
      this.log.append(bubble);
      this.scroll();
      this.emit('message', { type: 'user', content: text });
      if (!this.state.conversation || !this.state.visitor) await this.start();
      if (this.ws && this.ws.readyState === 1) { this.ws.send(JSON.stringify({ type: 'message', content: text })); return; }
      this.streamTurn(text);
    }

    /** SSE fallback for a turn: POST /chat/stream, read token and final events from the body. */
    async streamTurn(text) {
      this.turning = (this.turning || 0) + 1;
      this.held = this.held || [];
      try {
        await this.ensureVisitor();
        const r = await fetch(`${api}/chat/stream`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer ' + this.state.visitor.access_token },
          body: JSON.stringify({ session_id: this.state.conversation, message: text }),
        });
        if (!r.ok || !r.body) throw new Error((await r.json().catch(() => null))?.error?.message || r.statusText);
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
            const event = /^event: ?(.*)$/m.exec(chunk)?.[1] || 'message';
            const data = chunk.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
            let body; try { body = JSON.parse(data); } catch (x) { continue; }
            if (event === 'token') this.onToken(body);
            else if (event === 'agent_event') this.handle(body);
            else if (event === 'reset' && this.streaming) this.streaming.body.textContent = '';
            // The HTTP turn's final names the visitor's message message_id and the answer response_message_id
            // (the socket's final says message_id and user_message_id).
            else if (event === 'final') this.onFinal({ message_id: body.response_message_id, user_message_id: body.message_id, citations: body.citations, escalation_needed: body.escalation_needed }, Number(/^id: ?(\d+)/m.exec(chunk)?.[1] || 0));
            else if (event === 'error') this.setStatus(t('error', { m: body.error?.message || '' }));
          }
        }
      } catch (e) {
        this.setTyping('');
        this.setStatus(t('error', { m: e.message }));
      } finally {
        this.turning--;
        if (!this.turning) { const held = this.held.splice(0); this.streaming = null; for (const m of held) this.onMessage(m); }
      }
    }
  }

  if (!customElements.get('parley-chat')) customElements.define('parley-chat', ParleyChat);
  const widget = document.createElement('parley-chat');
  const attach = () => document.body.append(widget);
  if (document.body) attach(); else addEventListener('DOMContentLoaded', attach);

  window.Parley = {
    version: '1',
    open: () => widget.open(),
    close: () => widget.close(),
    toggle: () => widget.toggle(),
    setUser: (user) => widget.setUser(user),
    on: (name, fn) => widget.on(name, fn),
    send: (text) => { widget.open(); return widget.send(String(text)); },
    element: widget,
  };
  if (settings.open || script.hasAttribute('data-open')) widget.open();
})();
