// What filesystem-deploy and ostree-deploy do first when an image is mounted, as debos does
// in both: the root is copied into the image, and the image is the root from then on.
import type { StageContext } from '../run/stage.js';

/** Copies the root into the image mounted at `mountDir` and makes the image the root; the
 * action's cleanup goes back with `ctx.machine.showImageAsRoot(undefined)`. */
export async function deployRootIntoImage(ctx: StageContext, mountDir: string): Promise<void> {
  // cp -a keeps owners, modes, timestamps, hard links, xattrs, device nodes and sparse files.
  await ctx.exec({ argv: ['cp', '-a', `${ctx.rootDir}/.`, mountDir], chroot: false, label: 'Deploy to image' });
  // From here on the root is the image, for every later action as for debos (whose
  // Rootdir becomes the image's mount directory). The root stays at the same place: the
  // machine shows the image's mounts at rootDir instead of the layers, so chroot
  // commands, ROOTDIR, origin `filesystem`, overlays, pack and shells all see the image
  // on both backends, with nothing else to learn about images. Layers made meanwhile
  // stay empty; cleanup (at the end, or when a rewind undoes the action) shows them again.
  await ctx.machine.showImageAsRoot(mountDir);
}
