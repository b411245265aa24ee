// One WebSocket, owned by a dedicated worker, whose messages reach the page in batches.
//
// Why: at thousands of messages a second, the page's main thread spent most of its time on
// the browser's per-message work (an IPC receive, a task, an event and a call into wasm for
// each message), not on decoding; frames fell to 10 a second between 7,000 and 8,500 messages
// a second. Here the socket's events land on the worker's thread, and the page gets one task
// per batch (at most every 16 ms, or sooner when a batch is full).
//
// Protocol (page -> worker): {t:'open', url, max}, {t:'send', text}, {t:'ack', bytes},
// {t:'close'}. Worker -> page: {t:'open'}, {t:'msgs', data: [string, ...], bytes},
// {t:'too-large', size}, {t:'send-failed', detail}, {t:'error'}, {t:'close', code, reason},
// {t:'overrun', bytes}.
//
// The page acknowledges what it has read in steps of about 1 MB ({t:'ack', bytes}).
//
// Bounded: a message over `max` (UTF-16 units of text, or bytes) is dropped and reported, as
// the page's own socket did. Batches the page has not yet acknowledged are counted; past
// MAX_UNACKED_BYTES the page is not keeping up, and rather than queue without limit the worker
// closes the socket and says so (the page reconnects, and venue feeds backfill the gap by
// trade id).
'use strict';

const FLUSH_MS = 16;
const MAX_BATCH = 4096;
const MAX_BATCH_BYTES = 4 << 20;
const MAX_UNACKED_BYTES = 64 << 20;

let ws = null;
let max = 1 << 20;
let batch = [];
let batchBytes = 0;
let unacked = 0;
let timer = 0;
const utf8 = new TextDecoder();

function flush() {
  if (timer) clearTimeout(timer);
  timer = 0;
  if (batch.length === 0) return;
  postMessage({ t: 'msgs', data: batch, bytes: batchBytes });
  unacked += batchBytes;
  batch = [];
  batchBytes = 0;
  if (unacked > MAX_UNACKED_BYTES && ws) {
    const socket = ws;
    ws = null;
    socket.onmessage = socket.onclose = socket.onerror = null;
    socket.close(4000, 'page behind');
    postMessage({ t: 'overrun', bytes: unacked });
  }
}

function onSocketMessage(ev) {
  let data = ev.data;
  const size = typeof data === 'string' ? data.length : data.byteLength;
  if (size > max) {
    postMessage({ t: 'too-large', size });
    return;
  }
  if (typeof data !== 'string') data = utf8.decode(data);
  batch.push(data);
  batchBytes += data.length;
  if (batch.length >= MAX_BATCH || batchBytes >= MAX_BATCH_BYTES) flush();
  else if (!timer) timer = setTimeout(flush, FLUSH_MS);
}

onmessage = (e) => {
  const m = e.data;
  switch (m && m.t) {
    case 'open':
      max = m.max;
      try {
        ws = new WebSocket(m.url);
      } catch (err) {
        postMessage({ t: 'open-failed', detail: String(err && err.message ? err.message : err) });
        return;
      }
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => postMessage({ t: 'open' });
      ws.onmessage = onSocketMessage;
      ws.onerror = () => {
        flush();
        postMessage({ t: 'error' });
      };
      ws.onclose = (ev) => {
        flush();
        postMessage({ t: 'close', code: ev.code, reason: ev.reason });
      };
      break;
    case 'send':
      try {
        if (!ws) throw new Error('the socket is closed');
        ws.send(m.text);
      } catch (err) {
        postMessage({ t: 'send-failed', detail: String(err && err.message ? err.message : err) });
      }
      break;
    case 'ack':
      unacked = Math.max(0, unacked - m.bytes);
      break;
    case 'close':
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        ws.close(1000);
        ws = null;
      }
      close();
      break;
    default:
      break;
  }
};
