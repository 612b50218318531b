// Benchmark (run by hand, as root): partition, format, deploy and pack a 2 GiB disk image
// from a cached minbase root, on the host backend and in the VM (TCG here), action by
// action from --events. Prints a Markdown table for bench/RESULTS.md.
//
//   node --import tsx bench/disk-image.ts [runs]
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseRootTarball } from '../test/helpers/base-root.js';
import { best, type Run, timedBuild } from './timed-build.js';

const runs = Number(process.argv[2] ?? 1);
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

const build = (backend: string): Run => timedBuild(recipe, { backend, state: join(dir, 'state'), cache: false, scratch: dir });

const results: Record<'host' | 'vm', Run[]> = { host: [], vm: [] };
for (let i = 0; i < runs; i++) for (const b of ['host', 'vm'] as const) results[b].push(build(b));
rmSync(dir, { recursive: true, force: true });
const [host, vm] = [best(results.host), best(results.vm)];
console.log(`| action | host (s) | VM, TCG (s) |\n|---|---|---|`);
for (const [index, a] of host.actions) console.log(`| ${a.description} | ${a.seconds.toFixed(1)} | ${vm.actions.get(index)!.seconds.toFixed(1)} |`);
console.log(`| whole build (VM boot included) | ${host.seconds.toFixed(1)} | ${vm.seconds.toFixed(1)} |`);
