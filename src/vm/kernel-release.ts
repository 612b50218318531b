// What a Linux kernel can do, read from its release string (`uname -r`, a module directory's name).

/** Whether `release` (6.12.117+deb13-amd64) is `major.minor` or newer; an unreadable one is not. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = release.split(/[.-]/).map(Number);
  return ma > major || (ma === major && mi >= minor);
}
