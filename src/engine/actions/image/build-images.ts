// What image-partition hands to the actions after it: the image's block devices, where its
// file systems are mounted, and the fstab and kernel root that filesystem-deploy writes.
// debos keeps these in its shared context (Image, ImagePartitions, ImageMntDir,
// ImageFSTab, ImageKernelRoot); here each image belongs to the action that made it, and
// an action sees the newest one made before it.
import type { BlockDevice } from '../../../vm/machine.js';
import type { RootPackages } from '../../manifest/index.js';

export interface ImagePartitionDevice extends BlockDevice {
  readonly name: string;
  readonly number: number;
}

/** An image as far as its action has got: each step publishes a new, complete value. */
export interface DiskImage {
  /** The image file. */
  readonly file: string;
  /** The whole image's device: IMAGE for commands. */
  readonly device: BlockDevice;
  readonly partitions: readonly ImagePartitionDevice[];
  /** IMAGEMNTDIR: where the mount points are mounted, once they are. */
  readonly mountDir?: string;
  /** The directories mounted so far, in mount order. */
  readonly mounted: readonly { readonly dir: string; readonly buildtime: boolean }[];
  /** /etc/fstab lines for the mount points that are not build-time only. */
  readonly fstab: string;
  /** `root=UUID=…` of the partition mounted at /, when one is. */
  readonly kernelRoot?: string;
}

/** The images of a build, by the plan number of the action that made each. */
export class BuildImages {
  private readonly byAction = new Map<number, DiskImage>();
  /** By image file: the packages of the root deployed into it, as it was when it stopped
   * being the root, for its manifests once the build is over. */
  readonly contents = new Map<string, RootPackages>();

  set(index: number, image: DiskImage): void {
    this.byAction.set(index, image);
  }

  delete(index: number): void {
    this.byAction.delete(index);
  }

  /** The image action `index` made itself. */
  of(index: number): DiskImage | undefined {
    return this.byAction.get(index);
  }

  /** The image made by the last action before `index` that has one. */
  before(index: number): DiskImage | undefined {
    const earlier = [...this.byAction.keys()].filter((i) => i < index);
    return earlier.length ? this.byAction.get(Math.max(...earlier)) : undefined;
  }
}
