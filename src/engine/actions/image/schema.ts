// image-partition's properties (documented in ../image-partition.ts), with debos's defaults.
import type { z } from 'zod';
import { anyCaseOf, bool, listOf, mapping, str, strList } from '../../recipe/properties.js';
import { actionFields } from '../fields.js';

export const partitionSchema = mapping({
  name: str(),
  fs: str(),
  start: str(),
  end: str(),
  partlabel: str().optional(),
  fslabel: str().optional(),
  parttype: str().optional(),
  partattrs: strList().default([]),
  partuuid: str().optional(),
  fsuuid: str().optional(),
  features: strList().default([]),
  extendedoptions: strList().default([]),
  flags: strList().default([]),
  fsck: bool().default(true),
});

export const mountpointSchema = mapping({
  mountpoint: str(),
  partition: str(),
  options: strList().default([]),
  buildtime: bool().default(false),
});

export const imagePartitionSchema = mapping({
  ...actionFields('image-partition'),
  imagename: str(),
  imagesize: str(),
  /** As written; verify turns `GPT` into `gpt` (see there). */
  partitiontype: anyCaseOf(['gpt', 'msdos']),
  diskid: str().optional(),
  gpt_gap: str().optional(),
  partitions: listOf(partitionSchema).default([]),
  mountpoints: listOf(mountpointSchema).default([]),
});

export type ImagePartition = z.output<typeof imagePartitionSchema>;
export type Partition = z.output<typeof partitionSchema>;
export type Mountpoint = z.output<typeof mountpointSchema>;

/** The FAT family: one mkfs.vfat, mounted as vfat. */
export const FAT = ['fat', 'fat12', 'fat16', 'fat32', 'msdos', 'vfat'];
