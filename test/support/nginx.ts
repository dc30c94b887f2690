/**
 * Debian's nginx running the repository's own `deploy/nginx.conf`, as the compose file mounts
 * it: the only changes are the upstream servers (the compose service names become local ports)
 * and the listen address. It runs unprivileged under a temporary prefix, in the foreground,
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
/** The compose file's service names in the upstream block, in order. */
const UPSTREAM_SERVERS = [/server footfall-a:8080;/, /server footfall-b:8080;/];

export interface NginxProcess {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts nginx with deploy/nginx.conf in front of `upstreams` (`host:port`, one per compose instance). */
export async function startNginx(upstreams: readonly string[]): Promise<NginxProcess> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install it with \`apt-get install -y nginx\` (.ci/run does)`);
  const prefix = await mkdtemp(path.join(tmpdir(), 'footfall-nginx-'));
  // Started as root, nginx's workers run as another user: they must reach their temp paths.
  await chmod(prefix, 0o755);
  const port = await freePort();
  let site = await readFile(path.join(PACKAGE_ROOT, 'deploy', 'nginx.conf'), 'utf8');
  // Upstreams beyond the compose file's two are added after the second.
  const servers = upstreams.map((address) => `server ${address};`);
  site = site.replace(UPSTREAM_SERVERS[0]!, servers[0]!).replace(UPSTREAM_SERVERS[1]!, servers.slice(1).join('\n  '));
  if (!site.includes(servers[0]!)) throw new Error('deploy/nginx.conf no longer names the compose upstreams');
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
    const up = await fetch(`${url}/healthz`).then(
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
