// The file mode creation mask every build runs with, whatever the builder's.

/**
 * Debian's default (and the VM guest's, and debos's fakemachine's): files 0644,
 * directories 0755. The builder's umask (002 on many desktops, 077 on hardened hosts) is
 * not the recipe's business: it would show in the root's directories, in what commands
 * write into the root, and so in the tarball (the overlay's upper directory gives the
 * root its mode). Explicit modes alone would not do: mkdir(2) and open(2) mask them too,
 * and the tools debstep runs (tar, mmdebstrap, dpkg, the recipe's scripts) inherit it.
 */
export const BUILD_UMASK = 0o022;

/** Sets the build's umask for this process and so for every command it starts. */
export function fixUmask(): void {
  process.umask(BUILD_UMASK);
}
