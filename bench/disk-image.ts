// Benchmark (run by hand, as root): partition, format, deploy and pack a 2 GiB disk image
// from a cached minbase root, on the host backend and in the VM (TCG here), action by
// action from --events. Prints a Markdown table for bench/RESULTS.md.
//
//   node --import tsx bench/disk-image.ts [runs]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseRootTarball } from '../test/helpers/base-root.js';

const runs = Number(process.argv[2] ?? 1);
const repo = resolve(import.meta.dirname, '..');
const dir = mkdtempSync('/var/tmp/debstep-bench-image-');
copyFileSync(await baseRootTarball('bookworm', 'amd64', 'tar'), join(dir, 'base.tar'));
const recipe = join(dir, 'image.yaml');
writeFileSync(
  recipe,
  `architecture: amd64
actions:
  - action: unpack
    description: unpack a minbase root
    origin: recipe
    file: base.tar
  - action: image-partition
    description: partition and format 2 GiB (ext4 /boot and root)
    imagename: disk.img
    imagesize: 2GiB
    partitiontype: gpt
    mountpoints:
      - mountpoint: /
        partition: root
      - mountpoint: /boot
        partition: boot
    partitions:
      # ext4, not vfat: this project's test machine's kernel has no vfat.
      - name: boot
        fs: ext4
        start: 1MiB
        end: 257MiB
      - name: root
        fs: ext4
        start: 257MiB
        end: 100%
  - action: filesystem-deploy
    description: deploy the root into the image
  - action: pack
    description: pack the image's root
    file: root.tar.gz
`,
);

function build(backend: string): { seconds: number; actions: Map<string, number> } {
  const out = mkdtempSync(join(dir, 'out-'));
  const events = join(out, 'events.jsonl');
  const started = process.hrtime.bigint();
  const argv = [join(repo, 'bin/debstep.js'), 'build', recipe, '--backend', backend, '--no-cache', '--artifactdir', out, '--state-dir', join(dir, 'state'), '--events', events];
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${backend} build failed`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const actions = new Map<string, number>();
  const names = new Map<number, string>();
  for (const line of readFileSync(events, 'utf8').split('\n').filter(Boolean)) {
    const e = JSON.parse(line) as { type: string; index?: number; description?: string; durationMs?: number };
    if (e.type === 'action-start') names.set(e.index!, e.description!);
    if (e.type === 'action-end') actions.set(names.get(e.index!)!, e.durationMs! / 1000);
  }
  rmSync(out, { recursive: true, force: true });
  return { seconds, actions };
}

const results: Record<'host' | 'vm', ReturnType<typeof build>[]> = { host: [], vm: [] };
for (let i = 0; i < runs; i++) for (const b of ['host', 'vm'] as const) results[b].push(build(b));
rmSync(dir, { recursive: true, force: true });
const best = (xs: ReturnType<typeof build>[]) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const [host, vm] = [best(results.host), best(results.vm)];
console.log(`| action | host (s) | VM, TCG (s) |\n|---|---|---|`);
for (const [name, seconds] of host.actions) console.log(`| ${name} | ${seconds.toFixed(1)} | ${vm.actions.get(name)!.toFixed(1)} |`);
console.log(`| whole build (VM boot included) | ${host.seconds.toFixed(1)} | ${vm.seconds.toFixed(1)} |`);
