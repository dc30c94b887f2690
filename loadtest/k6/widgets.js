// k6: many live widgets on one footfall, speaking Engine.IO v4 / Socket.IO v5 over k6/ws
// (websocket transport only, as the Node harness' clients: loadtest/lib/live-worker.ts).
// Each VU holds one connection for HOLD seconds: handshake `0{…}`, connect to the default
// namespace with `40{"site":…}`, answer pings `2` with `3`, count `42["counts",…]` events.
// footfall must run with FOOTFALL_TRUST_PROXY=1 (2 behind nginx) and the bench site (see loadtest/README.md);
// send hits meanwhile (loadtest/k6/ingest.js at a low RATE) to see broadcasts.
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e CLIENTS=5000 -e HOLD=60 loadtest/k6/widgets.js
//
// One k6 process holds CLIENTS sockets plus the server's own: mind `ulimit -n` on both sides.
import ws from 'k6/ws';
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const SITE = __ENV.SITE || 'bench';
const ORIGIN = __ENV.ORIGIN || 'https://bench.example.com';
const CLIENTS = Number(__ENV.CLIENTS || 1000);
const HOLD_S = Number(__ENV.HOLD || 60);
const RAMP_S = Number(__ENV.RAMP || Math.max(10, Math.ceil(CLIENTS / 200)));
const PUSH_INTERVAL_MS = Number(__ENV.PUSH_INTERVAL_MS || 1000);

if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(BASE_URL)) {
  throw new Error(`BASE_URL ${BASE_URL} is not a loopback address; load only ever targets this machine`);
}

const WS_URL = `${BASE_URL.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;

const countsReceived = new Counter('footfall_counts_events');
const connected = new Rate('footfall_namespace_connected');
/** Age of a pushed payload when it arrives (now − payload.at): push-to-widget delay. */
const countsAge = new Trend('footfall_counts_age_ms', true);
const refused = new Counter('footfall_connect_refused');

export const options = {
  scenarios: {
    widgets: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: `${RAMP_S}s`, target: CLIENTS },
        { duration: `${HOLD_S}s`, target: CLIENTS },
      ],
      gracefulRampDown: '5s',
      gracefulStop: '10s',
    },
  },
  thresholds: {
    // Every widget gets in, and a push reaches it within one push interval + 250 ms
    // (the harness measures hit → widget; here the payload's own timestamp is the start).
    footfall_namespace_connected: ['rate>0.99'],
    footfall_counts_age_ms: [`p(99)<=${PUSH_INTERVAL_MS + 250}`],
    footfall_counts_events: ['count>0'],
  },
  summaryTrendStats: ['med', 'p(90)', 'p(99)', 'max'],
};

function visitorAddress(i) {
  return `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
}

export default function () {
  const visitor = __VU;
  const params = {
    headers: {
      Origin: ORIGIN,
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'X-Forwarded-For': visitorAddress(visitor),
    },
  };
  let joined = false;
  const res = ws.connect(WS_URL, params, (socket) => {
    socket.on('message', (message) => {
      // Engine.IO packet types: 0 open, 2 ping, 3 pong, 4 message (Socket.IO packet follows).
      if (message.startsWith('0')) {
        socket.send(`40${JSON.stringify({ site: SITE })}`);
      } else if (message === '2') {
        socket.send('3');
      } else if (message.startsWith('40')) {
        joined = true;
        connected.add(1);
      } else if (message.startsWith('44')) {
        // connect_error, e.g. {"message":"origin_not_allowed"}
        refused.add(1);
        socket.close();
      } else if (message.startsWith('42')) {
        const [event, payload] = JSON.parse(message.slice(2));
        if (event === 'counts') {
          countsReceived.add(1);
          if (payload && payload.at) countsAge.add(Date.now() - Date.parse(payload.at));
        }
      }
    });
    socket.setTimeout(() => socket.close(), (RAMP_S + HOLD_S) * 1000);
  });
  check(res, { 'upgraded (101)': (r) => r && r.status === 101 });
  if (!joined) connected.add(0);
}
