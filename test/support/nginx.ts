/**
 * Debian's nginx running the repository's own `deploy/nginx.conf`, as the compose file mounts
 * it, or `deploy/nginx-first-party.conf`: the only changes are the upstream servers (the
 * service names become local ports), the listen address and the pages' root. It runs unprivileged under a temporary prefix, in the foreground,
 * tracked like every test child process.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { onOutputLines, spawnTracked, stopChild } from './child-processes.js';
import { freePort } from './free-port.js';

const NGINX = '/usr/sbin/nginx';
/** An upstream block's run of the compose file's instances, with their parameters. */
const UPSTREAM_SERVERS = /(\n\s*server footfall-[a-z]:8080([^;]*);)+/g;

export interface NginxProcess {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts nginx with deploy/nginx.conf in front of `upstreams` (`host:port`): in every upstream
 * block the compose file's instances become these, with the same parameters. `withoutLimits`
 * drops the per-address `limit_req` / `limit_conn` lines (and only those).
 */
export async function startNginx(upstreams: readonly string[], options: { withoutLimits?: boolean } = {}): Promise<NginxProcess> {
  const original = await readFile(path.join(PACKAGE_ROOT, 'deploy', 'nginx.conf'), 'utf8');
  // The bench measures what proxying costs, from one load address: the per-address limits go.
  const limited = options.withoutLimits ? original.replace(/^\s*limit_(req|conn)\s[^;]*;\n/gm, '') : original;
  const site = limited.replace(UPSTREAM_SERVERS, (block) => {
    const parameters = /server footfall-[a-z]:8080([^;]*);/.exec(block)?.[1] ?? '';
    return upstreams.map((address) => `\n  server ${address}${parameters};`).join('');
  });
  if (site === limited) throw new Error('deploy/nginx.conf no longer names the compose upstreams');
  return runNginx(site, '/healthz');
}

/**
 * Starts nginx with deploy/nginx-first-party.conf: a site's own server, its pages from `root`
 * and footfall (at `upstream`, `host:port`) under /stats/.
 */
export async function startFirstPartyNginx(upstream: string, root: string): Promise<NginxProcess> {
  let site = await readFile(path.join(PACKAGE_ROOT, 'deploy', 'nginx-first-party.conf'), 'utf8');
  site = site.replace(/server footfall:8080;/, `server ${upstream};`).replace(/root \/var\/www\/blog;/, `root ${root};`);
  if (!site.includes(upstream) || !site.includes(root)) throw new Error('deploy/nginx-first-party.conf no longer names its upstream and root');
  return runNginx(site, '/stats/healthz');
}

/** Runs `site` (a conf.d file listening on port 80) on a free port until `probe` answers. */
async function runNginx(site: string, probe: string): Promise<NginxProcess> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install it with \`apt-get install -y nginx\` (.ci/run does)`);
  const prefix = await mkdtemp(path.join(tmpdir(), 'footfall-nginx-'));
  // Started as root, nginx's workers run as another user: they must reach their temp paths.
  await chmod(prefix, 0o755);
  const port = await freePort();
  site = site.replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  await writeFile(path.join(prefix, 'footfall.conf'), site);
  // What the Debian package's main nginx.conf gives a conf.d file, with paths an unprivileged user may write.
  await writeFile(
    path.join(prefix, 'nginx.conf'),
    `pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/footfall.conf;
}
`,
  );
  const child = spawnTracked(NGINX, ['-p', prefix, '-c', `${prefix}/nginx.conf`, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  onOutputLines(child, (line) => output.push(line));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output.join('\n')}\n${await readFile(`${prefix}/error.log`, 'utf8').catch(() => '')}`);
    const up = await fetch(url + probe).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    async stop() {
      await stopChild(child, { signal: 'SIGQUIT' });
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
