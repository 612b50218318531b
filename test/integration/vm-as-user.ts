// Run by vm-unprivileged.test.ts as an unprivileged user: boots a VM on the workspace given
// as argv[2], uses it as a build would, and prints what it saw as JSON.
import { join } from 'node:path';
import { startQemuMachine } from '../../src/vm/qemu/prepared-vm.js';

const dir = process.argv[2]!;
const diagnostics: string[] = [];
const vm = await startQemuMachine({
  rootDir: join(dir, 'root'),
  layersDir: join(dir, 'layers'),
  shares: [dir],
  accel: 'auto',
  onDiagnostic: (source, message) => diagnostics.push(`${source}: ${message}`),
});
const lines: string[] = [];
const sink = (_stream: string, line: string) => void lines.push(line);
try {
  const guestUid = await vm.exec({ argv: ['sh', '-c', 'id -u; stat -f -c %T /scratch'], chroot: false, label: 'id' }, sink);
  const write = await vm.exec({ argv: ['sh', '-c', `echo from-guest > ${join(dir, 'out.txt')}`], chroot: false, label: 'write' }, sink);
  await vm.mountRoot({ dir: join(dir, 'layers'), upper: 'L001', work: 'work-L001', lowers: ['base'] });
  const setup = await vm.exec({ argv: ['sh', '-c', `mkdir -p ${join(dir, 'root/bin')} && cp /usr/bin/busybox ${join(dir, 'root/bin/')}`], chroot: false, label: 'setup' }, sink);
  const chroot = await vm.exec({ argv: ['/bin/busybox', 'echo', 'chroot-ok'], chroot: true, label: 'chroot' }, sink);
  await vm.files.writeFile('/hello', 'x');
  const statuses = [guestUid, write, setup, chroot].map((r) => r.exitStatus);
  process.stdout.write(JSON.stringify({ statuses, lines, hello: (await vm.files.readFile('/hello')).toString(), diagnostics }) + '\n');
} finally {
  await vm.close();
}
