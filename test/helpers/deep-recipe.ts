// A recipe of many layers: each action is one overlayfs layer. util-linux 2.39 and newer
// refuse mount options over 256 bytes, which a lowerdir of a few layers under a state
// directory passes; these recipes stack more than that.

/** A recipe that unpacks `base.tar.gz`, writes /etc/layer-N in each of `depth` run actions, and packs `deep.tar.gz`. */
export function deepRecipe(depth: number, last = ''): string {
  const runs = Array.from({ length: depth }, (_, i) => `  - action: run\n    chroot: true\n    command: echo ${i === depth - 1 && last ? last : i} > /etc/layer-${i}\n`);
  return `architecture: amd64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar.gz\n${runs.join('')}  - action: pack\n    file: deep.tar.gz\n`;
}
