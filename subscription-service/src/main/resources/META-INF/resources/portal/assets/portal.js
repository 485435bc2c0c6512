// Herald subscriber portal. Plain DOM, no framework, no build step. Everything shown is set as text (textContent or
// text nodes), never parsed as HTML: the page's CSP requires Trusted Types, so any innerHTML would throw.
// Every action is a call to the /v1 API with the session token; the API checks it like any other request.

const TOKEN_KEY = 'herald.portal.token';
const $ = (id) => document.getElementById(id);

let token = null;
let claims = {};
let current = null; // the endpoint shown in the detail view
let choices = null; // { names: [...], source: 'session' | 'catalog' | 'patterns' }
let logCursor = null;
let deadCursor = null;

class ApiError extends Error {
    constructor(status, problem) {
        super((problem && (problem.detail || problem.title)) || 'HTTP ' + status);
        this.status = status;
        this.problem = problem;
    }
}

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
        if (name === 'onclick') {
            node.addEventListener('click', value);
        } else if (value !== null && value !== undefined && value !== false) {
            node.setAttribute(name, value === true ? '' : String(value));
        }
    }
    for (const child of children.flat()) {
        if (child !== null && child !== undefined) {
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    }
    return node;
}

function show(view) {
    for (const section of document.querySelectorAll('main > section')) {
        section.hidden = section.id !== view;
    }
}

function notify(message, kind) {
    const notice = $('notice');
    notice.replaceChildren();
    notice.className = kind || 'error';
    if (message instanceof ApiError && message.problem) {
        notice.append(el('strong', null, message.problem.title || 'Error'), ' ', message.problem.detail || '');
        if (Array.isArray(message.problem.errors) && message.problem.errors.length) {
            notice.append(el('ul', null, message.problem.errors.map((e) => el('li', null, e.field + ': ' + e.message))));
        }
    } else {
        notice.append(String(message instanceof Error ? message.message : message));
    }
    notice.hidden = false;
}

function clearNotice() {
    $('notice').hidden = true;
}

async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    const init = { method, headers };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
    }
    const response = await fetch(new URL('../' + path, location.href), init);
    const text = await response.text();
    let data = null;
    try {
        data = text ? JSON.parse(text) : null;
    } catch (e) {
        data = null;
    }
    if (response.status === 401) {
        expired();
    }
    if (!response.ok) {
        throw new ApiError(response.status, data);
    }
    return data;
}

function expired() {
    sessionStorage.removeItem(TOKEN_KEY);
    $('session-expiry').textContent = '';
    show('view-expired');
}

function readToken() {
    const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (match) {
        sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
        // Out of the address bar and the history: the token is a credential.
        history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
}

function decodeClaims(jwt) {
    try {
        const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
        return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
    } catch (e) {
        return {};
    }
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const isoFromLocal = (value) => (value ? new Date(value).toISOString() : null);

// ---- event types: the session's list, else the catalog, else free patterns ----

async function eventTypeChoices() {
    if (choices) {
        return choices;
    }
    if (Array.isArray(claims.eventTypes) && claims.eventTypes.length) {
        choices = { names: claims.eventTypes.map((name) => ({ name })), source: 'session' };
        return choices;
    }
    try {
        const answer = await api('GET', 'v1/event-types?limit=100');
        const items = Array.isArray(answer) ? answer : (answer && answer.data) || [];
        const names = items.map((t) => (typeof t === 'string' ? { name: t } : t)).filter((t) => t && t.name);
        choices = { names, source: names.length ? 'catalog' : 'patterns' };
    } catch (e) {
        // No catalog on this server (404), or not for this session: free patterns.
        if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 403 && e.status !== 405)) {
            throw e;
        }
        choices = { names: [], source: 'patterns' };
    }
    return choices;
}

// ---- endpoints list ----

let endpointsNext = null;

async function listEndpoints(append) {
    const path = 'v1/endpoints?limit=50' + (append && endpointsNext ? '&cursor=' + encodeURIComponent(endpointsNext) : '');
    const page = await api('GET', path);
    const body = $('endpoints-table').tBodies[0];
    if (!append) {
        body.replaceChildren();
    }
    for (const endpoint of page.data) {
        body.append(el('tr', { 'data-endpoint-id': endpoint.id },
            el('td', null, el('button', { type: 'button', class: 'link', onclick: () => openEndpoint(endpoint.id) }, endpoint.url)),
            el('td', null, endpoint.eventTypes.join(', ')),
            el('td', null, el('span', { class: endpoint.enabled ? 'badge ok' : 'badge off' }, endpoint.enabled ? 'Enabled' : 'Disabled')),
            el('td', null, endpoint.description || '')));
    }
    endpointsNext = page.nextCursor;
    $('endpoints-more').hidden = !endpointsNext;
    $('endpoints-empty').hidden = body.rows.length > 0;
    show('view-endpoints');
}

// ---- create / edit ----

async function openForm(endpoint) {
    clearNotice();
    const { names, source } = await eventTypeChoices();
    $('form-title').textContent = endpoint ? 'Edit endpoint' : 'Add endpoint';
    $('form-url').value = endpoint ? endpoint.url : '';
    $('form-description').value = endpoint ? endpoint.description || '' : '';
    const chosen = new Set(endpoint ? endpoint.eventTypes : []);
    const box = $('form-type-choices');
    box.replaceChildren();
    for (const type of names) {
        const id = 'type-' + type.name.replace(/[^a-zA-Z0-9_-]/g, '_');
        box.append(el('div', { class: 'choice' },
            el('input', { type: 'checkbox', id, value: type.name, checked: chosen.has(type.name) }),
            el('label', { for: id }, type.name, type.deprecated ? ' (deprecated)' : ''),
            type.description ? el('small', null, ' ' + type.description) : null));
        chosen.delete(type.name);
    }
    // The session's list is all there is; with the catalog, patterns (order.*) can be added beside it.
    $('form-patterns-box').hidden = source === 'session';
    $('form-patterns').value = [...chosen].join(', ');
    $('endpoint-form').dataset.endpointId = endpoint ? endpoint.id : '';
    show('view-form');
    $('form-url').focus();
}

async function saveForm(event) {
    event.preventDefault();
    const form = $('endpoint-form');
    const types = [...$('form-type-choices').querySelectorAll('input:checked')].map((input) => input.value);
    if (!$('form-patterns-box').hidden) {
        types.push(...$('form-patterns').value.split(',').map((s) => s.trim()).filter(Boolean));
    }
    const body = { url: $('form-url').value.trim(), description: $('form-description').value.trim() || null, eventTypes: types };
    try {
        if (form.dataset.endpointId) {
            await api('PATCH', 'v1/endpoints/' + encodeURIComponent(form.dataset.endpointId), body);
            await openEndpoint(form.dataset.endpointId);
            notify('Endpoint saved.', 'info');
        } else {
            const created = await api('POST', 'v1/endpoints', body);
            await openEndpoint(created.id);
            showSecret(created.secret, 'Signing secret of the new endpoint: verify every webhook with it.');
            notify('Endpoint created.', 'info');
        }
    } catch (e) {
        notify(e);
    }
}

// ---- one endpoint ----

async function openEndpoint(id) {
    clearNotice();
    current = await api('GET', 'v1/endpoints/' + encodeURIComponent(id));
    $('ep-url').textContent = current.url;
    $('ep-id').textContent = current.id;
    $('ep-description').textContent = current.description || '—';
    $('ep-types').textContent = current.eventTypes.join(', ');
    $('ep-status').replaceChildren(el('span', { class: current.enabled ? 'badge ok' : 'badge off' }, current.enabled ? 'Enabled' : 'Disabled'));
    $('ep-signing').textContent = current.signingMode === 'v1a' ? 'Ed25519 (v1a)' : 'HMAC-SHA256 (v1)';
    $('ep-toggle').textContent = current.enabled ? 'Disable' : 'Enable';
    $('ep-secret').hidden = true;
    $('test-result').replaceChildren();
    const { names } = await eventTypeChoices();
    $('test-type-choices').replaceChildren(...names.map((t) => el('option', { value: t.name })));
    show('view-endpoint');
    await Promise.all([loadLog(null), loadDeadLetters(false), loadChart()]);
}

function showSecret(secret, note) {
    $('ep-secret-value').textContent = secret;
    $('ep-secret-note').textContent = note;
    $('ep-secret').hidden = false;
}

async function run(action) {
    try {
        clearNotice();
        await action();
    } catch (e) {
        notify(e);
    }
}

function statusCell(attempt) {
    const status = attempt.status || 'unknown';
    return el('span', { class: 'badge ' + (status === 'succeeded' ? 'ok' : 'bad') }, status.replace('_', ' '));
}

function attemptRow(attempt) {
    return el('tr', { 'data-attempt-id': attempt.id },
        el('td', null, time(attempt.attemptedAt)),
        el('td', null, attempt.eventType, el('br'), el('small', null, attempt.eventId)),
        el('td', null, attempt.attempt),
        el('td', null, statusCell(attempt)),
        el('td', { class: 'code' }, attempt.statusCode === null || attempt.statusCode === undefined ? '—' : attempt.statusCode),
        el('td', null, attempt.latencyMs + ' ms'),
        el('td', null,
            attempt.error ? el('div', { class: 'error-text' }, attempt.error) : null,
            attempt.responseExcerpt ? el('pre', { class: 'excerpt' }, attempt.responseExcerpt) : null));
}

async function loadLog(cursor) {
    if (!current) {
        return;
    }
    const params = new URLSearchParams({ limit: '20' });
    if ($('log-status').value) params.set('status', $('log-status').value);
    const from = isoFromLocal($('log-from').value);
    const to = isoFromLocal($('log-to').value);
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    if (cursor) params.set('cursor', cursor);
    const page = await api('GET', 'v1/endpoints/' + encodeURIComponent(current.id) + '/attempts?' + params);
    $('log-table').tBodies[0].replaceChildren(...page.data.map(attemptRow));
    $('log-empty').hidden = page.data.length > 0;
    logCursor = page.nextCursor;
    $('log-next').hidden = !logCursor;
    $('log-first').hidden = !cursor;
}

async function loadDeadLetters(append) {
    const params = new URLSearchParams({ endpointId: current.id, limit: '20' });
    if (append && deadCursor) params.set('cursor', deadCursor);
    const page = await api('GET', 'v1/dead-letters?' + params);
    const body = $('dead-table').tBodies[0];
    if (!append) {
        body.replaceChildren();
    }
    for (const letter of page.data) {
        const replay = el('button', { type: 'button', class: 'replay', disabled: letter.status !== 'pending' }, 'Replay');
        replay.addEventListener('click', () => run(async () => {
            await api('POST', 'v1/dead-letters/' + encodeURIComponent(letter.id) + '/replay');
            notify('Replayed: the delivery is on its way again.', 'info');
            await loadDeadLetters(false);
        }));
        body.append(el('tr', { 'data-dead-letter-id': letter.id },
            el('td', null, time(letter.deadAt)),
            el('td', null, letter.eventType || '', el('br'), el('small', null, letter.eventId)),
            el('td', null, letter.attempts),
            el('td', null, letter.lastStatusCode === null || letter.lastStatusCode === undefined ? '—' : letter.lastStatusCode),
            el('td', null, letter.lastError || ''),
            el('td', { class: 'state' }, letter.status),
            el('td', null, replay)));
    }
    deadCursor = page.nextCursor;
    $('dead-next').hidden = !deadCursor;
    $('dead-empty').hidden = body.rows.length > 0;
}

async function loadChart() {
    const stats = await api('GET', 'v1/endpoints/' + encodeURIComponent(current.id) + '/attempt-stats?hours=24');
    const svg = $('chart');
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    const max = Math.max(1, ...stats.buckets.map((b) => b.succeeded + b.failed));
    const width = 480 / stats.buckets.length;
    let succeeded = 0;
    let failed = 0;
    stats.buckets.forEach((bucket, i) => {
        succeeded += bucket.succeeded;
        failed += bucket.failed;
        const okHeight = (bucket.succeeded / max) * 110;
        const badHeight = (bucket.failed / max) * 110;
        for (const [height, y, kind] of [[okHeight, 120 - okHeight, 'ok'], [badHeight, 120 - okHeight - badHeight, 'bad']]) {
            if (height > 0) {
                const bar = document.createElementNS(ns, 'rect');
                bar.setAttribute('x', String(i * width + 1));
                bar.setAttribute('y', String(y));
                bar.setAttribute('width', String(width - 2));
                bar.setAttribute('height', String(height));
                bar.setAttribute('class', 'bar ' + kind);
                const title = document.createElementNS(ns, 'title');
                title.textContent = time(bucket.start) + ': ' + bucket.succeeded + ' succeeded, ' + bucket.failed + ' failed';
                bar.append(title);
                svg.append(bar);
            }
        }
    });
    $('chart-summary').textContent = succeeded + ' succeeded, ' + failed + ' failed in the last 24 hours';
}

async function sendTestEvent(event) {
    event.preventDefault();
    const type = $('test-type').value.trim();
    const sent = await api('POST', 'v1/endpoints/' + encodeURIComponent(current.id) + '/test-events', type ? { eventType: type } : {});
    const result = $('test-result');
    result.replaceChildren(el('p', { class: 'pending' }, 'Sent ' + sent.eventType + ' (' + sent.eventId + '); waiting for the attempt…'));
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && current && current.id === sent.endpointId) {
        const page = await api('GET', 'v1/events/' + encodeURIComponent(sent.eventId) + '/attempts?limit=5');
        if (page.data.length) {
            result.replaceChildren(el('table', { id: 'test-attempts' },
                el('tbody', null, page.data.map(attemptRow))));
            await Promise.all([loadLog(null), loadChart(), loadDeadLetters(false)]);
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    result.replaceChildren(el('p', null, 'No attempt yet for ' + sent.eventId + '; it will appear in the log below.'));
}

function bind() {
    $('new-endpoint').addEventListener('click', () => run(() => openForm(null)));
    $('endpoints-more').addEventListener('click', () => run(() => listEndpoints(true)));
    $('endpoint-form').addEventListener('submit', saveForm);
    $('form-cancel').addEventListener('click', () => run(() => (current && $('endpoint-form').dataset.endpointId ? openEndpoint(current.id) : listEndpoints(false))));
    $('back').addEventListener('click', () => run(() => { current = null; return listEndpoints(false); }));
    $('ep-edit').addEventListener('click', () => run(() => openForm(current)));
    $('ep-toggle').addEventListener('click', () => run(async () => {
        await api('PATCH', 'v1/endpoints/' + encodeURIComponent(current.id), { enabled: !current.enabled });
        await openEndpoint(current.id);
    }));
    $('ep-delete').addEventListener('click', () => run(async () => {
        if (!confirm('Delete ' + current.url + '? Deliveries to it stop.')) {
            return;
        }
        await api('DELETE', 'v1/endpoints/' + encodeURIComponent(current.id));
        current = null;
        await listEndpoints(false);
        notify('Endpoint deleted.', 'info');
    }));
    $('ep-reveal').addEventListener('click', () => run(async () => {
        const answer = await api('GET', 'v1/endpoints/' + encodeURIComponent(current.id) + '/secret');
        showSecret(answer.secret, current.signingMode === 'v1a' ? 'Public key to verify signatures with.' : 'Verify every webhook with this secret; keep it private.');
    }));
    $('ep-rotate').addEventListener('click', () => run(async () => {
        const answer = await api('POST', 'v1/endpoints/' + encodeURIComponent(current.id) + '/rotate-secret');
        showSecret(answer.secret, answer.previousSecretExpiresAt
            ? 'New secret. The previous one keeps signing until ' + time(answer.previousSecretExpiresAt) + '.'
            : 'New secret.');
    }));
    $('test-form').addEventListener('submit', (event) => run(() => sendTestEvent(event)));
    $('log-filter').addEventListener('submit', (event) => { event.preventDefault(); run(() => loadLog(null)); });
    $('log-next').addEventListener('click', () => run(() => loadLog(logCursor)));
    $('log-first').addEventListener('click', () => run(() => loadLog(null)));
    $('dead-next').addEventListener('click', () => run(() => loadDeadLetters(true)));
    $('recover-form').addEventListener('submit', (event) => {
        event.preventDefault();
        run(async () => {
            const since = isoFromLocal($('recover-since').value);
            if (!since) {
                notify('Choose the date and time to recover from.');
                return;
            }
            const answer = await api('POST', 'v1/endpoints/' + encodeURIComponent(current.id) + '/recover?since=' + encodeURIComponent(since));
            notify('Recovered ' + answer.replayed + ' dead letter(s).', 'info');
            await loadDeadLetters(false);
        });
    });
}

async function start() {
    bind();
    // A new link opened in this tab changes only the fragment, which loads nothing: start over with its token.
    window.addEventListener('hashchange', () => {
        if (/(?:^#|&)token=/.test(location.hash)) {
            readToken();
            location.reload();
        }
    });
    token = readToken();
    if (!token) {
        expired();
        return;
    }
    claims = decodeClaims(token);
    if (claims.exp) {
        $('session-expiry').textContent = 'Session ends ' + new Date(claims.exp * 1000).toLocaleString();
    }
    try {
        await listEndpoints(false);
    } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) {
            show('view-endpoints');
            notify(e);
        }
    }
}

start();
