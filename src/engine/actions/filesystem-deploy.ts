/**
 * filesystem-deploy: copy the root filesystem into the image made by image-partition,
 * and carry on building inside the image (origin `filesystem` then means the image).
 *
 * ```yaml
 * - action: filesystem-deploy
 *   setup-fstab: true
 *   setup-kernel-cmdline: true
 *   append-kernel-cmdline: console=ttyS0
 * ```
 *
 * - `setup-fstab`: write `/etc/fstab` from the image's mountpoints; default true.
 * - `setup-kernel-cmdline`: write `/etc/kernel/cmdline` with `root=UUID=…`; default true.
 * - `append-kernel-cmdline`: more arguments for `/etc/kernel/cmdline`.
 *
 * For reproducible output (SOURCE_DATE_EPOCH, --reproducible) the image is then rid of
 * what differs from build to build (build-noise.ts) and no file in it is newer than the
 * epoch; what later actions write into the image is theirs.
 */
import { defineAction, PropertyError } from './action.js';
import { clampRootTimes, removeBuildNoise } from './build-noise.js';
import { BuildError } from '../../core/errors.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { actionFields } from './fields.js';
import { deployRootIntoImage } from './image-root.js';

export const filesystemDeploy = defineAction({
  kind: 'filesystem-deploy',
  defaultDescription: 'Deploying filesystem',
  schema: mapping({
    ...actionFields('filesystem-deploy'),
    'setup-fstab': bool().default(true),
    'setup-kernel-cmdline': bool().default(true),
    'append-kernel-cmdline': str().optional(),
  }),
  verify(p, ctx) {
    if (!ctx.image) throw new PropertyError('', 'there is no image to deploy into: no image-partition action comes before it');
    if (ctx.image.invalid) return;
    if (!ctx.image.mountpoints.length) {
      throw new PropertyError('', `the image ${ctx.image.name} has no mountpoints: nothing to deploy into`, "give image-partition 'mountpoints', at least /");
    }
    if (p['setup-fstab'] && ctx.image.mountpoints.every((m) => m.buildtime)) {
      throw new PropertyError('setup-fstab', `the image ${ctx.image.name} has only build-time mountpoints: no /etc/fstab to write`, "set 'setup-fstab: false'");
    }
  },
  async run(p, ctx) {
    const image = ctx.image;
    if (!image?.mountDir) throw new BuildError('the image is not mounted: no image-partition action before this one mounted it');
    await deployRootIntoImage(ctx, image.mountDir);
    const files = ctx.machine.files;
    if (p['setup-fstab']) {
      ctx.info('Setting up /etc/fstab');
      await files.mkdir('/etc');
      await files.writeFile('/etc/fstab', image.fstab);
    }
    if (p['setup-kernel-cmdline']) {
      ctx.info('Setting up /etc/kernel/cmdline');
      await files.mkdir('/etc/kernel');
      const current = (await files.exists('/etc/kernel/cmdline')) ? (await files.readFile('/etc/kernel/cmdline')).toString().trim() : '';
      const cmdline = [current, image.kernelRoot ?? '', p['append-kernel-cmdline'] ?? ''].filter(Boolean).join(' ');
      await files.writeFile('/etc/kernel/cmdline', `${cmdline}\n`);
    }
    await removeBuildNoise(ctx);
    await clampRootTimes(ctx);
  },
  async cleanup(_p, ctx) {
    await ctx.imageContentsFinal();
    await ctx.machine.showImageAsRoot(undefined);
  },
});
