// The SPDX 2.3 document of an artifact: the artifact as a package with its checksum,
// containing one package per installed Debian package (version, purl, declared licence).
import { createHash } from 'node:crypto';
import type { InstalledPackage } from './dpkg-status.js';
import type { DeclaredLicense } from './licenses.js';

export interface SpdxInput {
  /** The artifact's file name. */
  readonly name: string;
  readonly sha256: string;
  readonly packages: readonly InstalledPackage[];
  /** By package name: what its copyright file declares, when it is machine-readable. */
  readonly licenses: ReadonlyMap<string, DeclaredLicense>;
  /** When the document was made: SOURCE_DATE_EPOCH's time when it is set, so a rebuild gives the same file. */
  readonly created: Date;
  /** `Tool: debstep-VERSION`. */
  readonly creator: string;
}

/** purl's percent-encoding (epochs' colons, `+` and `~` in versions). */
const purlPart = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function purl(p: InstalledPackage): string {
  return `pkg:deb/debian/${purlPart(p.name)}@${purlPart(p.version)}?arch=${purlPart(p.architecture)}`;
}

/** SPDXIDs allow letters, digits, `.` and `-`. */
const spdxId = (s: string) => s.replace(/[^A-Za-z0-9.-]/g, '-');

/** A namespace unique to this artifact's content, the same for the same bytes. */
function namespace(input: SpdxInput): string {
  const h = createHash('sha256').update(`${input.name}\n${input.sha256}`).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function spdxDocument(input: SpdxInput): object {
  const artifactId = 'SPDXRef-Artifact';
  const refs = new Map<string, string>();
  const packages = input.packages.map((p) => {
    const license = input.licenses.get(p.name);
    for (const [id, text] of license?.refs ?? []) refs.set(id, text);
    return {
      SPDXID: `SPDXRef-Package-deb-${spdxId(p.name)}-${spdxId(p.architecture)}`,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: license?.expression ?? 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      sourceInfo: `built package from: ${p.source} ${p.sourceVersion}`,
      ...(p.maintainer ? { supplier: `Person: ${p.maintainer.replace(/\n/g, ' ')}` } : {}),
      ...(p.homepage ? { homepage: p.homepage } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(p) }],
    };
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: input.name,
    documentNamespace: namespace(input),
    creationInfo: { created: input.created.toISOString().replace(/\.\d{3}Z$/, 'Z'), creators: [input.creator] },
    packages: [
      {
        SPDXID: artifactId,
        name: input.name,
        packageFileName: input.name,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        checksums: [{ algorithm: 'SHA256', checksumValue: input.sha256 }],
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'FILE',
      },
      ...packages,
    ],
    ...(refs.size ? { hasExtractedLicensingInfos: [...refs].map(([licenseId, extractedText]) => ({ licenseId, extractedText })) } : {}),
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: artifactId },
      ...packages.map((p) => ({ spdxElementId: artifactId, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
    ],
  };
}
