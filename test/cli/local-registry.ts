// A throwaway npm registry on the loopback address, serving stub packages made with `npm pack`:
// the `--install` test runs the real package manager against it, so it needs neither the
// network nor an npm cache that happens to hold the package (a fresh machine's is empty).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalRegistry {
  readonly url: string;
  /** An empty npm cache folder for the run, so nothing cached elsewhere is used. */
  readonly cache: string;
  close(): Promise<void>;
}

interface Stub {
  readonly name: string;
  readonly version: string;
  readonly tarball: Buffer;
}

function packStub(name: string, version: string, workDir: string): Stub {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), `module.exports = { stub: ${JSON.stringify(name)} };\n`);
  const file =
    execFileSync('npm', ['pack', '--silent', '--pack-destination', workDir], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: join(workDir, '.pack-cache') },
    })
      .trim()
      .split('\n')
      .at(-1) ?? '';
  return { name, version, tarball: readFileSync(join(workDir, file)) };
}

export async function startLocalRegistry(packages: ReadonlyArray<{ name: string; version: string }>): Promise<LocalRegistry> {
  const workDir = mkdtempSync(join(tmpdir(), 'bulwark-registry-'));
  const stubs = packages.map((pkg) => packStub(pkg.name, pkg.version, workDir));
  let base = '';
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/').slice(1);
    const stub = stubs.find((candidate) => path === candidate.name);
    const tarball = stubs.find((candidate) => path === `${candidate.name}/-/${candidate.name}-${candidate.version}.tgz`);
    if (stub) {
      const dist = {
        tarball: `${base}/${stub.name}/-/${stub.name}-${stub.version}.tgz`,
        shasum: createHash('sha1').update(stub.tarball).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(stub.tarball).digest('base64')}`,
      };
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          name: stub.name,
          'dist-tags': { latest: stub.version },
          versions: { [stub.version]: { name: stub.name, version: stub.version, main: 'index.js', dist } },
        }),
      );
    } else if (tarball) {
      response.setHeader('content-type', 'application/octet-stream');
      response.end(tarball.tarball);
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cache = join(workDir, 'npm-cache');
  mkdirSync(cache);
  return {
    url: `${base}/`,
    cache,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
