import { ALL_EVENTS, publishedVersion, versionsOf, type PublishedVersion } from '@loja/contracts';

/**
 * Which version of each event this service publishes, for the events it does not publish in their
 * latest version. Unless `PUBLISH_EVENT_VERSIONS` says otherwise, an event with several versions is
 * published in its oldest: a new version reaches the wire only once an operator enables it, after every
 * consumer reads it (ADR 0008). Events absent from the map go out in their latest version, as built.
 */
export function publicationPlan(configured: Readonly<Record<string, number>> = {}): Map<string, PublishedVersion> {
  const plan = new Map<string, PublishedVersion>();
  for (const latest of ALL_EVENTS) {
    const version = configured[latest.type] ?? versionsOf(latest)[0]!.version;
    if (version !== latest.version) plan.set(latest.type, publishedVersion(latest.type, version));
  }
  return plan;
}

/**
 * Parses `PUBLISH_EVENT_VERSIONS`: `Type=version` pairs separated by commas, e.g. `PedidoCriado=2`.
 * Fails, naming the pair, on an event or version the contracts do not have.
 */
export function parsePublishVersions(text: string | undefined): Record<string, number> {
  const versions: Record<string, number> = {};
  for (const pair of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(pair);
    if (!match) throw new Error(`PUBLISH_EVENT_VERSIONS: "${pair}" is not Type=version`);
    const [, type, version] = match as unknown as [string, string, string];
    publishedVersion(type, Number(version)); // throws for an unknown event or version
    versions[type] = Number(version);
  }
  return versions;
}
